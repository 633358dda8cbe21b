//! Erasing a pupil or a guardian (AVG art. 17; issue #14: by the school's admins, seed 003): their
//! rows in every module go in the caller's transaction. Most go by the foreign keys' cascades; what
//! refers to a person without one (consent decisions, who wrote a note, stored answers to retried
//! requests, queued mail) is removed or emptied here. The audit log keeps its events: they hold
//! ids only, and usage logs are kept six months (seed 002, appendix 2).
//!
//! The forms' sign-ups go first through the forms service (their places move the waiting list
//! up), not here.

use diesel::prelude::*;
use domain::scope::SchoolScope;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::guardians::GuardianRow;
use crate::pupils::PupilRow;
use crate::schema::{
    accounts, board_admins, consent_events, consents, data_exports, form_responses, form_signups,
    forms, guardian_pupils, guardians, idempotency_keys, inbox_items, medical_notes, outbox,
    pupils, schools, staff,
};
use crate::scoped;

/// The ids of the schools the scope reaches (a board's schools: tens).
fn reached_schools(
    conn: &mut AnyConnection,
    scope: &SchoolScope,
) -> Result<Vec<String>, RepoError> {
    Ok(schools::table
        .filter(scoped::school_filter(scope))
        .select(schools::id)
        .load(conn)?)
}

/// A pupil, current or former, of a school the scope reaches; [`RepoError::NotFound`] otherwise.
pub fn pupil_at(
    conn: &mut AnyConnection,
    scope: &SchoolScope,
    id: &str,
) -> Result<PupilRow, RepoError> {
    let reached = reached_schools(conn, scope)?;
    Ok(pupils::table
        .filter(pupils::id.eq(id))
        .filter(pupils::school_id.eq_any(reached))
        .select(PupilRow::as_select())
        .get_result(conn)?)
}

/// A guardian, active or not, of a school the scope reaches; [`RepoError::NotFound`] otherwise.
pub fn guardian_at(
    conn: &mut AnyConnection,
    scope: &SchoolScope,
    id: &str,
) -> Result<GuardianRow, RepoError> {
    let reached = reached_schools(conn, scope)?;
    Ok(guardians::table
        .filter(guardians::id.eq(id))
        .filter(guardians::school_id.eq_any(reached))
        .select(GuardianRow::as_select())
        .get_result(conn)?)
}

/// The forms with a sign-up of the pupil, for the forms service to release them first.
pub fn forms_with_signups_of(
    conn: &mut AnyConnection,
    pupil_id: &str,
) -> Result<Vec<String>, RepoError> {
    Ok(form_signups::table
        .filter(form_signups::pupil_id.eq(pupil_id))
        .select(form_signups::form_id)
        .distinct()
        .order(form_signups::form_id)
        .load(conn)?)
}

/// Stored answers to retried requests that hold `text` (an id or a name): they go, the retry
/// then runs again instead of replaying (they are kept a day at most anyway).
fn forget_replays(conn: &mut AnyConnection, text: &str) -> Result<(), RepoError> {
    diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::body.like(format!("%{text}%"))),
    )
    .execute(conn)?;
    Ok(())
}

/// Finished access exports that hold `text` (an id): the document is a copy of the person's data
/// and goes with it (the guardian may ask for a new one).
fn forget_exports(conn: &mut AnyConnection, text: &str) -> Result<(), RepoError> {
    diesel::delete(data_exports::table.filter(data_exports::document.like(format!("%{text}%"))))
        .execute(conn)?;
    Ok(())
}

/// Clears the label naming the children on inbox items of the pupil's guardians that name the
/// pupil ("Sanne en Daan": the text is a copy of the first name). A sibling named with them loses
/// the label too: the item stays, only who it was for is no longer shown.
fn forget_in_inboxes(conn: &mut AnyConnection, pupil: &PupilRow) -> Result<(), RepoError> {
    let accounts: Vec<Option<String>> = guardian_pupils::table
        .inner_join(guardians::table)
        .filter(guardian_pupils::pupil_id.eq(&pupil.id))
        .select(guardians::account_id)
        .load(conn)?;
    let accounts: Vec<String> = accounts.into_iter().flatten().collect();
    if accounts.is_empty() || pupil.first_name.is_empty() {
        return Ok(());
    }
    diesel::update(
        inbox_items::table
            .filter(inbox_items::account_id.eq_any(accounts))
            .filter(inbox_items::children.like(format!("%{}%", pupil.first_name))),
    )
    .set(inbox_items::children.eq(""))
    .execute(conn)?;
    Ok(())
}

/// Removes the pupil and everything of theirs; the caller has released their sign-ups.
pub fn erase_pupil(conn: &mut AnyConnection, pupil: &PupilRow) -> Result<(), RepoError> {
    forget_in_inboxes(conn, pupil)?;
    diesel::delete(consent_events::table.filter(consent_events::subject_id.eq(&pupil.id)))
        .execute(conn)?;
    diesel::delete(consents::table.filter(consents::subject_id.eq(&pupil.id))).execute(conn)?;
    forget_replays(conn, &pupil.id)?;
    forget_exports(conn, &pupil.id)?;
    // Enrolments, guardian links, absences with their history and signals, leave requests,
    // bookings, sign-ups, confirmations, comments, change requests and the medical note cascade.
    diesel::delete(pupils::table.find(&pupil.id)).execute(conn)?;
    Ok(())
}

/// Whether another active guardian of the school shares the household (its shared data then
/// stays: a family's data goes only once every member has left).
pub fn household_continues(
    conn: &mut AnyConnection,
    guardian: &GuardianRow,
    household: &str,
) -> Result<bool, RepoError> {
    let others: i64 = guardian_pupils::table
        .inner_join(guardians::table)
        .filter(guardian_pupils::household.eq(household))
        .filter(guardians::school_id.eq(&guardian.school_id))
        .filter(guardians::id.ne(&guardian.id))
        .filter(guardians::deactivated_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(others > 0)
}

/// The households `guardian` is in, by the key the LAS gave them.
pub fn households_of(
    conn: &mut AnyConnection,
    guardian: &GuardianRow,
) -> Result<Vec<String>, RepoError> {
    Ok(guardian_pupils::table
        .filter(guardian_pupils::guardian_id.eq(&guardian.id))
        .select(guardian_pupils::household)
        .distinct()
        .load(conn)?)
}

/// Removes the guardian and everything of theirs, and their account when it has no other role;
/// the caller has withdrawn the responses of households that end with them.
pub fn erase_guardian(conn: &mut AnyConnection, guardian: &GuardianRow) -> Result<(), RepoError> {
    let id = &guardian.id;
    diesel::delete(consent_events::table.filter(consent_events::subject_id.eq(id)))
        .execute(conn)?;
    diesel::delete(consents::table.filter(consents::subject_id.eq(id))).execute(conn)?;
    // Their decisions for a child stay (the child's consent holds), without who took them.
    diesel::update(consents::table.filter(consents::decided_by.eq(id)))
        .set(consents::decided_by.eq(None::<String>))
        .execute(conn)?;
    diesel::update(consent_events::table.filter(consent_events::decided_by.eq(id)))
        .set(consent_events::decided_by.eq(None::<String>))
        .execute(conn)?;
    diesel::update(medical_notes::table.filter(medical_notes::updated_by.eq(id)))
        .set(medical_notes::updated_by.eq(None::<String>))
        .execute(conn)?;
    forget_replays(conn, id)?;
    forget_exports(conn, id)?;
    if let Some(email) = &guardian.email {
        diesel::delete(outbox::table.filter(outbox::to_address.eq(email))).execute(conn)?;
    }
    diesel::delete(guardians::table.find(id)).execute(conn)?;
    if let Some(account) = &guardian.account_id {
        erase_account_if_unused(conn, account)?;
    }
    Ok(())
}

/// Deletes the account when no guardian, staff or board role is left on it (its sessions, inbox,
/// preferences and queued mail cascade); a platform operator's stays.
pub(crate) fn erase_account_if_unused(
    conn: &mut AnyConnection,
    account: &str,
) -> Result<(), RepoError> {
    let roles: i64 = guardians::table
        .filter(guardians::account_id.eq(account))
        .count()
        .get_result::<i64>(conn)?
        + staff::table
            .filter(staff::account_id.eq(account))
            .count()
            .get_result::<i64>(conn)?
        + board_admins::table
            .filter(board_admins::account_id.eq(account))
            .count()
            .get_result::<i64>(conn)?;
    if roles == 0 {
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::account_id.eq(account)))
            .execute(conn)?;
        diesel::delete(
            accounts::table
                .filter(accounts::id.eq(account))
                .filter(accounts::is_platform_operator.eq(false)),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// The household's responses at the school's forms: (form, response).
pub fn responses_of_household(
    conn: &mut AnyConnection,
    school_id: &str,
    household: &str,
) -> Result<Vec<(String, String)>, RepoError> {
    Ok(form_responses::table
        .inner_join(forms::table)
        .filter(forms::school_id.eq(school_id))
        .filter(form_responses::household.eq(household))
        .select((form_responses::form_id, form_responses::id))
        .order(form_responses::id)
        .load(conn)?)
}
