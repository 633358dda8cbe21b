//! Withdrawing: the household takes its whole response back while the form is open; every place
//! it held goes to the first waiting on that option, at once and in the same transaction.

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use persistence::forms as store;
use persistence::{AnyConnection, transaction};

use super::apply::remove_and_promote;
use super::respond::{as_household, response_object};
use super::{FormsError, Result, conflict};
use crate::audit::Audit;

/// Withdraws the response `id` of the caller's household; 409 after the close.
pub fn withdraw(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let (_, guardian) = as_household(conn, actor, audit, id, now)?;
    if guardian.reached.phase(now) != domain::forms::Phase::Open {
        return Err(conflict(
            "The form is closed: responses can no longer be withdrawn.",
        ));
    }
    let form = &guardian.reached.form;
    transaction(conn, |conn| {
        let response = store::lock_response(conn, &form.id, &guardian.household)?
            .filter(|r| r.id == id)
            .ok_or(FormsError::NotFound)?;
        let mut children = guardian.children.clone();
        children.sort();
        for child in &children {
            persistence::pupils::lock(conn, child)?;
        }
        take_back(conn, form, id, now)?;
        audit.record(
            conn,
            "withdraw_form_response",
            response_object(&response, &form.school_id),
            "ok",
        )?;
        Ok(())
    })
}

/// Removes a response with its sign-ups, each freed place going to the first waiting (the
/// caller holds the response's lock).
fn take_back(
    conn: &mut AnyConnection,
    form: &store::StoredForm,
    id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut options: Vec<String> = store::of_response(conn, id)?
        .into_iter()
        .map(|s| s.option_id)
        .collect();
    options.sort();
    options.dedup();
    store::lock_options(conn, &form.id, &options)?;
    // Read again under the options' locks: a withdrawal elsewhere may have promoted one.
    let mut signups = store::of_response(conn, id)?;
    signups.sort_by(|a, b| a.option_id.cmp(&b.option_id));
    for signup in &signups {
        remove_and_promote(conn, form, signup, now)?;
    }
    store::delete_response(conn, id)?;
    Ok(())
}

/// Erasure (issue #14): releases every sign-up of the pupil, each freed place going to the first
/// waiting, so the counts stay true. The caller owns the transaction.
pub fn release_pupil(conn: &mut AnyConnection, pupil_id: &str, now: DateTime<Utc>) -> Result<()> {
    let child = [pupil_id.to_owned()];
    for form_id in persistence::erasure::forms_with_signups_of(conn, pupil_id)? {
        let form = store::find(conn, &form_id)?;
        let mut options: Vec<String> = store::of_children(conn, &form.id, &child)?
            .into_iter()
            .map(|s| s.option_id)
            .collect();
        options.sort();
        options.dedup();
        store::lock_options(conn, &form.id, &options)?;
        let mut signups = store::of_children(conn, &form.id, &child)?;
        signups.sort_by(|a, b| a.option_id.cmp(&b.option_id));
        for signup in &signups {
            remove_and_promote(conn, &form, signup, now)?;
        }
    }
    Ok(())
}

/// Erasure of a household's last member: takes back the household's responses at the school.
pub fn release_household(
    conn: &mut AnyConnection,
    school_id: &str,
    household: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    for (form_id, response_id) in
        persistence::erasure::responses_of_household(conn, school_id, household)?
    {
        let form = store::find(conn, &form_id)?;
        if store::lock_response(conn, &form.id, household)?.is_some() {
            take_back(conn, &form, &response_id, now)?;
        }
    }
    Ok(())
}
