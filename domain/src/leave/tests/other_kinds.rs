//! Important circumstances (art. 14), religious obligations (art. 13), five-year-olds (art. 11a).

use super::*;

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
