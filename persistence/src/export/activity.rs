//! The export's sections of what the family did and what happened to the children: absences with
//! their history, leave, bookings, form responses and sign-ups, change requests. One query per
//! section over all the children; never another household's response or booking.

use diesel::prelude::*;

use super::Family;
use super::rows::{
    AbsenceChange, AbsenceRecord, BookingRecord, ChangeRequestField, ChangeRequestRecord,
    LeaveRecord, ResponseRecord, SignupRecord,
};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{
    absence_history, absences, change_request_fields, change_requests, form_options,
    form_responses, form_signups, forms, leave_requests, planner_booking_guardians,
    planner_bookings, planner_rounds,
};

pub fn absences(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<AbsenceRecord>, RepoError> {
    Ok(absences::table
        .filter(absences::pupil_id.eq_any(&family.pupil_ids))
        .select((
            absences::id,
            absences::school_id,
            absences::pupil_id,
            absences::source,
            absences::reported_by,
            absences::reason,
            absences::kind,
            absences::note,
            absences::first_day,
            absences::last_day,
            absences::expected_return,
            absences::returned_on,
            absences::minutes,
            absences::late,
            absences::withdrawn_at,
            absences::leave_request_id,
            absences::created_at,
        ))
        .order((absences::pupil_id, absences::first_day))
        .load(conn)?)
}

/// The changes to the children's absences, oldest first.
pub fn absence_history(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<AbsenceChange>, RepoError> {
    let theirs = absences::table
        .filter(absences::pupil_id.eq_any(&family.pupil_ids))
        .select(absences::id);
    Ok(absence_history::table
        .filter(absence_history::absence_id.eq_any(theirs))
        .select((
            absence_history::absence_id,
            absence_history::field,
            absence_history::from_value,
            absence_history::to_value,
            absence_history::changed_by,
            absence_history::changed_at,
        ))
        .order(absence_history::changed_at)
        .load(conn)?)
}

pub fn leave_requests(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<LeaveRecord>, RepoError> {
    Ok(leave_requests::table
        .filter(leave_requests::pupil_id.eq_any(&family.pupil_ids))
        .select((
            leave_requests::id,
            leave_requests::school_id,
            leave_requests::pupil_id,
            leave_requests::requested_by,
            leave_requests::kind,
            leave_requests::first_day,
            leave_requests::last_day,
            leave_requests::submitted_on,
            leave_requests::reason,
            leave_requests::employer_statement,
            leave_requests::school_days,
            leave_requests::state,
            leave_requests::decided_at,
            leave_requests::decision_reason,
            leave_requests::created_at,
        ))
        .order((leave_requests::pupil_id, leave_requests::first_day))
        .load(conn)?)
}

/// The children's bookings of the account's households, or that the account's guardian records
/// were asked to (a booking of the other parent's household only when it is theirs too).
pub fn bookings(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<BookingRecord>, RepoError> {
    let attended = planner_booking_guardians::table
        .filter(planner_booking_guardians::guardian_id.eq_any(&family.guardian_ids))
        .select(planner_booking_guardians::booking_id);
    Ok(planner_bookings::table
        .inner_join(planner_rounds::table)
        .filter(planner_bookings::pupil_id.eq_any(&family.pupil_ids))
        .filter(
            planner_bookings::household
                .eq_any(&family.households)
                .or(planner_bookings::id.eq_any(attended)),
        )
        .select((
            planner_bookings::id,
            planner_bookings::round_id,
            planner_rounds::name,
            planner_bookings::pupil_id,
            planner_bookings::household,
            planner_bookings::booked_by,
            planner_bookings::state,
            planner_bookings::starts_at,
            planner_bookings::ends_at,
            planner_bookings::cancel_reason,
            planner_bookings::created_at,
        ))
        .order((planner_bookings::pupil_id, planner_bookings::starts_at))
        .load(conn)?)
}

/// The responses of the account's households to forms of their schools.
pub fn form_responses(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<Vec<ResponseRecord>, RepoError> {
    Ok(form_responses::table
        .inner_join(forms::table)
        .filter(forms::school_id.eq_any(&family.school_ids))
        .filter(form_responses::household.eq_any(&family.household_keys))
        .select((
            form_responses::id,
            form_responses::form_id,
            forms::title,
            form_responses::household,
            form_responses::responded_by,
            form_responses::answers,
            form_responses::created_at,
            form_responses::updated_at,
        ))
        .order(form_responses::created_at)
        .load(conn)?)
}

/// The sign-ups of those responses (the household's and each child's).
pub fn signups(
    conn: &mut AnyConnection,
    response_ids: &[String],
) -> Result<Vec<SignupRecord>, RepoError> {
    Ok(form_signups::table
        .inner_join(form_options::table)
        .filter(form_signups::response_id.eq_any(response_ids))
        .select((
            form_signups::id,
            form_signups::form_id,
            form_signups::option_id,
            form_options::label,
            form_signups::response_id,
            form_signups::pupil_id,
            form_signups::state,
            form_signups::preference,
            form_signups::created_at,
        ))
        .order(form_signups::created_at)
        .load(conn)?)
}

/// The change requests the account's guardian records made, or that are about them.
pub fn change_requests(
    conn: &mut AnyConnection,
    family: &Family,
) -> Result<(Vec<ChangeRequestRecord>, Vec<ChangeRequestField>), RepoError> {
    let requests: Vec<ChangeRequestRecord> = change_requests::table
        .filter(
            change_requests::requested_by
                .eq_any(&family.guardian_ids)
                .or(change_requests::subject_id.eq_any(&family.guardian_ids)),
        )
        .select((
            change_requests::id,
            change_requests::school_id,
            change_requests::subject_kind,
            change_requests::subject_id,
            change_requests::requested_by,
            change_requests::status,
            change_requests::remark,
            change_requests::created_at,
            change_requests::decided_at,
        ))
        .order(change_requests::created_at)
        .load(conn)?;
    let ids: Vec<&String> = requests.iter().map(|r| &r.id).collect();
    let fields = change_request_fields::table
        .filter(change_request_fields::request_id.eq_any(ids))
        .select((
            change_request_fields::request_id,
            change_request_fields::field,
            change_request_fields::current_value,
            change_request_fields::proposed_value,
            change_request_fields::outcome,
            change_request_fields::reason,
        ))
        .order((
            change_request_fields::request_id,
            change_request_fields::field,
        ))
        .load(conn)?;
    Ok((requests, fields))
}
