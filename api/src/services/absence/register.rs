//! Staff register absence with its kind (SPEC §7): for one pupil or a whole group at once (an
//! excursion), also for past days and what the school learned by phone; and the school's view of
//! a guardian's report (its kind, the minutes).

use chrono::{DateTime, NaiveDate, Utc};
use domain::absence::{
    self as rules, AbsenceKind, AbsenceReason, ReasonKind, ReportAbsence, Reporter, Source, policy,
};
use domain::actor::Actor;
use domain::modules::{Capacity, Module};
use persistence::absence::{self as store, AbsenceRow, Change, NewAbsence};
use persistence::{AnyConnection, transaction};

use super::read::view;
use super::{AbsenceError, AbsenceView, Need, calendar_of, object, pupil, refused, today};
use crate::audit::Audit;
use crate::services::{module_school_as, school_ref};

/// A registration by staff.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The pupils, or `group_id` for every current pupil of the group.
    pub pupil_ids: Vec<String>,
    pub group_id: Option<String>,
    pub kind: AbsenceKind,
    pub note: Option<String>,
    pub first_day: NaiveDate,
    pub last_day: Option<NaiveDate>,
    pub minutes: Option<u32>,
}

/// Whether the caller registers absence at the school at all (a role that may: 403 otherwise;
/// absence off for staff: 404), before the body is read.
pub fn may_register_at(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<(), AbsenceError> {
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::Absence,
        Capacity::Staff,
        None,
    )?;
    let at = school_ref(school.row());
    let registers = policy::registers_at(actor, at);
    if !registers {
        audit.record(
            conn,
            "register_absence",
            object("school", school_id, school_id),
            "forbidden",
        )?;
        return Err(AbsenceError::Forbidden);
    }
    Ok(())
}

/// The reason a registration records: sick for sick, else the note (the kind's name without one).
fn reason_of(kind: AbsenceKind, note: Option<String>) -> AbsenceReason {
    match kind {
        AbsenceKind::Sick => AbsenceReason {
            kind: ReasonKind::Sick,
            note,
        },
        other => AbsenceReason {
            kind: ReasonKind::Other,
            note: note.or_else(|| Some(other.as_str().to_owned())),
        },
    }
}

/// Registers the absence for each pupil (all or none), raising the DUO signal where unauthorized
/// absence reaches it.
pub fn register(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    registration: Registration,
    now: DateTime<Utc>,
) -> Result<Vec<AbsenceView>, AbsenceError> {
    may_register_at(conn, actor, audit, school_id)?;
    if registration.kind == AbsenceKind::Leave {
        return Err(refused(
            "kind",
            "leave_by_request",
            "leave is granted through a leave request",
        ));
    }
    let ids = match &registration.group_id {
        Some(group) => {
            let school = module_school_as(
                conn,
                actor,
                audit,
                school_id,
                Module::Absence,
                Capacity::Staff,
                None,
            )?;
            store::group_pupils(conn, &school, group)?.ok_or_else(|| {
                refused("group_id", "unknown_group", "is not a group of this school")
            })?
        }
        None => registration.pupil_ids.clone(),
    };
    if ids.is_empty() || ids.len() > domain::absence::MAX_REGISTRATION_PUPILS {
        return Err(refused(
            "pupil_ids",
            "count",
            "must name 1 to 100 pupils, or a group with pupils",
        ));
    }
    let calendar = calendar_of(conn, school_id, registration.first_day)?;
    let settings = store::settings::get(conn, school_id)?;
    let mut pupils = Vec::with_capacity(ids.len());
    let mut new = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let found = pupil(
            conn,
            actor,
            audit,
            id,
            today(now),
            Need {
                capacity: Capacity::Staff,
                action: "register_absence",
                allowed: policy::may_register,
            },
        );
        let pupil = match found {
            Ok(pupil) if pupil.at.school_id == school_id => pupil,
            Ok(_) | Err(AbsenceError::NotFound) => {
                return Err(refused(
                    &format!("pupil_ids[{i}]"),
                    "unknown_pupil",
                    "is not a pupil of this school",
                ));
            }
            Err(other) => return Err(other),
        };
        let assessed = rules::assess(
            &ReportAbsence {
                pupil_id: persistence::ids::uuid(id),
                group_id: pupil.group_on(),
                reason: reason_of(registration.kind, registration.note.clone()),
                first_day: registration.first_day,
                last_day: registration.last_day.or(Some(registration.first_day)),
                minutes: registration.minutes,
            },
            Reporter::Staff,
            &calendar,
            &settings.absence,
            now,
        )
        .map_err(AbsenceError::Refused)?;
        new.push(NewAbsence {
            school_id: school_id.to_owned(),
            pupil_id: id.clone(),
            source: Source::Staff.as_str(),
            reported_by: Some(actor.account_id.to_string()),
            reason: assessed.reason.kind.as_str(),
            kind: Some(registration.kind.as_str()),
            note: assessed.reason.note.clone(),
            first_day: assessed.first_day,
            last_day: assessed.last_day,
            expected_return: None,
            minutes: registration.minutes,
            late: false,
        });
        pupils.push(pupil);
    }
    let naive = now.naive_utc();
    transaction(conn, |conn| {
        let rows = store::insert(conn, &new, naive)?;
        let mut views = Vec::with_capacity(rows.len());
        for (row, pupil) in rows.into_iter().zip(&pupils) {
            audit.record(
                conn,
                "register_absence",
                object("absence", &row.id, school_id),
                "ok",
            )?;
            if registration.kind == AbsenceKind::Unauthorized {
                super::signals::refresh(conn, &pupil.at, now)?;
                if settings.notify_unreported
                    && !store::reported_on(conn, &row.pupil_id, row.first_day)?
                {
                    tell_guardians(conn, &row, now)?;
                }
            }
            views.push(view(actor, pupil, row, Vec::new())?);
        }
        Ok(views)
    })
}

/// Tells the pupil's guardians that the school registered their child absent without a report
/// (the school's switch, issue #11): urgent, as the child is not at school. No reason or note in
/// the message; the app shows the absence to those who may see it.
fn tell_guardians(
    conn: &mut AnyConnection,
    row: &AbsenceRow,
    now: DateTime<Utc>,
) -> Result<(), persistence::RepoError> {
    let event = persistence::notify::NewEvent {
        school_id: &row.school_id,
        kind: domain::notify::EventKind::AbsenceUnreported,
        object_id: &row.id,
        urgent: true,
        language: domain::mail::Language::Dutch,
        title: "Afwezig zonder melding",
        body: "De school heeft uw kind afwezig gemeld, maar er is geen melding van u. Neem contact op met de school.",
    };
    persistence::notify::emit(conn, &event, now.naive_utc()).map(drop)
}

/// The school's view of an absence, as staff change it.
#[derive(Debug, Clone)]
pub struct StaffChange {
    pub version: i32,
    pub kind: Option<AbsenceKind>,
    pub minutes: Option<u32>,
    pub last_day: Option<NaiveDate>,
}

/// Staff register the kind (and the minutes or last day) of an absence; every change is in its
/// history ("from X to Y").
pub fn amend(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    change: StaffChange,
    now: DateTime<Utc>,
) -> Result<AbsenceView, AbsenceError> {
    let (row, at) = store::find(conn, &actor.pupil_scope(), id, today(now))?;
    let pupil = pupil(
        conn,
        actor,
        audit,
        &at.id,
        today(now),
        Need {
            capacity: Capacity::Staff,
            action: "change_absence",
            allowed: policy::may_register,
        },
    )?;
    if row.version != change.version {
        return Err(AbsenceError::Conflict(
            "The absence was changed since the version given; read it again.",
        ));
    }
    if row.source()? == Source::Leave || change.kind == Some(AbsenceKind::Leave) {
        return Err(AbsenceError::Conflict(
            "Leave is granted and changed through its leave request.",
        ));
    }
    let last_day = change.last_day.or(row.last_day);
    if last_day.is_some_and(|last| last < row.first_day) {
        return Err(refused(
            "last_day",
            "before_first_day",
            "lies before the first day",
        ));
    }
    let minutes = change.minutes.or(row.given_minutes());
    let after = AbsenceRow {
        kind: change
            .kind
            .map(|k| k.as_str().to_owned())
            .or(row.kind.clone()),
        minutes: minutes.and_then(|m| i32::try_from(m).ok()),
        last_day,
        ..row.clone()
    };
    let text = |v: Option<String>| v;
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let mut changes = Vec::new();
    for (field, from, to) in [
        ("kind", text(row.kind.clone()), text(after.kind.clone())),
        (
            "minutes",
            row.minutes.map(|m| m.to_string()),
            after.minutes.map(|m| m.to_string()),
        ),
        ("last_day", day(row.last_day), day(after.last_day)),
    ] {
        if from != to {
            changes.push(Change { field, from, to });
        }
    }
    let edit = super::edit::Edit {
        before: &row,
        after,
        changes,
        action: "change_absence",
    };
    super::edit::apply(conn, actor, audit, &pupil, edit, now)
}
