//! Forms: made by the school admin (whole school or groups) or a teacher (own groups), listed for
//! those who manage them and for the guardians they reach, read by either.

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::forms::{CreateForm, Phase, Question, assess_form, policy, reaches};
use domain::modules::{Capacity, Module};
use persistence::forms::{self as store, Listed, StoredForm, StoredOption};
use persistence::ids::uuid;
use persistence::page::Page;
use persistence::{AnyConnection, transaction};

use super::respond::{ResponseView, view_of};
use super::{FormsError, Result, as_guardian, form_object, manages};
use crate::audit::{Audit, Object};
use crate::error::ApiError;
use crate::services::{module_school_as, school_ref};

/// A form with what the caller may see of it.
#[derive(Debug, Clone)]
pub struct FormView {
    pub form: StoredForm,
    pub phase: Phase,
    pub options: Vec<StoredOption>,
    pub questions: Vec<Question>,
    /// For a guardian: their children the form reaches (id, first name); empty for staff.
    pub children: Vec<(String, String)>,
    /// For a guardian: their household's response, if any.
    pub response: Option<ResponseView>,
}

fn view(conn: &mut AnyConnection, form: StoredForm, now: DateTime<Utc>) -> Result<FormView> {
    Ok(FormView {
        phase: domain::forms::phase(form.opens_at, form.closes_at, now),
        options: store::options_of(conn, &form.id)?,
        questions: store::questions_of(conn, &form.id)?,
        form,
        children: Vec::new(),
        response: None,
    })
}

/// Whether the caller makes forms at the school (before their form is read): 404 out of reach or
/// with forms off for them, 403 (recorded) for staff who make none.
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
        Module::Forms,
        Capacity::Staff,
        None,
    )?;
    if policy::makes_forms(actor, school_ref(school.row())) {
        return Ok(());
    }
    forbidden(conn, audit, school_id)
}

fn forbidden<T>(conn: &mut AnyConnection, audit: &Audit, school_id: &str) -> Result<T> {
    let object = Object {
        kind: "form",
        id: None,
        school_id: Some(school_id),
    };
    audit.record(conn, "create_form", object, "forbidden")?;
    Err(FormsError::Forbidden)
}

/// Makes a form at the school. Refusals per field, nothing stored; 403 for a teacher's form to
/// groups they do not teach or to the whole school. `remember` stores the answer under the
/// caller's `Idempotency-Key` in the same transaction.
pub fn create<T>(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    command: &CreateForm,
    now: DateTime<Utc>,
    remember: impl FnOnce(&mut AnyConnection, &FormView) -> std::result::Result<T, ApiError>,
) -> std::result::Result<T, ApiError> {
    may_create(conn, actor, audit, school_id)?;
    let mut refusals = match assess_form(command, now) {
        Ok(()) => Vec::new(),
        Err(found) => found,
    };
    let groups: Vec<String> = command
        .audience
        .group_ids()
        .iter()
        .map(ToString::to_string)
        .collect();
    let known = persistence::planner::groups_at(conn, school_id, &groups)?;
    if known.len() != groups.len() {
        refusals.push(domain::change_request::Refusal {
            field: "audience.groups".to_owned(),
            reason: domain::Invalid::new(
                "unknown_group",
                "names a group that is not this school's",
            ),
        });
    }
    if !refusals.is_empty() {
        return Err(FormsError::Refused(refusals).into());
    }
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::Forms,
        Capacity::Staff,
        None,
    )
    .map_err(FormsError::from)?;
    if !policy::may_create(actor, school_ref(school.row()), &command.audience) {
        return forbidden(conn, audit, school_id).map_err(ApiError::from);
    }
    transaction(conn, |conn| {
        let id = store::insert(conn, school_id, command, &actor.account_id.to_string(), now)?;
        let form = store::find(conn, &id)?;
        audit.record(conn, "create_form", form_object(&form), "ok")?;
        let view = view(conn, form, now)?;
        remember(conn, &view)
    })
}

/// A page of the school's forms for those who manage them: every form for the school admin, their
/// own for a teacher; 403 (recorded) for other staff.
pub fn list(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<StoredForm>> {
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::Forms,
        Capacity::Staff,
        None,
    )?;
    let at = school_ref(school.row());
    let account = actor.account_id.to_string();
    let listed = if policy::lists_all(actor, at) {
        Listed::All
    } else if policy::makes_forms(actor, at) {
        Listed::MadeBy(&account)
    } else {
        let object = Object {
            kind: "form",
            id: None,
            school_id: Some(school_id),
        };
        audit.record(conn, "list_forms", object, "forbidden")?;
        return Err(FormsError::Forbidden);
    };
    Ok(store::list_at(conn, school_id, listed, after, limit)?)
}

/// A form as the caller may see it: in full for those who manage it, or for a guardian it
/// reaches (once open) with their children and their household's response; 404 for everyone
/// else.
pub fn form(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<FormView> {
    let found = store::find(conn, id)?;
    if manages(conn, actor, audit, &found)?.is_some() {
        return view(conn, found, now);
    }
    let guardian = as_guardian(conn, actor, audit, id, now)?;
    let names = store::pupils_reached(conn, &guardian.reached.form, Some(&guardian.children))?;
    let response = store::household_response(conn, id, &guardian.household)?;
    let response = response
        .map(|r| view_of(conn, &guardian.reached.form, r))
        .transpose()?;
    let mut view = view(conn, guardian.reached.form, now)?;
    view.children = names
        .into_iter()
        .map(|p| (p.pupil_id, p.first_name))
        .collect();
    view.response = response;
    Ok(view)
}

/// A form in a guardian's list, and whether their household responded.
#[derive(Debug, Clone)]
pub struct Mine {
    pub form: StoredForm,
    pub phase: Phase,
    pub responded: bool,
}

/// Most forms a guardian's list considers: our bound (far above a family's forms in 90 days).
const MINE_AT_MOST: i64 = 500;

/// The forms open for the caller's children, and those closed in the last
/// [`domain::forms::LISTED_AFTER_CLOSE_DAYS`] days, newest first, at schools where forms are on for them
/// as a guardian. One query per table, whatever the number of forms.
pub fn mine(
    conn: &mut AnyConnection,
    actor: &Actor,
    after: Option<&str>,
    limit: u16,
    now: DateTime<Utc>,
) -> Result<Page<Mine>> {
    let mut schools: Vec<String> = Vec::new();
    for link in &actor.guardian {
        let id = link.school_id.to_string();
        let school = persistence::schools::find_visible(conn, &actor.school_scope(), &id)?;
        let on =
            persistence::modules::gate_as(conn, school, Module::Forms, actor, Capacity::Guardian)?;
        if on.is_some() && !schools.contains(&id) {
            schools.push(id);
        }
    }
    let children: Vec<String> = actor
        .guardian
        .iter()
        .flat_map(|g| g.children.iter().map(|c| c.pupil_id.to_string()))
        .collect();
    let groups = store::groups_of_children(conn, &children)?;
    let forms: Vec<StoredForm> = store::opened_at(conn, &schools, now, MINE_AT_MOST)?
        .into_iter()
        .filter(|form| after.is_none_or(|after| form.id.as_str() < after))
        .filter(|form| {
            let mut pupils: Vec<&String> = groups
                .iter()
                .filter(|(_, school, _)| *school == form.school_id)
                .map(|(pupil, _, _)| pupil)
                .collect();
            pupils.dedup();
            pupils.into_iter().any(|pupil| {
                let of_pupil: Vec<(uuid::Uuid, Option<i32>)> = groups
                    .iter()
                    .filter(|(p, _, _)| p == pupil)
                    .filter_map(|(_, _, g)| g.as_ref().map(|(id, year)| (uuid(id), *year)))
                    .collect();
                reaches(&form.audience, &form.year_groups, &of_pupil)
            })
        })
        .collect();
    let guardian_ids: Vec<String> = actor
        .guardian
        .iter()
        .map(|g| g.guardian_id.to_string())
        .collect();
    let households = store::households_of_guardians(conn, &guardian_ids)?;
    let ids: Vec<String> = forms.iter().map(|f| f.id.clone()).collect();
    let responded = store::responded_forms(conn, &ids, &households)?;
    let limit = usize::from(limit.max(1));
    let more = forms.len() > limit;
    let items: Vec<Mine> = forms
        .into_iter()
        .take(limit)
        .map(|form| Mine {
            phase: domain::forms::phase(form.opens_at, form.closes_at, now),
            responded: responded.contains(&form.id),
            form,
        })
        .collect();
    Ok(Page {
        next_cursor: more
            .then(|| items.last().map(|m| m.form.id.clone()))
            .flatten(),
        items,
    })
}
