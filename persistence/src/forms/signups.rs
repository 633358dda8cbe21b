//! Responses and sign-ups. Every write runs in the service's transaction under the locks taken
//! here, in one order (the response, the children, the options by id), so two writers never
//! deadlock. An option's counts move in the same statement that gives the arrival its ticket,
//! and the table's CHECK refuses a count above the capacity whatever happens above it; the
//! unique indexes refuse a child or a household twice on one option.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::forms::SignupState;

use super::rows::{
    OptionRow, ResponseRow, SignupRow, StoredOption, StoredResponse, StoredSignup, all, naive,
};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::schema::{form_options, form_responses, form_signups};

/// The household's response to the form, if any; on PostgreSQL locked until the transaction
/// ends (SQLite's transactions hold the write lock from their start).
pub fn lock_response(
    conn: &mut AnyConnection,
    form_id: &str,
    household: &str,
) -> Result<Option<StoredResponse>, RepoError> {
    let query = form_responses::table
        .filter(form_responses::form_id.eq(form_id))
        .filter(form_responses::household.eq(household));
    let row: Option<ResponseRow> = match conn {
        AnyConnection::Postgresql(pg) => query
            .select(ResponseRow::as_select())
            .for_update()
            .first(pg)
            .optional()?,
        AnyConnection::Sqlite(lite) => query
            .select(ResponseRow::as_select())
            .first(lite)
            .optional()?,
    };
    row.map(StoredResponse::try_from).transpose()
}

/// A new response of a household; `None` when the household responded meanwhile (the unique
/// index on form and household).
pub fn insert_response(
    conn: &mut AnyConnection,
    form_id: &str,
    household: &str,
    responded_by: &str,
    answers: &str,
    now: DateTime<Utc>,
) -> Result<Option<StoredResponse>, RepoError> {
    let row = ResponseRow {
        id: new_id(),
        form_id: form_id.to_owned(),
        household: household.to_owned(),
        responded_by: Some(responded_by.to_owned()),
        answers: answers.to_owned(),
        created_at: naive(now),
        updated_at: naive(now),
    };
    match diesel::insert_into(form_responses::table)
        .values(&row)
        .execute(conn)
        .map_err(RepoError::from)
    {
        Ok(_) => Ok(Some(StoredResponse::try_from(row)?)),
        Err(RepoError::Conflict(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Replaces a response's answers.
pub fn update_response(
    conn: &mut AnyConnection,
    id: &str,
    responded_by: &str,
    answers: &str,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    diesel::update(form_responses::table.find(id))
        .set((
            form_responses::answers.eq(answers),
            form_responses::responded_by.eq(responded_by),
            form_responses::updated_at.eq(naive(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a response (its sign-ups must have been removed through [`remove`] first, so that the
/// counts and the waiting list move).
pub fn delete_response(conn: &mut AnyConnection, id: &str) -> Result<(), RepoError> {
    diesel::delete(form_responses::table.find(id)).execute(conn)?;
    Ok(())
}

/// The sign-ups of a response, by option and ticket.
pub fn of_response(
    conn: &mut AnyConnection,
    response_id: &str,
) -> Result<Vec<StoredSignup>, RepoError> {
    let rows: Vec<SignupRow> = form_signups::table
        .filter(form_signups::response_id.eq(response_id))
        .select(SignupRow::as_select())
        .order((form_signups::option_id, form_signups::ticket))
        .load(conn)?;
    all(rows)
}

/// The form's sign-ups for these children, whichever household made them.
pub fn of_children(
    conn: &mut AnyConnection,
    form_id: &str,
    pupil_ids: &[String],
) -> Result<Vec<StoredSignup>, RepoError> {
    let rows: Vec<SignupRow> = form_signups::table
        .filter(form_signups::form_id.eq(form_id))
        .filter(form_signups::pupil_id.eq_any(pupil_ids.to_vec()))
        .select(SignupRow::as_select())
        .load(conn)?;
    all(rows)
}

/// Every sign-up of the form, by option and order of arrival.
pub fn of_form(conn: &mut AnyConnection, form_id: &str) -> Result<Vec<StoredSignup>, RepoError> {
    let rows: Vec<SignupRow> = form_signups::table
        .filter(form_signups::form_id.eq(form_id))
        .select(SignupRow::as_select())
        .order((form_signups::option_id, form_signups::ticket))
        .load(conn)?;
    all(rows)
}

/// How many wait on the option before `ticket`: a waiting sign-up's place in the queue is one
/// more. Counted on the queue's index, without loading the queue.
pub fn waiting_before(
    conn: &mut AnyConnection,
    option_id: &str,
    ticket: u32,
) -> Result<u32, RepoError> {
    let ahead: i64 = form_signups::table
        .filter(form_signups::option_id.eq(option_id))
        .filter(form_signups::state.eq(SignupState::Waiting.as_str()))
        .filter(form_signups::ticket.lt(i32::try_from(ticket).unwrap_or(i32::MAX)))
        .count()
        .get_result(conn)?;
    Ok(u32::try_from(ahead).unwrap_or(u32::MAX))
}

/// Locks these options of the form in order of id (PostgreSQL: `FOR UPDATE`; SQLite's write lock
/// is held already) and answers them with their counts. Ids of other forms are left out.
pub fn lock_options(
    conn: &mut AnyConnection,
    form_id: &str,
    option_ids: &[String],
) -> Result<Vec<StoredOption>, RepoError> {
    let query = form_options::table
        .filter(form_options::form_id.eq(form_id))
        .filter(form_options::id.eq_any(option_ids.to_vec()))
        .order(form_options::id);
    let rows: Vec<OptionRow> = match conn {
        AnyConnection::Postgresql(pg) => {
            query.select(OptionRow::as_select()).for_update().load(pg)?
        }
        AnyConnection::Sqlite(lite) => query.select(OptionRow::as_select()).load(lite)?,
    };
    all(rows)
}

fn counted(state: SignupState) -> (i32, i32) {
    match state {
        SignupState::Placed => (1, 0),
        SignupState::Waiting => (0, 1),
        SignupState::Pending | SignupState::Unplaced => (0, 0),
    }
}

/// Moves an option's counts; the CHECK constraints refuse a count below zero or above capacity.
fn adjust(
    conn: &mut AnyConnection,
    option_id: &str,
    (placed, waiting): (i32, i32),
    ticket: i32,
) -> Result<(), RepoError> {
    diesel::update(form_options::table.find(option_id))
        .set((
            form_options::placed.eq(form_options::placed + placed),
            form_options::waiting.eq(form_options::waiting + waiting),
            form_options::tickets.eq(form_options::tickets + ticket),
        ))
        .execute(conn)?;
    Ok(())
}

/// A sign-up to add to a response (its option locked by [`lock_options`]).
#[derive(Debug, Clone, Copy)]
pub struct NewSignup<'a> {
    pub form_id: &'a str,
    pub option_id: &'a str,
    pub response_id: &'a str,
    pub pupil_id: Option<&'a str>,
    pub household: &'a str,
    pub state: SignupState,
    pub preference: Option<u32>,
}

/// Adds a sign-up with the option's next ticket and moves its counts. `None` when the child (or
/// the household) is on the option already; nothing is counted then, but on PostgreSQL the failed
/// insert ends the transaction: the caller answers without committing.
pub fn add(
    conn: &mut AnyConnection,
    new: &NewSignup<'_>,
    now: DateTime<Utc>,
) -> Result<Option<StoredSignup>, RepoError> {
    adjust(conn, new.option_id, (0, 0), 1)?;
    let ticket: i32 = form_options::table
        .find(new.option_id)
        .select(form_options::tickets)
        .first(conn)?;
    let row = SignupRow {
        id: new_id(),
        form_id: new.form_id.to_owned(),
        option_id: new.option_id.to_owned(),
        response_id: new.response_id.to_owned(),
        pupil_id: new.pupil_id.map(str::to_owned),
        household: new.household.to_owned(),
        state: new.state.as_str().to_owned(),
        ticket,
        preference: new.preference.and_then(|p| i32::try_from(p).ok()),
        created_at: naive(now),
        updated_at: naive(now),
    };
    match diesel::insert_into(form_signups::table)
        .values(&row)
        .execute(conn)
        .map_err(RepoError::from)
    {
        Ok(_) => {}
        Err(RepoError::Conflict(_)) => return Ok(None),
        Err(other) => return Err(other),
    }
    adjust(conn, new.option_id, counted(new.state), 0)?;
    Ok(Some(StoredSignup::try_from(row)?))
}

/// Removes a sign-up (its option locked) and moves its option's counts.
pub fn remove(conn: &mut AnyConnection, signup: &StoredSignup) -> Result<(), RepoError> {
    diesel::delete(form_signups::table.find(&signup.id)).execute(conn)?;
    let (placed, waiting) = counted(signup.state);
    adjust(conn, &signup.option_id, (-placed, -waiting), 0)
}

/// The first on the option's waiting list (lowest ticket), if anyone waits.
pub fn first_waiting(
    conn: &mut AnyConnection,
    option_id: &str,
) -> Result<Option<StoredSignup>, RepoError> {
    let row: Option<SignupRow> = form_signups::table
        .filter(form_signups::option_id.eq(option_id))
        .filter(form_signups::state.eq(SignupState::Waiting.as_str()))
        .select(SignupRow::as_select())
        .order(form_signups::ticket)
        .first(conn)
        .optional()?;
    row.map(StoredSignup::try_from).transpose()
}

/// Moves a sign-up to `state` (its option locked) with the option's counts.
pub fn set_state(
    conn: &mut AnyConnection,
    signup: &StoredSignup,
    state: SignupState,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    diesel::update(form_signups::table.find(&signup.id))
        .set((
            form_signups::state.eq(state.as_str()),
            form_signups::updated_at.eq(naive(now)),
        ))
        .execute(conn)?;
    let (from_placed, from_waiting) = counted(signup.state);
    let (to_placed, to_waiting) = counted(state);
    adjust(
        conn,
        &signup.option_id,
        (to_placed - from_placed, to_waiting - from_waiting),
        0,
    )
}

/// Every response to the form, oldest first.
pub fn responses_of(
    conn: &mut AnyConnection,
    form_id: &str,
) -> Result<Vec<StoredResponse>, RepoError> {
    let rows: Vec<ResponseRow> = form_responses::table
        .filter(form_responses::form_id.eq(form_id))
        .select(ResponseRow::as_select())
        .order(form_responses::id)
        .load(conn)?;
    all(rows)
}

/// The response `id`, whatever its form: the caller checks its reach.
pub fn find_response(conn: &mut AnyConnection, id: &str) -> Result<StoredResponse, RepoError> {
    let row: ResponseRow = form_responses::table
        .find(id)
        .select(ResponseRow::as_select())
        .first(conn)?;
    StoredResponse::try_from(row)
}

/// Changes the rank of a pending sign-up (a household reordering its choices before the close
/// keeps its place in the order of arrival).
pub fn set_preference(
    conn: &mut AnyConnection,
    signup_id: &str,
    preference: Option<u32>,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    diesel::update(form_signups::table.find(signup_id))
        .set((
            form_signups::preference.eq(preference.and_then(|p| i32::try_from(p).ok())),
            form_signups::updated_at.eq(naive(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives a sign-up the option's next ticket: it moves to the end of the queue (an allocation run
/// queues those it could not place in the order it considered them).
pub fn requeue(conn: &mut AnyConnection, signup: &StoredSignup) -> Result<(), RepoError> {
    adjust(conn, &signup.option_id, (0, 0), 1)?;
    let ticket: i32 = form_options::table
        .find(&signup.option_id)
        .select(form_options::tickets)
        .first(conn)?;
    diesel::update(form_signups::table.find(&signup.id))
        .set(form_signups::ticket.eq(ticket))
        .execute(conn)?;
    Ok(())
}

/// The household's response to the form, if any (a read; [`lock_response`] for a change).
pub fn household_response(
    conn: &mut AnyConnection,
    form_id: &str,
    household: &str,
) -> Result<Option<StoredResponse>, RepoError> {
    let row: Option<ResponseRow> = form_responses::table
        .filter(form_responses::form_id.eq(form_id))
        .filter(form_responses::household.eq(household))
        .select(ResponseRow::as_select())
        .first(conn)
        .optional()?;
    row.map(StoredResponse::try_from).transpose()
}
