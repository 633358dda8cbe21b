//! Slot generation and added slots (SPEC §8: a round's windows become each desk's slots).

use super::*;

fn starts(slots: &[Slot]) -> Vec<DateTime<Utc>> {
    slots.iter().map(|s| s.starts_at).collect()
}

fn refused(windows: &[Window], slot_minutes: u32, pause: u32) -> Vec<(String, &'static str)> {
    fields(generate(windows, slot_minutes, pause).unwrap_err())
}

#[test]
fn back_to_back_slots_do_not_overlap_and_shared_moments_do() {
    let a = slot("2026-11-10T14:00:00Z", "2026-11-10T14:10:00Z");
    for (other, overlaps) in [
        (slot("2026-11-10T14:10:00Z", "2026-11-10T14:20:00Z"), false),
        (slot("2026-11-10T13:50:00Z", "2026-11-10T14:00:00Z"), false),
        (slot("2026-11-10T14:09:00Z", "2026-11-10T14:19:00Z"), true),
        (slot("2026-11-10T13:55:00Z", "2026-11-10T14:01:00Z"), true),
        (slot("2026-11-10T14:02:00Z", "2026-11-10T14:05:00Z"), true),
        (a, true),
    ] {
        assert_eq!(a.overlaps(&other), overlaps, "{other:?}");
        assert_eq!(other.overlaps(&a), overlaps, "symmetric: {other:?}");
    }
    assert_eq!(a.minutes(), 10);
}

#[test]
fn two_windows_give_slots_with_pauses_sorted_and_no_slot_past_a_window_end() {
    // 15:00–16:00 CET: 15:00, 15:15, 15:30, 15:45 (the last ends 15:55; one at 16:00 would end
    // after the window). 19:00–19:35: 19:00, 19:15 (a third would end 19:40). Given in reverse
    // order, they come out by start.
    let mut windows = settings().windows;
    windows.reverse();
    let slots = generate(&windows, 10, 5).unwrap();
    assert_eq!(
        starts(&slots),
        [
            "2026-11-10T14:00:00Z",
            "2026-11-10T14:15:00Z",
            "2026-11-10T14:30:00Z",
            "2026-11-10T14:45:00Z",
            "2026-11-12T18:00:00Z",
            "2026-11-12T18:15:00Z",
        ]
        .map(utc)
    );
    assert!(slots.iter().all(|s| s.minutes() == 10));
    // A slot that ends exactly at the window's end is in.
    let exact = generate(&[window(date(2026, 11, 12), (19, 0), (19, 25))], 10, 5).unwrap();
    assert_eq!(exact.last().unwrap().ends_at, utc("2026-11-12T18:25:00Z"));
    // Without a pause the slots follow each other.
    let tight = generate(&[window(date(2026, 11, 12), (19, 0), (19, 30))], 10, 0).unwrap();
    assert_eq!(tight.len(), 3);
    assert_eq!(tight[0].ends_at, tight[1].starts_at);
}

#[test]
fn slots_last_their_real_minutes_on_the_nights_the_clocks_change() {
    // Autumn, Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET. A window from 01:00 to 04:00
    // on the wall lasts four real hours; spring, Sunday 28 March 2027: 02:00 CET becomes 03:00
    // CEST, and the same window lasts two.
    for (day, slot_minutes, first, count) in [
        (date(2026, 10, 25), 60, "2026-10-24T23:00:00Z", 4),
        (date(2027, 3, 28), 60, "2027-03-28T00:00:00Z", 2),
        (date(2027, 3, 28), 20, "2027-03-28T00:00:00Z", 6),
    ] {
        let slots = generate(&[window(day, (1, 0), (4, 0))], slot_minutes, 0).unwrap();
        assert_eq!(slots.len(), count, "{day} {slot_minutes}");
        assert_eq!(slots[0].starts_at, utc(first));
        assert!(
            slots.iter().all(|s| s.minutes() == i64::from(slot_minutes)),
            "real minutes, also across the change: {slots:?}"
        );
    }
    // The slot from 01:40 CET to 03:00 CEST is 20 minutes, not 80.
    let spring = generate(&[window(date(2027, 3, 28), (1, 0), (4, 0))], 20, 0).unwrap();
    assert_eq!(
        spring[2],
        slot("2027-03-28T00:40:00Z", "2027-03-28T01:00:00Z")
    );
}

#[test]
fn an_autumn_time_that_happens_twice_starts_at_its_first_pass_and_ends_at_its_second() {
    // 02:30–03:30 on 25 October 2026: from 02:30 CEST (00:30Z) to 03:30 CET (02:30Z).
    let slots = generate(&[window(date(2026, 10, 25), (2, 30), (3, 30))], 60, 0).unwrap();
    assert_eq!(
        slots,
        [
            slot("2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"),
            slot("2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z"),
        ]
    );
    // Two windows meeting at 02:30 that night share the repeated hour: refused as overlapping.
    let meeting = [
        window(date(2026, 10, 25), (1, 0), (2, 30)),
        window(date(2026, 10, 25), (2, 30), (4, 0)),
    ];
    assert_eq!(
        refused(&meeting, 10, 0),
        [("windows[1]".to_owned(), "overlaps")]
    );
}

#[test]
fn a_boundary_the_spring_clock_skips_is_refused() {
    // 28 March 2027: the clock goes from 02:00 straight to 03:00; 02:30 does not exist.
    let day = date(2027, 3, 28);
    for (windows, expected) in [
        (
            vec![window(day, (2, 30), (4, 0))],
            vec![("windows[0].starts", "nonexistent_time")],
        ),
        (
            vec![window(day, (0, 0), (1, 0)), window(day, (1, 0), (2, 15))],
            vec![("windows[1].ends", "nonexistent_time")],
        ),
        (
            vec![window(day, (2, 0), (2, 59))],
            vec![
                ("windows[0].starts", "nonexistent_time"),
                ("windows[0].ends", "nonexistent_time"),
            ],
        ),
    ] {
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(f, c)| (f.to_owned(), c))
            .collect();
        assert_eq!(refused(&windows, 10, 0), expected, "{windows:?}");
    }
    // 03:00 exists (the first minute after the jump).
    assert!(generate(&[window(day, (3, 0), (4, 0))], 10, 0).is_ok());
}

#[test]
fn windows_are_refused_by_field() {
    let day = date(2026, 11, 10);
    let other_day = date(2026, 11, 11);
    // Refused as a list, before its windows are looked at.
    let many = vec![window(day, (9, 0), (10, 0)); MAX_WINDOWS + 1];
    for (windows, expected) in [
        (vec![], vec![("windows", "required")]),
        (many, vec![("windows", "too_many")]),
        (
            vec![window(day, (16, 0), (16, 0))],
            vec![("windows[0].ends", "before_start")],
        ),
        (
            vec![window(day, (9, 0), (10, 0)), window(day, (16, 0), (15, 0))],
            vec![("windows[1].ends", "before_start")],
        ),
        (
            vec![
                window(day, (15, 0), (16, 0)),
                window(day, (15, 30), (17, 0)),
            ],
            vec![("windows[1]", "overlaps")],
        ),
        (
            vec![
                window(day, (15, 0), (16, 0)),
                window(day, (14, 0), (18, 0)),
                window(day, (15, 59), (16, 30)),
            ],
            vec![("windows[1]", "overlaps"), ("windows[2]", "overlaps")],
        ),
    ] {
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(f, c)| (f.to_owned(), c))
            .collect();
        assert_eq!(refused(&windows, 10, 5), expected);
    }
    // Back to back on one day, and the same hours on another day, are fine.
    let fine = [
        window(day, (15, 0), (16, 0)),
        window(day, (16, 0), (17, 0)),
        window(other_day, (15, 0), (16, 0)),
    ];
    assert_eq!(generate(&fine, 10, 5).unwrap().len(), 12);
    // A window without room for one whole conversation is a mistake.
    assert_eq!(
        refused(&[window(day, (15, 0), (15, 9))], 10, 0),
        [("windows[0].ends".to_owned(), "too_short")]
    );
}

#[test]
fn slot_length_and_pause_are_bounded() {
    let windows = [window(date(2026, 11, 10), (13, 0), (17, 0))];
    for (slot_minutes, pause, expected) in [
        (MIN_SLOT_MINUTES, 0, vec![]),
        (MAX_SLOT_MINUTES, MAX_PAUSE_MINUTES, vec![]),
        (
            MIN_SLOT_MINUTES - 1,
            0,
            vec![("slot_minutes", "out_of_range")],
        ),
        (
            MAX_SLOT_MINUTES + 1,
            0,
            vec![("slot_minutes", "out_of_range")],
        ),
        (
            0,
            MAX_PAUSE_MINUTES + 1,
            vec![
                ("slot_minutes", "out_of_range"),
                ("pause_minutes", "out_of_range"),
            ],
        ),
    ] {
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(f, c)| (f.to_owned(), c))
            .collect();
        let got = generate(&windows, slot_minutes, pause)
            .err()
            .map(fields)
            .unwrap_or_default();
        assert_eq!(got, expected, "{slot_minutes} + {pause}");
    }
}

#[test]
fn a_desk_holds_at_most_its_bound_of_slots() {
    // Five days of 08:00–16:20 in 5-minute slots: 100 a day, 500 in all, the bound exactly.
    let days: Vec<Window> = (9..=13)
        .map(|d| window(date(2026, 11, d), (8, 0), (16, 20)))
        .collect();
    assert_eq!(generate(&days, 5, 0).unwrap().len(), MAX_SLOTS_PER_DESK);
    let mut more = days.clone();
    more.push(window(date(2026, 11, 16), (8, 0), (8, 5)));
    assert_eq!(
        fields(generate(&more, 5, 0).unwrap_err()),
        [("windows".to_owned(), "too_many_slots")]
    );
}

#[test]
fn an_added_slot_lies_in_a_window_has_the_round_length_and_overlaps_nothing() {
    // The round's windows (CET): 10 November 15:00–16:00, 12 November 19:00–19:35.
    let windows = settings().windows;
    let existing = [slot("2026-11-10T14:00:00Z", "2026-11-10T14:10:00Z")];
    let refused =
        |s: Slot| check_added(&windows, 10, &s, &existing).map_err(|r| (r.field, r.reason.code));
    assert_eq!(
        refused(slot("2026-11-10T14:10:00Z", "2026-11-10T14:20:00Z")),
        Ok(())
    );
    assert_eq!(
        refused(slot("2026-11-10T14:50:00Z", "2026-11-10T15:00:00Z")),
        Ok(())
    );
    for (added, field, code) in [
        (
            slot("2026-11-10T14:10:00Z", "2026-11-10T14:25:00Z"),
            "ends_at",
            "wrong_length",
        ),
        (
            slot("2026-11-10T14:10:00Z", "2026-11-10T14:10:00Z"),
            "ends_at",
            "wrong_length",
        ),
        (
            slot("2026-11-10T14:55:00Z", "2026-11-10T15:05:00Z"),
            "starts_at",
            "outside_windows",
        ),
        (
            slot("2026-11-11T14:10:00Z", "2026-11-11T14:20:00Z"),
            "starts_at",
            "outside_windows",
        ),
        (
            slot("2026-11-10T14:05:00Z", "2026-11-10T14:15:00Z"),
            "starts_at",
            "overlaps",
        ),
    ] {
        assert_eq!(refused(added), Err((field.to_owned(), code)), "{added:?}");
    }
    assert!(within_windows(
        &windows,
        &slot("2026-11-12T18:25:00Z", "2026-11-12T18:35:00Z")
    ));
    assert!(!within_windows(
        &windows,
        &slot("2026-11-12T18:30:00Z", "2026-11-12T18:40:00Z")
    ));
}

#[test]
fn a_guardian_in_one_conversation_clashes_with_an_overlapping_other() {
    // SPEC §8: no guardian in two conversations at once; back to back is fine.
    let booked = [slot("2026-11-10T14:00:00Z", "2026-11-10T14:10:00Z")];
    assert!(clashes(
        &slot("2026-11-10T14:05:00Z", "2026-11-10T14:15:00Z"),
        &booked
    ));
    assert!(!clashes(
        &slot("2026-11-10T14:10:00Z", "2026-11-10T14:20:00Z"),
        &booked
    ));
    assert!(!clashes(&booked[0], &[]));
}
