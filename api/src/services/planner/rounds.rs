//! Rounds: made centrally by the school's planners (admin or director), listed for staff and for
//! guardians of the groups it covers (published ones only), published once after the teachers'
//! deadline (seed 003).

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::modules::{Capacity, Module};
use domain::planner::desks::{self, DeskPlan};
use domain::planner::{CreateRound, Phase, Window, policy, rules};
use persistence::ids::uuid;
use persistence::page::Page;
use persistence::planner::{self, Listed, NewDesk, NewRound, StoredDesk, StoredRound};
use persistence::{AnyConnection, transaction};

use super::{PlannerError, Result, as_guardian, as_staff, round_object};
use crate::audit::{Audit, Object};
use crate::error::ApiError;
use crate::services::{module_school_as, school_ref};

/// A round with what the caller may see of it.
#[derive(Debug, Clone)]
pub struct RoundView {
    pub round: StoredRound,
    pub phase: Phase,
    pub groups: Vec<String>,
    pub windows: Vec<Window>,
    /// All desks for staff; for a guardian, the desks of their children's groups.
    pub desks: Vec<StoredDesk>,
}

fn view(
    conn: &mut AnyConnection,
    round: StoredRound,
    groups: Vec<String>,
    only_groups: Option<&[String]>,
    now: DateTime<Utc>,
) -> Result<RoundView> {
    let windows = planner::windows_of(conn, &round.id)?;
    let mut desks = planner::desks_of(conn, &round.id)?;
    if let Some(only) = only_groups {
        desks.retain(|d| d.groups.iter().any(|g| only.contains(g)));
    }
    Ok(RoundView {
        phase: rules::phase(&round.times, round.published_at.is_some(), now),
        round,
        groups,
        windows,
        desks,
    })
}

/// Whether the caller is staff at the school (then they act as staff, else as a guardian).
fn is_staff_at(actor: &Actor, school_id: &str) -> bool {
    policy::acts_as_staff(actor, uuid(school_id))
}

/// Whether the caller may create rounds at the school (before their body is read): 404 out of
/// reach or with the planner off for them, 403 (recorded) when not the school's planner.
pub fn may_create(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<()> {
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::Planner,
        Capacity::Staff,
        None,
    )?;
    if policy::may_manage_rounds(actor, school_ref(school.row())) {
        return Ok(());
    }
    let object = Object {
        kind: "planner_round",
        id: None,
        school_id: Some(school_id),
    };
    audit.record(conn, "create_planner_round", object, "forbidden")?;
    Err(PlannerError::Forbidden)
}

/// Creates a round at the school with a desk per teacher (or per duo, shared) of its groups and
/// the slots its windows give. For the school's planners; refusals per field, nothing stored.
pub fn create<T>(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    command: &CreateRound,
    now: DateTime<Utc>,
    remember: impl FnOnce(&mut AnyConnection, &RoundView) -> std::result::Result<T, ApiError>,
) -> std::result::Result<T, ApiError> {
    may_create(conn, actor, audit, school_id)?;
    let (settings, duo_mode) = (&command.settings, command.duo_mode);
    let groups: Vec<String> = command.groups.iter().map(ToString::to_string).collect();
    let mut refusals = Vec::new();
    let slots = match rules::assess_round(settings, now) {
        Ok(slots) => slots,
        Err(found) => {
            refusals.extend(found);
            Vec::new()
        }
    };
    let groups = check_groups(conn, school_id, &groups, &mut refusals)?;
    if !refusals.is_empty() {
        return Err(PlannerError::Refused(refusals).into());
    }
    let teachers = planner::group_teachers(conn, school_id, &groups)?;
    let links: Vec<(String, String)> = teachers
        .iter()
        .map(|t| (t.group_id.clone(), t.staff_id.clone()))
        .collect();
    let new_desks: Vec<NewDesk> = desks::plan(&links, duo_mode)
        .into_iter()
        .map(|DeskPlan { staff, groups }| NewDesk {
            label: staff
                .iter()
                .filter_map(|s| teachers.iter().find(|t| &t.staff_id == s))
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(" & "),
            staff,
            groups,
        })
        .collect();
    let account = actor.account_id.to_string();
    transaction(conn, |conn| {
        let new = NewRound {
            school_id,
            created_by: Some(&account),
            settings,
            duo_mode,
            groups: &groups,
            desks: &new_desks,
            slots: &slots,
        };
        let round = planner::insert(conn, &new, now)?;
        audit.record(conn, "create_planner_round", round_object(&round), "ok")?;
        let view = view(conn, round, groups.clone(), None, now)?;
        remember(conn, &view)
    })
}

/// The groups, each the school's (refused per position otherwise), without repeats.
fn check_groups(
    conn: &mut AnyConnection,
    school_id: &str,
    groups: &[String],
    refusals: &mut Vec<Refusal>,
) -> Result<Vec<String>> {
    if let Err(invalid) = rules::check_group_count(groups.len()) {
        refusals.push(Refusal {
            field: "groups".to_owned(),
            reason: invalid,
        });
        return Ok(Vec::new());
    }
    let known = planner::groups_at(conn, school_id, groups)?;
    let mut unique: Vec<String> = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        if !known.contains(group) {
            refusals.push(Refusal {
                field: format!("groups[{i}]"),
                reason: domain::Invalid::new("unknown_group", "is not a group of this school"),
            });
        } else if !unique.contains(group) {
            unique.push(group.clone());
        }
    }
    Ok(unique)
}

/// A page of the school's rounds the caller may see: all for its planners, those covering their
/// groups for teachers, published ones covering their children's groups for guardians.
pub fn list(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<StoredRound>> {
    let staff = is_staff_at(actor, school_id);
    let capacity = if staff {
        Capacity::Staff
    } else {
        Capacity::Guardian
    };
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::Planner,
        capacity,
        None,
    )?;
    let at = school_ref(school.row());
    let groups: Vec<String>;
    let listed = if staff && policy::may_manage_rounds(actor, at) {
        Listed::All
    } else if staff {
        groups = actor
            .staff
            .iter()
            .filter(|m| m.school_id == at.school_id)
            .flat_map(|m| m.groups.iter().map(ToString::to_string))
            .collect();
        Listed::Covering {
            groups: &groups,
            published_only: false,
        }
    } else {
        let children: Vec<String> = actor
            .guardian
            .iter()
            .filter(|g| g.school_id == at.school_id)
            .flat_map(|g| g.children.iter().map(|c| c.pupil_id.to_string()))
            .collect();
        groups = planner::current_groups_of(conn, &children)?;
        Listed::Covering {
            groups: &groups,
            published_only: true,
        }
    };
    Ok(planner::list_at(conn, school_id, &listed, after, limit)?)
}

/// The round with its windows and desks (a guardian: their children's desks only).
pub fn round(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<RoundView> {
    let school_id = planner::find(conn, id)?.school_id;
    if is_staff_at(actor, &school_id) {
        let reached = as_staff(conn, actor, audit, id)?;
        return view(conn, reached.round, reached.groups, None, now);
    }
    let (reached, children) = as_guardian(conn, actor, audit, id)?;
    let child_groups = planner::current_groups_of(conn, &children)?;
    view(
        conn,
        reached.round,
        reached.groups,
        Some(&child_groups),
        now,
    )
}

/// Publishes the round after the teachers' deadline (seed 003: then it is sent out centrally).
pub fn publish(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<RoundView> {
    let reached = as_staff(conn, actor, audit, id)?;
    if !policy::may_manage_rounds(actor, reached.at()) {
        audit.record(
            conn,
            "publish_planner_round",
            round_object(&reached.round),
            "forbidden",
        )?;
        return Err(PlannerError::Forbidden);
    }
    let round = &reached.round;
    rules::may_publish(&round.times, round.published_at.is_some(), now)
        .map_err(|invalid| PlannerError::Conflict(invalid.message))?;
    let published = transaction(conn, |conn| {
        if !planner::publish(conn, &round.id, now)? {
            return Ok(false);
        }
        audit.record(conn, "publish_planner_round", round_object(round), "ok")?;
        let event = persistence::notify::NewEvent {
            school_id: &round.school_id,
            kind: domain::notify::EventKind::PlannerPublished,
            object_id: &round.id,
            urgent: false,
            language: domain::mail::Language::Dutch,
            title: "Oudergesprekken: kies een tijd",
            body: "De school heeft een ronde oudergesprekken opengezet. Kies in de app een tijd \
                   zodra inschrijven open is.",
        };
        persistence::notify::emit(conn, &event, now.naive_utc())?;
        Ok::<_, PlannerError>(true)
    })?;
    if !published {
        return Err(PlannerError::Conflict(
            "The round was published meanwhile.".to_owned(),
        ));
    }
    let round = planner::find(conn, id)?;
    view(conn, round, reached.groups, None, now)
}
