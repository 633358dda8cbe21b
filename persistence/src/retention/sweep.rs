//! What each category's purge finds at one school, given the last start date that has expired
//! (`through`): counted for a dry run, removed otherwise. Deletes go by primary key in batches, so
//! a large backlog never holds one long transaction and a second instance would only find less.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::guardians::GuardianRow;
use crate::pupils::PupilRow;
use crate::schema::{
    absence_signals, absences, audit_events, change_requests, consent_events, consents, forms,
    guardian_pupils, guardians, leave_requests, medical_notes, news_posts, planner_rounds, pupils,
    staff,
};
use crate::staff::StaffRow;

/// Rows deleted per statement.
const BATCH: i64 = 500;

/// Midnight after `through`: "on or before `through`" as a bound on a timestamp.
fn end_of(through: NaiveDate) -> NaiveDateTime {
    through
        .succ_opt()
        .unwrap_or(through)
        .and_time(chrono::NaiveTime::MIN)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Deletes what `next` finds, a batch of ids at a time, until it finds nothing; the number gone.
fn in_batches(
    conn: &mut AnyConnection,
    mut next: impl FnMut(&mut AnyConnection) -> Result<Vec<String>, RepoError>,
    mut delete: impl FnMut(&mut AnyConnection, Vec<String>) -> Result<usize, RepoError>,
) -> Result<i64, RepoError> {
    let mut removed = 0;
    loop {
        let ids = next(conn)?;
        if ids.is_empty() {
            return Ok(removed);
        }
        removed += count(delete(conn, ids)?);
    }
}

/// Audit events of the school (all of them with `None`) from on or before `through`.
pub fn audit_log(
    conn: &mut AnyConnection,
    school_id: Option<&str>,
    through: NaiveDate,
    dry: bool,
) -> Result<i64, RepoError> {
    let end = end_of(through);
    let scoped = |school: Option<&str>| {
        let mut query = audit_events::table
            .filter(audit_events::at.lt(end))
            .select(audit_events::id)
            .into_boxed();
        if let Some(school) = school {
            query = query.filter(audit_events::school_id.eq(school.to_owned()));
        }
        query
    };
    if dry {
        return Ok(scoped(school_id).count().get_result(conn)?);
    }
    in_batches(
        conn,
        |conn| Ok(scoped(school_id).limit(BATCH).load(conn)?),
        |conn, ids| {
            Ok(
                diesel::delete(audit_events::table.filter(audit_events::id.eq_any(ids)))
                    .execute(conn)?,
            )
        },
    )
}

/// News posts made, forms closed and conversation rounds closed on or before `through` (their
/// attachments, comments, responses and bookings go with them).
pub fn portal_content(
    conn: &mut AnyConnection,
    school_id: &str,
    through: NaiveDate,
    dry: bool,
) -> Result<i64, RepoError> {
    let end = end_of(through);
    let posts = news_posts::table
        .filter(news_posts::school_id.eq(school_id))
        .filter(news_posts::created_at.lt(end));
    let made = forms::table
        .filter(forms::school_id.eq(school_id))
        .filter(forms::closes_at.lt(end));
    let rounds = planner_rounds::table
        .filter(planner_rounds::school_id.eq(school_id))
        .filter(planner_rounds::booking_closes.lt(end));
    if dry {
        let n: i64 = posts.count().get_result(conn)?;
        let m: i64 = made.count().get_result(conn)?;
        let r: i64 = rounds.count().get_result(conn)?;
        return Ok(n + m + r);
    }
    let posts = in_batches(
        conn,
        |conn| Ok(posts.select(news_posts::id).limit(BATCH).load(conn)?),
        |conn, ids| {
            Ok(
                diesel::delete(news_posts::table.filter(news_posts::id.eq_any(ids)))
                    .execute(conn)?,
            )
        },
    )?;
    let made = in_batches(
        conn,
        |conn| Ok(made.select(forms::id).limit(BATCH).load(conn)?),
        |conn, ids| Ok(diesel::delete(forms::table.filter(forms::id.eq_any(ids))).execute(conn)?),
    )?;
    let rounds = in_batches(
        conn,
        |conn| Ok(rounds.select(planner_rounds::id).limit(BATCH).load(conn)?),
        |conn, ids| {
            Ok(
                diesel::delete(planner_rounds::table.filter(planner_rounds::id.eq_any(ids)))
                    .execute(conn)?,
            )
        },
    )?;
    Ok(posts + made + rounds)
}

/// The school's pupils who left on or before `through`.
pub fn leavers(
    conn: &mut AnyConnection,
    school_id: &str,
    through: NaiveDate,
) -> Result<Vec<PupilRow>, RepoError> {
    Ok(pupils::table
        .filter(pupils::school_id.eq(school_id))
        .filter(pupils::left_on.le(through))
        .select(PupilRow::as_select())
        .order(pupils::id)
        .load(conn)?)
}

/// The pupil file of these pupils: medical notes, consents with their history, change requests.
pub fn pupil_file(conn: &mut AnyConnection, ids: &[String], dry: bool) -> Result<i64, RepoError> {
    let notes = medical_notes::table.filter(medical_notes::pupil_id.eq_any(ids.to_vec()));
    let decided = consents::table.filter(consents::subject_id.eq_any(ids.to_vec()));
    let history = consent_events::table.filter(consent_events::subject_id.eq_any(ids.to_vec()));
    let requests = change_requests::table.filter(change_requests::pupil_id.eq_any(ids.to_vec()));
    if dry {
        let a: i64 = notes.count().get_result(conn)?;
        let b: i64 = decided.count().get_result(conn)?;
        let c: i64 = history.count().get_result(conn)?;
        let d: i64 = requests.count().get_result(conn)?;
        return Ok(a + b + c + d);
    }
    Ok(count(diesel::delete(notes).execute(conn)?)
        + count(diesel::delete(decided).execute(conn)?)
        + count(diesel::delete(history).execute(conn)?)
        + count(diesel::delete(requests).execute(conn)?))
}

/// The absence and leave records of these pupils (an absence's history goes with it).
pub fn absence_and_leave(
    conn: &mut AnyConnection,
    ids: &[String],
    dry: bool,
) -> Result<i64, RepoError> {
    let reported = absences::table.filter(absences::pupil_id.eq_any(ids.to_vec()));
    let requested = leave_requests::table.filter(leave_requests::pupil_id.eq_any(ids.to_vec()));
    let signals = absence_signals::table.filter(absence_signals::pupil_id.eq_any(ids.to_vec()));
    if dry {
        let a: i64 = reported.count().get_result(conn)?;
        let b: i64 = requested.count().get_result(conn)?;
        let c: i64 = signals.count().get_result(conn)?;
        return Ok(a + b + c);
    }
    Ok(count(diesel::delete(reported).execute(conn)?)
        + count(diesel::delete(requested).execute(conn)?)
        + count(diesel::delete(signals).execute(conn)?))
}

/// The school's guardians with no current child there whose last child left (or who were ended
/// themselves) on or before `through`. A guardian never linked counts from their creation.
pub fn expired_guardians(
    conn: &mut AnyConnection,
    school_id: &str,
    through: NaiveDate,
) -> Result<Vec<GuardianRow>, RepoError> {
    type Row = (GuardianRow, Option<String>, Option<NaiveDate>);
    let rows: Vec<Row> = guardians::table
        .left_join(guardian_pupils::table.left_join(pupils::table))
        .filter(guardians::school_id.eq(school_id))
        .select((
            GuardianRow::as_select(),
            guardian_pupils::pupil_id.nullable(),
            pupils::left_on.nullable(),
        ))
        .order(guardians::id)
        .load(conn)?;
    let mut found: Vec<GuardianRow> = Vec::new();
    let mut at = 0;
    while at < rows.len() {
        let id = rows[at].0.id.clone();
        let mine: Vec<&Row> = rows[at..]
            .iter()
            .take_while(|(g, _, _)| g.id == id)
            .collect();
        at += mine.len();
        let Some((guardian, _, _)) = mine.first() else {
            break;
        };
        // One entry per link: the child's leaving day, `None` while the child is current.
        let linked: Vec<Option<NaiveDate>> = mine
            .iter()
            .filter(|(_, pupil, _)| pupil.is_some())
            .map(|(_, _, left)| *left)
            .collect();
        let current = linked.iter().any(Option::is_none);
        if current && guardian.deactivated_at.is_none() {
            continue;
        }
        let anchor = linked
            .iter()
            .flatten()
            .copied()
            .chain(guardian.deactivated_at.map(|at| at.date()))
            .max()
            .unwrap_or(guardian.created_at.date());
        if anchor <= through {
            found.push(guardian.clone());
        }
    }
    Ok(found)
}

/// The school's staff whose employment (their record) ended on or before `through`.
pub fn expired_staff(
    conn: &mut AnyConnection,
    school_id: &str,
    through: NaiveDate,
) -> Result<Vec<StaffRow>, RepoError> {
    Ok(staff::table
        .filter(staff::school_id.eq(school_id))
        .filter(staff::deactivated_at.lt(end_of(through)))
        .select(StaffRow::as_select())
        .order(staff::id)
        .load(conn)?)
}

/// Removes a staff member's record (roles, groups and desks go with it) and their account when it
/// has no other role.
pub fn remove_staff(conn: &mut AnyConnection, member: &StaffRow) -> Result<(), RepoError> {
    diesel::delete(staff::table.find(&member.id)).execute(conn)?;
    if let Some(account) = &member.account_id {
        crate::erasure::erase_account_if_unused(conn, account)?;
    }
    Ok(())
}
