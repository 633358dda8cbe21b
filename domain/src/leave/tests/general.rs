//! What holds for every request: all rules returned, field checks, codes and messages.

use super::*;

#[test]
fn every_broken_rule_is_returned() {
    let mut r = request(
        LeaveKind::Holiday,
        date(2026, 9, 7),
        date(2026, 9, 25),
        date(2026, 9, 1),
    );
    r.employer_statement = None;
    let v = verdict(&r, &[]);
    assert_eq!(
        v.codes(),
        [
            "employer_statement_missing",
            "holiday_too_many_days",
            "holiday_first_two_weeks",
            "holiday_late_submission"
        ]
    );
    assert_eq!(v.total_days(), 15);
}

#[test]
fn a_missing_calendar_counts_weekdays_and_says_so() {
    let r = holiday(date(2027, 9, 20), date(2027, 9, 24));
    let v = verdict(&r, &[]);
    assert_eq!(v.codes(), ["calendar_missing"]);
    assert_eq!(v.total_days(), 5);
}

#[test]
fn requests_are_checked_per_field() {
    let mut r = holiday(date(2026, 10, 9), date(2026, 10, 5));
    r.reason = Some("x".repeat(MAX_REASON_LENGTH + 1));
    let fields: Vec<_> = check(&r)
        .unwrap_err()
        .into_iter()
        .map(|f| (f.field, f.reason.code))
        .collect();
    assert_eq!(
        fields,
        [
            ("last_day".to_owned(), "before_first_day"),
            ("reason".to_owned(), "too_long")
        ]
    );
    let five = request(
        LeaveKind::FiveYearOld,
        date(2026, 11, 2),
        date(2026, 11, 6),
        date(2026, 10, 1),
    );
    assert_eq!(check(&five).unwrap_err()[0].field, "minutes_per_week");
    assert!(
        check(&holiday(date(2026, 10, 5), date(2027, 10, 6))).is_err(),
        "over a year"
    );
    assert!(check(&holiday(date(2026, 10, 5), date(2026, 10, 9))).is_ok());
}

#[test]
fn every_rule_has_a_code_and_messages_in_both_languages() {
    let year = SchoolYear { start_year: 2026 };
    let day = date(2026, 9, 7);
    let rules = [
        Rule::NoSchoolDays,
        Rule::CalendarMissing { year },
        Rule::EmployerStatementMissing,
        Rule::HolidayOncePerYear { year },
        Rule::HolidayOtherPending { year },
        Rule::HolidayTooManyDays { year, days: 11 },
        Rule::HolidayFirstTwoWeeks { day },
        Rule::HolidayLateSubmission {
            days_ahead: 55,
            weeks_required: 8,
        },
        Rule::ReasonMissing,
        Rule::ImportantOverDirectorLimit { year, total: 11 },
        Rule::ImportantAfterTheFact,
        Rule::ImportantReasonsTooLate,
        Rule::ReligiousNoticeTooLate,
        Rule::BirthDateUnknown,
        Rule::NotYetCompulsory { from: day },
        Rule::FiveYearOldTooOld {
            sixth_birthday: day,
        },
        Rule::FiveYearOldTooManyHours { minutes: 630 },
    ];
    let codes: std::collections::BTreeSet<_> = rules.iter().map(|r| r.code()).collect();
    assert_eq!(codes.len(), rules.len());
    for rule in rules {
        let (nl, en) = (
            rule.message(Language::Dutch),
            rule.message(Language::English),
        );
        assert!(!nl.is_empty() && !en.is_empty() && nl != en, "{rule:?}");
    }
    assert_eq!(
        Rule::FiveYearOldTooManyHours { minutes: 630 }.message(Language::English),
        "10:30 hours a week; at most 10 hours (art. 11a)."
    );
    for kind in LeaveKind::ALL {
        assert_eq!(LeaveKind::parse(kind.as_str()), Some(kind));
    }
}
