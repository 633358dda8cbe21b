//! The rule engine against every leave row of SPEC §12, with the boundaries.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::calendar::tests::middle_2026;
use crate::calendar::{LessonTable, SchoolCalendar};
use crate::mail::Language;
use crate::school_year::SchoolYear;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn request(
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

fn holiday(first: NaiveDate, last: NaiveDate) -> LeaveRequest {
    request(LeaveKind::Holiday, first, last, date(2026, 6, 1))
}

fn earlier(
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

fn verdict(request: &LeaveRequest, earlier: &[EarlierRequest]) -> Verdict {
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
fn plain_years() -> Vec<SchoolCalendar> {
    [2026, 2027]
        .into_iter()
        .map(|y| {
            SchoolCalendar::new(SchoolYear { start_year: y }, vec![], LessonTable::default())
                .unwrap()
        })
        .collect()
}

#[test]
fn holiday_leave_of_ten_school_days_passes_and_eleven_does_not() {
    // Regio midden: 5–16 October are 10 school days; with Monday 26 October (after the
    // herfstvakantie) 11.
    let ten = verdict(&holiday(date(2026, 10, 5), date(2026, 10, 16)), &[]);
    assert_eq!(ten.codes(), Vec::<&str>::new());
    assert_eq!(ten.total_days(), 10);
    assert_eq!(ten.decider, Decider::Director);
    let eleven = verdict(&holiday(date(2026, 10, 5), date(2026, 10, 26)), &[]);
    assert_eq!(eleven.codes(), ["holiday_too_many_days"]);
    assert!(eleven.breaks_law());
}

#[test]
fn holiday_leave_never_in_the_first_two_school_weeks() {
    // School weeks 1 and 2 of 2026-2027 (midden): 31 August–13 September.
    let monday_after = verdict(&holiday(date(2026, 9, 14), date(2026, 9, 18)), &[]);
    assert_eq!(monday_after.codes(), Vec::<&str>::new());
    let friday_before = verdict(&holiday(date(2026, 9, 11), date(2026, 9, 14)), &[]);
    assert_eq!(friday_before.codes(), ["holiday_first_two_weeks"]);
    assert_eq!(
        friday_before.issues[0].rule,
        Rule::HolidayFirstTwoWeeks {
            day: date(2026, 9, 11)
        }
    );
    // The summer before week 1 holds no school day: nothing asked, nothing in week 1.
    let summer = verdict(&holiday(date(2026, 8, 24), date(2026, 8, 28)), &[]);
    assert_eq!(summer.codes(), ["no_school_days"]);
}

#[test]
fn holiday_leave_eight_weeks_ahead_and_a_day_less_is_a_warning() {
    let first = date(2026, 10, 5);
    let mut r = holiday(first, date(2026, 10, 9));
    r.submitted_on = first - Days::new(56);
    assert_eq!(verdict(&r, &[]).codes(), Vec::<&str>::new());
    r.submitted_on = first - Days::new(55);
    let late = verdict(&r, &[]);
    assert_eq!(late.codes(), ["holiday_late_submission"]);
    assert_eq!(late.issues[0].severity, Severity::Practice);
    assert!(
        !late.breaks_law(),
        "school practice: the director weighs it"
    );
    // A school that asks 6 weeks.
    let six = LeaveSettings { advance_weeks: 6 };
    let v = evaluate(&r, &[middle_2026()], &[], &PupilFacts::default(), &six);
    assert!(v.issues.is_empty());
}

#[test]
fn holiday_leave_needs_the_employers_statement() {
    let mut r = holiday(date(2026, 10, 5), date(2026, 10, 9));
    r.employer_statement = Some("  ".to_owned());
    assert_eq!(verdict(&r, &[]).codes(), ["employer_statement_missing"]);
}

#[test]
fn a_second_holiday_leave_in_one_school_year() {
    let r = holiday(date(2027, 2, 1), date(2027, 2, 5));
    let october = |state| {
        earlier(
            LeaveKind::Holiday,
            date(2026, 10, 5),
            date(2026, 10, 9),
            state,
        )
    };
    assert_eq!(
        verdict(&r, &[october(LeaveState::Approved)]).codes(),
        ["holiday_once_per_year"]
    );
    assert_eq!(
        verdict(&r, &[october(LeaveState::Rejected)]).codes(),
        Vec::<&str>::new()
    );
    assert_eq!(
        verdict(&r, &[october(LeaveState::Withdrawn)]).codes(),
        Vec::<&str>::new()
    );
    let pending = verdict(&r, &[october(LeaveState::Pending)]);
    assert_eq!(pending.codes(), ["holiday_other_pending"]);
    assert!(!pending.breaks_law());
    // Granted holiday leave of the previous school year does not count.
    let last_year = earlier(
        LeaveKind::Holiday,
        date(2026, 3, 2),
        date(2026, 3, 6),
        LeaveState::Approved,
    );
    assert_eq!(verdict(&r, &[last_year]).codes(), Vec::<&str>::new());
    // Nor does granted art. 14 leave.
    let other = earlier(
        LeaveKind::ImportantCircumstances,
        date(2026, 10, 5),
        date(2026, 10, 9),
        LeaveState::Approved,
    );
    assert_eq!(verdict(&r, &[other]).codes(), Vec::<&str>::new());
}

#[test]
fn a_request_over_31_july_counts_each_day_in_its_own_school_year() {
    let years = plain_years();
    // Monday 26 July to Friday 6 August 2027: 5 school days in each year.
    let mut r = request(
        LeaveKind::ImportantCircumstances,
        date(2027, 7, 26),
        date(2027, 8, 6),
        date(2027, 7, 1),
    );
    let v = evaluate(
        &r,
        &years,
        &[],
        &PupilFacts::default(),
        &LeaveSettings::default(),
    );
    let per_year: Vec<_> = v
        .days_per_year
        .iter()
        .map(|(y, d)| (y.name(), *d))
        .collect();
    assert_eq!(
        per_year,
        [("2026-2027".to_owned(), 5), ("2027-2028".to_owned(), 5)]
    );
    assert_eq!(
        v.decider,
        Decider::Director,
        "10 in total, but 5 and 5 per year"
    );
    // With 6 granted days earlier in 2026-2027, that year reaches 11: the officer decides.
    let june = earlier(
        LeaveKind::ImportantCircumstances,
        date(2027, 6, 7),
        date(2027, 6, 14),
        LeaveState::Approved,
    );
    let v = evaluate(
        &r,
        &years,
        &[june],
        &PupilFacts::default(),
        &LeaveSettings::default(),
    );
    assert_eq!(
        v.issues.iter().map(|i| i.rule).collect::<Vec<_>>(),
        [Rule::ImportantOverDirectorLimit {
            year: SchoolYear { start_year: 2026 },
            total: 11
        }]
    );
    assert_eq!(v.decider, Decider::AttendanceOfficer);
    // Holiday leave of 12 school days over the boundary: 6 + 6, neither year over 10, but the
    // first school weeks of 2027-2028 are blocked.
    r.kind = LeaveKind::Holiday;
    r.submitted_on = date(2027, 1, 4);
    r.first_day = date(2027, 7, 23);
    r.last_day = date(2027, 8, 9);
    let v = evaluate(
        &r,
        &years,
        &[],
        &PupilFacts::default(),
        &LeaveSettings::default(),
    );
    assert_eq!(v.total_days(), 12);
    assert_eq!(v.codes(), ["holiday_first_two_weeks"]);
}

#[test]
fn a_span_over_a_weekend_and_a_holiday_counts_school_days_only() {
    // Thursday 17 December 2026 to Tuesday 5 January 2027 in regio midden: Thu, Fri, Mon, Tue.
    let v = verdict(&holiday(date(2026, 12, 17), date(2027, 1, 5)), &[]);
    assert_eq!(v.total_days(), 4);
    assert!(v.issues.is_empty());
    // From the Friday before the summer of 2027 (10 July) to its end: one school day.
    let v = verdict(&holiday(date(2027, 7, 9), date(2027, 7, 31)), &[]);
    assert_eq!(v.total_days(), 1);
}

#[test]
fn important_circumstances_up_to_ten_days_in_total_are_the_directors() {
    let r = |last| {
        request(
            LeaveKind::ImportantCircumstances,
            date(2027, 3, 1),
            last,
            date(2027, 2, 1),
        )
    };
    let six = earlier(
        LeaveKind::ImportantCircumstances,
        date(2026, 11, 2),
        date(2026, 11, 9),
        LeaveState::Approved,
    );
    // 6 granted + 4 = 10: the director.
    let v = verdict(&r(date(2027, 3, 4)), std::slice::from_ref(&six));
    assert_eq!((v.codes(), v.decider), (vec![], Decider::Director));
    // 6 granted + 5 = 11: the attendance officer; routed, not rejected.
    let v = verdict(&r(date(2027, 3, 5)), std::slice::from_ref(&six));
    assert_eq!(v.codes(), ["important_over_director_limit"]);
    assert_eq!(
        (v.decider, v.breaks_law()),
        (Decider::AttendanceOfficer, false)
    );
    assert_eq!(v.issues[0].severity, Severity::Routing);
    // Refused art. 14 requests and holiday leave do not count.
    let refused = EarlierRequest {
        state: LeaveState::Rejected,
        ..six.clone()
    };
    let holiday_leave = EarlierRequest {
        kind: LeaveKind::Holiday,
        ..six.clone()
    };
    let officer_granted = EarlierRequest {
        state: LeaveState::OfficerApproved,
        ..six
    };
    assert_eq!(
        verdict(&r(date(2027, 3, 5)), &[refused, holiday_leave]).decider,
        Decider::Director
    );
    assert_eq!(
        verdict(&r(date(2027, 3, 5)), &[officer_granted]).decider,
        Decider::AttendanceOfficer
    );
    // Eleven days alone.
    let v = verdict(&r(date(2027, 3, 15)), &[]);
    assert_eq!(v.decider, Decider::AttendanceOfficer);
}

#[test]
fn important_circumstances_after_the_fact_within_two_days() {
    let first = date(2026, 11, 2);
    let r = |submitted| request(LeaveKind::ImportantCircumstances, first, first, submitted);
    assert_eq!(
        verdict(&r(date(2026, 11, 2)), &[]).codes(),
        Vec::<&str>::new()
    );
    let two = verdict(&r(date(2026, 11, 4)), &[]);
    assert_eq!(two.codes(), ["important_after_the_fact"]);
    assert!(!two.breaks_law());
    assert_eq!(
        verdict(&r(date(2026, 11, 5)), &[]).codes(),
        ["important_reasons_too_late"]
    );
    let mut silent = r(date(2026, 10, 1));
    silent.reason = None;
    assert_eq!(verdict(&silent, &[]).codes(), ["reason_missing"]);
}

#[test]
fn religious_obligations_are_notified_two_days_ahead() {
    let day = date(2026, 11, 4);
    let r = |submitted| request(LeaveKind::Religious, day, day, submitted);
    let v = verdict(&r(date(2026, 11, 2)), &[]);
    assert_eq!((v.codes(), v.decider), (vec![], Decider::Notification));
    assert_eq!(
        verdict(&r(date(2026, 11, 3)), &[]).codes(),
        ["religious_notice_too_late"]
    );
}

#[test]
fn five_year_olds_five_hours_by_notification_and_ten_with_consent() {
    // Born 15 October 2021: compulsory from 1 November 2026, six on 15 October 2027.
    let birth = date(2021, 10, 15);
    assert_eq!(compulsory_from(birth), Some(date(2026, 11, 1)));
    assert_eq!(compulsory_from(date(2020, 2, 29)), Some(date(2025, 3, 1)));
    let pupil = PupilFacts {
        birth_date: Some(birth),
    };
    let run = |r: &LeaveRequest, earlier: &[EarlierRequest]| {
        evaluate(
            r,
            &[middle_2026()],
            earlier,
            &pupil,
            &LeaveSettings::default(),
        )
    };
    let mut r = request(
        LeaveKind::FiveYearOld,
        date(2026, 11, 2),
        date(2027, 1, 29),
        date(2026, 10, 20),
    );
    for (minutes, decider, codes) in [
        (300, Decider::Notification, vec![]),
        (301, Decider::Director, vec![]),
        (600, Decider::Director, vec![]),
        (601, Decider::Director, vec!["five_year_old_too_many_hours"]),
    ] {
        r.minutes_per_week = Some(minutes);
        let v = run(&r, &[]);
        assert_eq!((v.decider, v.codes()), (decider, codes), "{minutes}");
    }
    // An arrangement already noted counts while it overlaps.
    let noted = EarlierRequest {
        minutes_per_week: Some(240),
        ..earlier(
            LeaveKind::FiveYearOld,
            date(2026, 11, 2),
            date(2026, 12, 18),
            LeaveState::Noted,
        )
    };
    r.minutes_per_week = Some(120);
    assert_eq!(
        run(&r, std::slice::from_ref(&noted)).decider,
        Decider::Director
    );
    // Before compulsory school age no leave is needed; from the sixth birthday the rule ends.
    let mut early = r.clone();
    early.first_day = date(2026, 9, 14);
    early.last_day = date(2026, 10, 30);
    assert_eq!(run(&early, &[]).codes(), ["not_yet_compulsory"]);
    let mut late = r.clone();
    late.last_day = date(2027, 10, 20);
    assert_eq!(
        run(&late, &[]).codes(),
        ["five_year_old_too_old", "calendar_missing"]
    );
    let unknown = evaluate(
        &r,
        &[middle_2026()],
        &[],
        &PupilFacts::default(),
        &LeaveSettings::default(),
    );
    assert_eq!(unknown.codes(), ["birth_date_unknown"]);
}

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

fn any_earlier() -> impl Strategy<Value = EarlierRequest> {
    (
        proptest::sample::select(LeaveKind::ALL.to_vec()),
        0u64..330,
        0u64..15,
        proptest::sample::select(LeaveState::ALL.to_vec()),
        proptest::option::of(0u32..400),
    )
        .prop_map(|(kind, start, len, state, minutes)| {
            let first = date(2026, 8, 24) + Days::new(start);
            EarlierRequest {
                kind,
                first_day: first,
                last_day: first + Days::new(len),
                state,
                minutes_per_week: minutes,
            }
        })
}

proptest! {
    #[test]
    fn the_verdict_does_not_depend_on_the_order_of_earlier_requests(
        (list, shuffled) in proptest::collection::vec(any_earlier(), 0..8)
            .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        kind in proptest::sample::select(LeaveKind::ALL.to_vec()),
        start in 0u64..330,
        len in 0u64..20,
    ) {
        let first = date(2026, 8, 24) + Days::new(start);
        let mut r = request(kind, first, first + Days::new(len), first - Days::new(30));
        r.minutes_per_week = Some(200);
        let pupil = PupilFacts { birth_date: Some(date(2021, 6, 1)) };
        let settings = LeaveSettings::default();
        let calendars = [middle_2026()];
        let a = evaluate(&r, &calendars, &list, &pupil, &settings);
        let b = evaluate(&r, &calendars, &shuffled, &pupil, &settings);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn counted_days_never_exceed_calendar_days_across_years(start in 0u64..700, len in 0u64..366) {
        let first = date(2026, 1, 1) + Days::new(start);
        let last = first + Days::new(len);
        let (per_year, _) = school_days_per_year(&plain_years(), first, last);
        let counted: usize = per_year.values().map(Vec::len).sum();
        prop_assert!(counted as u64 <= len + 1);
    }
}
