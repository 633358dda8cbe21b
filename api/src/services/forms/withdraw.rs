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
        audit.record(
            conn,
            "withdraw_form_response",
            response_object(&response, &form.school_id),
            "ok",
        )?;
        Ok(())
    })
}
