//! Holiday leave (art. 13a) and counting in school days.

use super::*;

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
