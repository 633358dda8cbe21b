//! Reads of absences. A pupil's absences are read only through [`pupil_at`], which applies the
//! caller's pupil scope: an absence of a pupil out of reach does not exist ([`find`] takes the
//! scope too). A school's day takes a [`ModuleSchool`], which only the module gate makes.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::scope::{PupilPlace, PupilScope};

use super::rows::AbsenceRow;
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::modules::ModuleSchool;
use crate::page::{Page, fetch_page};
use crate::pupils::place_of;
use crate::schema::{absences, enrolments, pupils, school_groups, school_years, schools};

/// A current pupil the scope reaches, with where it belongs and its group on a day.
#[derive(Debug, Clone)]
pub struct PupilAt {
    pub id: String,
    pub school_id: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
    /// Every group the pupil is enrolled in (as the scopes judge it).
    pub place: PupilPlace,
    /// The group of the school year of `on` (its lesson times count), if any.
    pub group_on: Option<String>,
}

type PupilLine = (
    (
        String,
        String,
        String,
        Option<String>,
        String,
        Option<NaiveDate>,
    ),
    String,
    Option<(String, NaiveDate, NaiveDate)>,
);

/// The pupil `id` if `scope` reaches it (not found otherwise), in one statement.
pub fn pupil_at(
    conn: &mut AnyConnection,
    scope: &PupilScope,
    id: &str,
    on: NaiveDate,
) -> Result<PupilAt, RepoError> {
    if scope.is_empty() {
        return Err(RepoError::NotFound);
    }
    let lines: Vec<PupilLine> = pupils::table
        .inner_join(schools::table)
        .left_join(enrolments::table)
        .left_join(school_groups::table.on(school_groups::id.eq(enrolments::group_id)))
        .left_join(school_years::table.on(school_years::id.eq(school_groups::school_year_id)))
        .filter(pupils::id.eq(id))
        .filter(pupils::left_on.is_null())
        .select((
            (
                pupils::id,
                pupils::school_id,
                pupils::first_name,
                pupils::name_prefix,
                pupils::last_name,
                pupils::date_of_birth,
            ),
            schools::board_id,
            (
                school_groups::id,
                school_years::starts_on,
                school_years::ends_on,
            )
                .nullable(),
        ))
        .load(conn)?;
    let Some(((id, school_id, first_name, name_prefix, last_name, date_of_birth), board_id, _)) =
        lines.first().cloned()
    else {
        return Err(RepoError::NotFound);
    };
    let groups: Vec<&(String, NaiveDate, NaiveDate)> =
        lines.iter().filter_map(|l| l.2.as_ref()).collect();
    let place = place_of(&id, &school_id, &board_id, groups.iter().map(|g| &g.0));
    if !scope.reaches(&place) {
        return Err(RepoError::NotFound);
    }
    let group_on = groups
        .iter()
        .filter(|(_, starts, ends)| *starts <= on && on <= *ends)
        .map(|g| g.0.clone())
        .min();
    Ok(PupilAt {
        id,
        school_id,
        first_name,
        name_prefix,
        last_name,
        date_of_birth,
        place,
        group_on,
    })
}

/// The absence `id` with its pupil, if `scope` reaches the pupil.
pub fn find(
    conn: &mut AnyConnection,
    scope: &PupilScope,
    id: &str,
    on: NaiveDate,
) -> Result<(AbsenceRow, PupilAt), RepoError> {
    let row: AbsenceRow = absences::table
        .filter(absences::id.eq(id))
        .select(AbsenceRow::as_select())
        .get_result(conn)?;
    let pupil = pupil_at(conn, scope, &row.pupil_id, on)?;
    Ok((row, pupil))
}

/// A pupil's absences, newest first (ids are UUIDv7), withdrawn ones included (marked).
pub fn of_pupil(
    conn: &mut AnyConnection,
    pupil: &PupilAt,
    cursor: Option<&str>,
    limit: u16,
) -> Result<Page<AbsenceRow>, RepoError> {
    fetch_page(
        limit,
        |n| {
            let mut query = absences::table
                .filter(absences::pupil_id.eq(&pupil.id))
                .select(AbsenceRow::as_select())
                .order(absences::id.desc())
                .limit(n)
                .into_boxed();
            if let Some(cursor) = cursor {
                query = query.filter(absences::id.lt(cursor.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )
}

/// One absence on a school's day, with the pupil's name.
#[derive(Debug, Clone)]
pub struct DayItem {
    pub absence: AbsenceRow,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
}

/// The absences of `school` that cover `day` (not withdrawn; open ones until their return), of
/// the pupils in `groups` when given (a teacher's), in the order they were made.
pub fn of_school_on(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    day: NaiveDate,
    groups: Option<&[String]>,
    cursor: Option<&str>,
    limit: u16,
) -> Result<Page<DayItem>, RepoError> {
    fetch_page(
        limit,
        |n| {
            let mut query = absences::table
                .inner_join(pupils::table)
                .filter(absences::school_id.eq(school.id()))
                .filter(absences::first_day.le(day))
                .filter(absences::last_day.ge(day).or(absences::last_day.is_null()))
                .filter(absences::withdrawn_at.is_null())
                .filter(pupils::left_on.is_null())
                .select((
                    AbsenceRow::as_select(),
                    pupils::first_name,
                    pupils::name_prefix,
                    pupils::last_name,
                ))
                .order(absences::id.asc())
                .limit(n)
                .into_boxed();
            if let Some(groups) = groups {
                let in_groups = enrolments::table
                    .filter(enrolments::group_id.eq_any(groups.to_vec()))
                    .select(enrolments::pupil_id);
                query = query.filter(absences::pupil_id.eq_any(in_groups));
            }
            if let Some(cursor) = cursor {
                query = query.filter(absences::id.gt(cursor.to_owned()));
            }
            let rows: Vec<(AbsenceRow, String, Option<String>, String)> = query.load(conn)?;
            Ok(rows
                .into_iter()
                .map(|(absence, first_name, name_prefix, last_name)| DayItem {
                    absence,
                    first_name,
                    name_prefix,
                    last_name,
                })
                .collect())
        },
        |item| item.absence.id.clone(),
    )
}

/// The pupil's absences the signals count (not withdrawn) that touch `from..`: unauthorized ones
/// (the DUO count, long absence) and sick ones (luxury absence around holidays). The school's
/// registration decides; a reported reason counts only while staff have registered none (a sick
/// report registered authorized is authorized).
pub fn for_signals(
    conn: &mut AnyConnection,
    pupil_id: &str,
    from: NaiveDate,
) -> Result<Vec<AbsenceRow>, RepoError> {
    Ok(absences::table
        .filter(absences::pupil_id.eq(pupil_id))
        .filter(
            absences::kind
                .eq_any(["unauthorized", "sick"])
                .or(absences::kind.is_null().and(absences::reason.eq("sick"))),
        )
        .filter(absences::withdrawn_at.is_null())
        .filter(absences::last_day.ge(from).or(absences::last_day.is_null()))
        .select(AbsenceRow::as_select())
        .order(absences::first_day.asc())
        .load(conn)?)
}

/// The current pupils of `group_id` at `school` (an excursion registered for the whole group).
/// `None` when it is not a group of the school.
pub fn group_pupils(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    group_id: &str,
) -> Result<Option<Vec<String>>, RepoError> {
    let found: i64 = school_groups::table
        .filter(school_groups::id.eq(group_id))
        .filter(school_groups::school_id.eq(school.id()))
        .select(diesel::dsl::count_star())
        .get_result(conn)?;
    if found == 0 {
        return Ok(None);
    }
    Ok(Some(
        enrolments::table
            .inner_join(pupils::table)
            .filter(enrolments::group_id.eq(group_id))
            .filter(pupils::left_on.is_null())
            .select(pupils::id)
            .order(pupils::id.asc())
            .load(conn)?,
    ))
}

/// Whether a guardian's report (not withdrawn) covers `day` for the pupil.
pub fn reported_on(
    conn: &mut AnyConnection,
    pupil_id: &str,
    day: NaiveDate,
) -> Result<bool, RepoError> {
    reported_between(conn, pupil_id, day, day)
}

/// Whether a guardian's report (not withdrawn) covers a day of `first..=last` for the pupil.
pub fn reported_between(
    conn: &mut AnyConnection,
    pupil_id: &str,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<bool, RepoError> {
    let found: i64 = absences::table
        .filter(absences::pupil_id.eq(pupil_id))
        .filter(absences::source.eq("guardian"))
        .filter(absences::withdrawn_at.is_null())
        .filter(absences::first_day.le(last))
        .filter(
            absences::last_day
                .ge(first)
                .or(absences::last_day.is_null()),
        )
        .select(diesel::dsl::count_star())
        .get_result(conn)?;
    Ok(found > 0)
}

/// The pupil an absence of `school_id` is about; `None` for an absence that is gone.
pub fn pupil_of(
    conn: &mut AnyConnection,
    school_id: &str,
    absence_id: &str,
) -> Result<Option<String>, RepoError> {
    Ok(absences::table
        .filter(absences::id.eq(absence_id))
        .filter(absences::school_id.eq(school_id))
        .select(absences::pupil_id)
        .get_result(conn)
        .optional()?)
}
