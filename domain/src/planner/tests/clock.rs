//! A round on its clock (SPEC §8, seed 003): teachers until the deadline, publication after it,
//! booking between opening and close, the fairness quota, taking a booking back.

use super::*;

fn times() -> RoundTimes {
    settings().times
}

fn second() -> Duration {
    Duration::seconds(1)
}

#[test]
fn each_phase_starts_exactly_at_its_boundary() {
    let t = times();
    for (published, at, expected) in [
        (false, t.teachers_deadline - second(), Phase::Availability),
        (false, t.teachers_deadline, Phase::AwaitingPublication),
        (
            false,
            t.booking_closes + second(),
            Phase::AwaitingPublication,
        ),
        (true, t.teachers_deadline, Phase::Scheduled),
        (true, t.booking_opens - second(), Phase::Scheduled),
        (true, t.booking_opens, Phase::Open),
        (true, t.booking_closes - second(), Phase::Open),
        (true, t.booking_closes, Phase::Closed),
        (true, t.booking_closes + Duration::days(30), Phase::Closed),
    ] {
        assert_eq!(phase(&t, published, at), expected, "{published} {at}");
        // Seed 003: teachers check their times until the deadline, and only then.
        assert_eq!(
            may_edit_availability(&t, published, at),
            expected == Phase::Availability
        );
    }
}

#[test]
fn a_round_is_published_once_after_the_deadline_and_before_the_close() {
    let t = times();
    let code = |published, at| may_publish(&t, published, at).map_err(|e| e.code);
    assert_eq!(
        code(false, t.teachers_deadline - second()),
        Err("before_deadline")
    );
    assert!(
        may_publish(&t, false, now())
            .unwrap_err()
            .message
            .contains("teachers may check their times until")
    );
    assert_eq!(code(false, t.teachers_deadline), Ok(()));
    assert_eq!(code(false, t.booking_opens + second()), Ok(()));
    assert_eq!(code(true, t.booking_opens), Err("already_published"));
    assert_eq!(code(false, t.booking_closes), Err("booking_closed"));
}

#[test]
fn the_fairness_quota_holds_for_its_first_hours_and_the_maximum_after() {
    // "One slot per child in the first 24 hours", then the round's maximum of 2.
    let opens = times().booking_opens;
    let quota = Some(Fairness {
        per_pupil: 1,
        hours: 24,
    });
    for (at, expected) in [
        (opens - second(), 1),
        (opens, 1),
        (opens + Duration::hours(24) - second(), 1),
        (opens + Duration::hours(24), 2),
        (opens + Duration::days(5), 2),
    ] {
        assert_eq!(booking_limit(2, quota, opens, at), expected, "{at}");
    }
    assert_eq!(booking_limit(2, None, opens, opens), 2);
    // A quota above the maximum never lifts it.
    let wide = Some(Fairness {
        per_pupil: 5,
        hours: 1,
    });
    assert_eq!(booking_limit(2, wide, opens, opens), 2);
}

#[test]
fn a_guardian_unbooks_while_open_cancels_with_a_reason_after_and_not_once_it_started() {
    // SPEC §8: unbooking while booking is open frees the slot; after the close only a
    // cancellation with a reason, before the conversation starts.
    let t = times();
    let starts = utc("2026-11-10T14:00:00Z");
    for (may_change, at, expected) in [
        (true, t.booking_opens, Withdrawal::Unbook),
        (true, t.booking_closes - second(), Withdrawal::Unbook),
        (true, t.booking_closes, Withdrawal::Cancel),
        (false, t.booking_opens, Withdrawal::Cancel),
        (true, t.booking_opens - second(), Withdrawal::Cancel),
        (true, starts - second(), Withdrawal::Cancel),
        (true, starts, Withdrawal::TooLate),
        (false, starts + Duration::minutes(5), Withdrawal::TooLate),
    ] {
        assert_eq!(
            withdrawal(&t, may_change, at, starts),
            expected,
            "{may_change} {at}"
        );
    }
}

#[test]
fn a_cancellation_gives_a_reason_and_a_note_is_optional() {
    assert_eq!(check_reason("  ziek  "), Ok("ziek".to_owned()));
    assert_eq!(check_reason(" \n ").unwrap_err().code, "required");
    assert!(check_reason(&"r".repeat(MAX_REASON_LENGTH)).is_ok());
    assert_eq!(
        check_reason(&"r".repeat(MAX_REASON_LENGTH + 1))
            .unwrap_err()
            .code,
        "too_long"
    );
    assert_eq!(check_note(None), Ok(None));
    assert_eq!(check_note(Some("   ")), Ok(None));
    assert_eq!(
        check_note(Some(" tolk nodig ")),
        Ok(Some("tolk nodig".to_owned()))
    );
    assert_eq!(
        check_note(Some(&"n".repeat(MAX_NOTE_LENGTH + 1)))
            .unwrap_err()
            .code,
        "too_long"
    );
}

#[test]
fn separated_parents_book_jointly_unless_the_pupil_is_marked_separated() {
    // Seed 003 / SPEC §8: one joint conversation by default; each household its own when marked.
    assert_eq!(invited_households(false, "household-a"), None);
    assert_eq!(
        invited_households(true, "household-a"),
        Some("household-a".to_owned())
    );
}
