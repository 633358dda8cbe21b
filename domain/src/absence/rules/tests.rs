use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::*;
use crate::absence::{AbsenceKind, DEFAULT_CUTOFF};
use crate::calendar::tests::middle_2026;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn report(reason: AbsenceReason, first: NaiveDate, last: Option<NaiveDate>) -> ReportAbsence {
    ReportAbsence {
        pupil_id: Uuid::from_u128(1),
        group_id: None,
        reason,
        first_day: first,
        last_day: last,
        minutes: None,
    }
}

fn appointment(note: &str) -> AbsenceReason {
    AbsenceReason {
        kind: ReasonKind::Appointment,
        note: Some(note.to_owned()),
    }
}

fn fields(result: Result<AssessedReport, Vec<Refusal>>) -> Vec<(String, &'static str)> {
    result
        .unwrap_err()
        .into_iter()
        .map(|r| (r.field, r.reason.code))
        .collect()
}

#[test]
fn a_report_at_0800_is_on_time_and_at_0801_late_in_winter_and_summer() {
    // Seed 003: reports for today before 08:00. Compared to the minute (see `is_late`).
    for (day, on_time, on_time_late_second, late) in [
        // Monday 11 January 2027, CET (UTC+1).
        (
            date(2027, 1, 11),
            "2027-01-11T07:00:00Z",
            "2027-01-11T07:00:59Z",
            "2027-01-11T07:01:00Z",
        ),
        // Monday 14 June 2027, CEST (UTC+2).
        (
            date(2027, 6, 14),
            "2027-06-14T06:00:00Z",
            "2027-06-14T06:00:59Z",
            "2027-06-14T06:01:00Z",
        ),
    ] {
        assert!(!is_late(utc(on_time), day, DEFAULT_CUTOFF), "{on_time}");
        assert!(!is_late(utc(on_time_late_second), day, DEFAULT_CUTOFF));
        assert!(is_late(utc(late), day, DEFAULT_CUTOFF), "{late}");
        let assessed = assess(
            &report(AbsenceReason::sick(), day, Some(day)),
            Reporter::Guardian,
            &middle_2026(),
            &AbsenceSettings::default(),
            utc(late),
        )
        .unwrap();
        assert!(assessed.late);
    }
    // 08:01 in UTC is 09:01 or 10:01 in Amsterdam: the zone is not UTC.
    assert!(is_late(
        utc("2027-01-11T08:00:00Z"),
        date(2027, 1, 11),
        DEFAULT_CUTOFF
    ));
    // A report for tomorrow is never late.
    assert!(!is_late(
        utc("2027-01-11T20:00:00Z"),
        date(2027, 1, 12),
        DEFAULT_CUTOFF
    ));
    // A school that sets 08:30.
    let half_past = NaiveTime::from_hms_opt(8, 30, 0).unwrap();
    assert!(!is_late(
        utc("2027-01-11T07:15:00Z"),
        date(2027, 1, 11),
        half_past
    ));
}

#[test]
fn a_new_report_starts_today_before_the_cut_off_and_on_the_next_school_day_after() {
    let c = middle_2026();
    let at = |s| default_first_day(&c, utc(s), DEFAULT_CUTOFF);
    assert_eq!(
        at("2027-01-11T06:59:00Z"),
        Some(date(2027, 1, 11)),
        "Mon 07:59"
    );
    assert_eq!(
        at("2027-01-11T07:00:30Z"),
        Some(date(2027, 1, 11)),
        "Mon 08:00"
    );
    assert_eq!(
        at("2027-01-11T07:01:00Z"),
        Some(date(2027, 1, 12)),
        "Mon 08:01"
    );
    assert_eq!(
        at("2027-01-15T09:00:00Z"),
        Some(date(2027, 1, 18)),
        "Friday → Monday"
    );
    assert_eq!(
        at("2027-01-16T06:00:00Z"),
        Some(date(2027, 1, 18)),
        "Saturday"
    );
    assert_eq!(
        at("2026-12-18T12:00:00Z"),
        Some(date(2027, 1, 4)),
        "before Christmas"
    );
    // 23:30 Sunday in Amsterdam is still Sunday: Monday is the next school day, not Tuesday.
    assert_eq!(at("2027-01-17T22:30:00Z"), Some(date(2027, 1, 18)));
}

#[test]
fn guardians_cannot_report_the_past_and_staff_can() {
    let c = middle_2026();
    let now = utc("2027-01-12T06:00:00Z");
    let yesterday = report(
        AbsenceReason::sick(),
        date(2027, 1, 11),
        Some(date(2027, 1, 11)),
    );
    let settings = AbsenceSettings::default();
    assert_eq!(
        fields(assess(&yesterday, Reporter::Guardian, &c, &settings, now)),
        [("first_day".to_owned(), "in_the_past")]
    );
    let by_staff = assess(&yesterday, Reporter::Staff, &c, &settings, now).unwrap();
    assert!(
        !by_staff.late,
        "a past day is registered, not reported late"
    );
    // Just after midnight in Amsterdam (23:30 UTC the day before) "today" is already the 12th.
    assert!(
        assess(
            &yesterday,
            Reporter::Guardian,
            &c,
            &settings,
            utc("2027-01-11T23:30:00Z")
        )
        .is_err()
    );
}

#[test]
fn a_range_counts_school_days_and_guardians_report_at_most_ten() {
    let c = middle_2026();
    let now = utc("2026-12-01T06:00:00Z");
    let settings = AbsenceSettings::default();
    // Thursday 17 December to Tuesday 5 January: 2 + 0 (holiday) + 2 = 4 school days.
    let over_christmas = report(
        AbsenceReason::sick(),
        date(2026, 12, 17),
        Some(date(2027, 1, 5)),
    );
    let assessed = assess(&over_christmas, Reporter::Guardian, &c, &settings, now).unwrap();
    assert_eq!(assessed.school_days, 4);
    assert_eq!(assessed.minutes, 330 + 330 + 330 + 330);
    // 10 school days pass, 11 do not (for guardians).
    let ten = report(
        AbsenceReason::sick(),
        date(2026, 12, 2),
        Some(date(2026, 12, 15)),
    );
    assert_eq!(
        assess(&ten, Reporter::Guardian, &c, &settings, now)
            .unwrap()
            .school_days,
        10
    );
    let eleven = report(
        AbsenceReason::sick(),
        date(2026, 12, 2),
        Some(date(2026, 12, 16)),
    );
    assert_eq!(
        fields(assess(&eleven, Reporter::Guardian, &c, &settings, now)),
        [("last_day".to_owned(), "too_long")]
    );
    assert!(assess(&eleven, Reporter::Staff, &c, &settings, now).is_ok());
    let weekend = report(
        AbsenceReason::sick(),
        date(2026, 12, 5),
        Some(date(2026, 12, 6)),
    );
    assert_eq!(
        fields(assess(&weekend, Reporter::Guardian, &c, &settings, now)),
        [("first_day".to_owned(), "no_school_days")]
    );
    let backwards = report(
        AbsenceReason::sick(),
        date(2026, 12, 8),
        Some(date(2026, 12, 7)),
    );
    assert_eq!(
        fields(assess(&backwards, Reporter::Guardian, &c, &settings, now)),
        [("last_day".to_owned(), "before_first_day")]
    );
}

#[test]
fn notes_and_minutes_are_checked() {
    let c = middle_2026();
    let now = utc("2026-12-01T06:00:00Z");
    let s = AbsenceSettings::default();
    let day = date(2026, 12, 2); // a Wednesday: 225 minutes
    let mut dentist = report(appointment(" tandarts "), day, None);
    dentist.minutes = Some(90);
    let ok = assess(&dentist, Reporter::Guardian, &c, &s, now).unwrap();
    assert_eq!((ok.minutes, ok.last_day), (90, Some(day)));
    assert_eq!(ok.reason.note.as_deref(), Some("tandarts"));
    dentist.minutes = Some(226);
    assert_eq!(
        fields(assess(&dentist, Reporter::Guardian, &c, &s, now)),
        [("minutes".to_owned(), "exceeds_teaching_time")]
    );
    let silent = report(appointment("  "), day, None);
    assert_eq!(
        fields(assess(&silent, Reporter::Guardian, &c, &s, now)),
        [("reason.note".to_owned(), "required")]
    );
    let long = report(appointment(&"x".repeat(MAX_NOTE_LENGTH + 1)), day, None);
    assert_eq!(
        fields(assess(&long, Reporter::Guardian, &c, &s, now)),
        [("reason.note".to_owned(), "too_long")]
    );
    let mut two_days = report(AbsenceReason::sick(), day, Some(date(2026, 12, 3)));
    two_days.minutes = Some(60);
    assert_eq!(
        fields(assess(&two_days, Reporter::Guardian, &c, &s, now)),
        [("minutes".to_owned(), "single_day_only")]
    );
    // A sick report without a last day is open until better and counts its first day for now.
    let open = assess(
        &report(AbsenceReason::sick(), day, None),
        Reporter::Guardian,
        &c,
        &s,
        now,
    )
    .unwrap();
    assert_eq!((open.last_day, open.minutes), (None, 225));
    assert_eq!(
        AbsenceKind::from_report(ReasonKind::Sick),
        Some(AbsenceKind::Sick)
    );
}

#[test]
fn guardians_change_a_report_until_its_first_day_starts() {
    let day = date(2027, 1, 12);
    let may = |s| may_change(ReportState::Reported, day, utc(s), DEFAULT_CUTOFF);
    assert!(may("2027-01-11T20:00:00Z"), "the evening before");
    assert!(may("2027-01-12T07:00:59Z"), "08:00 on the day");
    assert!(!may("2027-01-12T07:01:00Z"), "08:01 on the day");
    assert!(!may("2027-01-13T06:00:00Z"), "the day after");
    assert!(!may_change(
        ReportState::Withdrawn,
        day,
        utc("2027-01-11T20:00:00Z"),
        DEFAULT_CUTOFF
    ));
}

#[test]
fn an_open_report_ends_on_the_school_day_before_the_return() {
    let c = middle_2026();
    // Sick from Thursday 17 December, back on Monday 4 January: last day Friday 18 December.
    assert_eq!(
        close_open_report(&c, date(2026, 12, 17), date(2027, 1, 4)),
        Ok(date(2026, 12, 18))
    );
    assert!(close_open_report(&c, date(2026, 12, 17), date(2026, 12, 17)).is_err());
}
