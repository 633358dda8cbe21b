//! The rule engine against every leave row of SPEC §12, with the boundaries.

mod general;
mod holiday;
mod other_kinds;
mod properties;

pub(super) use chrono::{Days, NaiveDate};

pub(super) use super::*;
pub(super) use crate::calendar::tests::middle_2026;
pub(super) use crate::calendar::{LessonTable, SchoolCalendar};
pub(super) use crate::mail::Language;
pub(super) use crate::school_year::SchoolYear;

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn request(
    kind: LeaveKind,
    first: NaiveDate,
    last: NaiveDate,
    submitted: NaiveDate,
) -> LeaveRequest {
    LeaveRequest {
        kind,
        first_day: first,
        last_day: last,
        submitted_on: submitted,
        reason: Some("bruiloft van een broer".to_owned()),
        employer_statement: Some("document 42".to_owned()),
        minutes_per_week: None,
    }
}

pub(super) fn holiday(first: NaiveDate, last: NaiveDate) -> LeaveRequest {
    request(LeaveKind::Holiday, first, last, date(2026, 6, 1))
}

pub(super) fn earlier(
    kind: LeaveKind,
    first: NaiveDate,
    last: NaiveDate,
    state: LeaveState,
) -> EarlierRequest {
    EarlierRequest {
        kind,
        first_day: first,
        last_day: last,
        state,
        minutes_per_week: None,
    }
}

pub(super) fn verdict(request: &LeaveRequest, earlier: &[EarlierRequest]) -> Verdict {
    evaluate(
        request,
        &[middle_2026()],
        earlier,
        &PupilFacts::default(),
        &LeaveSettings::default(),
    )
}

/// Calendars without holidays for 2026-2027 and 2027-2028, so that 31 July and 1 August are
/// school days when they are weekdays.
pub(super) fn plain_years() -> Vec<SchoolCalendar> {
    [2026, 2027]
        .into_iter()
        .map(|y| {
            SchoolCalendar::new(SchoolYear { start_year: y }, vec![], LessonTable::default())
                .unwrap()
        })
        .collect()
}

#[test]
fn a_school_asks_holiday_leave_at_most_a_school_year_ahead() {
    use crate::leave::rules::{DEFAULT_ADVANCE_WEEKS, MAX_ADVANCE_WEEKS, advance_weeks_allowed};
    assert!(advance_weeks_allowed(0));
    assert!(advance_weeks_allowed(DEFAULT_ADVANCE_WEEKS));
    assert!(advance_weeks_allowed(MAX_ADVANCE_WEEKS));
    assert!(!advance_weeks_allowed(MAX_ADVANCE_WEEKS + 1));
    assert_eq!(MAX_ADVANCE_WEEKS, 52);
}
