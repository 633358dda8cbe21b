//! Sign-up forms (intekenen, SPEC §9, seed 003): forms with their audience, options and
//! questions; households' responses and their sign-ups. Who may see or change what is the
//! service's (`domain::forms::policy`); these take the ids it checked. Capacity is never exceeded:
//! the options' counts move under their row locks and the table's CHECK has the last word.

mod audience;
mod rows;
mod signups;
mod store;

pub use audience::{
    AudienceLink, AudiencePupil, groups_of_children, household_accounts, household_of,
    households_of_guardians, links_of, pupils_reached, responded_forms, unresponsive_accounts,
};
pub use rows::{StoredForm, StoredOption, StoredResponse, StoredSignup};
pub use signups::{
    NewSignup, add, delete_response, find_response, first_waiting, household_response,
    insert_response, lock_options, lock_response, of_children, of_form, of_response, remove,
    requeue, responses_of, set_preference, set_state, update_response, waiting_before,
};
pub use store::{
    DueForm, Listed, due_announcements, find, insert, list_at, mark_allocated, mark_announced,
    mark_reminded, opened_at, options_of, questions_of,
};

use crate::connection::AnyConnection;
use crate::error::RepoError;

/// The form of a response of the school's, and the response's household; `None` when either is
/// gone or of another school (whom news of a response reaches).
pub fn response_form(
    conn: &mut AnyConnection,
    school_id: &str,
    response_id: &str,
) -> Result<Option<(StoredForm, String)>, RepoError> {
    let response = match find_response(conn, response_id) {
        Ok(response) => response,
        Err(RepoError::NotFound) => return Ok(None),
        Err(err) => return Err(err),
    };
    let form = find(conn, &response.form_id)?;
    Ok((form.school_id == school_id).then_some((form, response.household)))
}
