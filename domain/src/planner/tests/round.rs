//! A new round's checks (SPEC §8, seed 003: name, purpose, windows, slot length, the teachers'
//! deadline, the booking window, the bookings per pupil and the fairness quota).

use super::*;

fn refused(change: impl FnOnce(&mut RoundSettings)) -> Vec<(String, &'static str)> {
    let mut round = settings();
    change(&mut round);
    assess_round(&round, now())
        .err()
        .map(fields)
        .unwrap_or_default()
}

fn one(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_owned(), code)]
}

#[test]
fn a_valid_round_gives_its_slots() {
    let slots = assess_round(&settings(), now()).unwrap();
    assert_eq!(slots.len(), 6);
    assert_eq!(slots[0].starts_at, utc("2026-11-10T14:00:00Z"));
    // Without purpose or quota, and with the bounds exactly.
    assert_eq!(
        refused(|r| {
            r.purpose = None;
            r.fairness = None;
            r.name = "n".repeat(MAX_NAME_LENGTH);
            r.max_bookings_per_pupil = MAX_BOOKINGS_PER_PUPIL;
        }),
        []
    );
    assert_eq!(
        refused(|r| {
            r.purpose = Some("p".repeat(MAX_PURPOSE_LENGTH));
            r.max_bookings_per_pupil = 1;
            r.fairness = Some(Fairness {
                per_pupil: 1,
                hours: MAX_QUOTA_HOURS,
            });
        }),
        []
    );
}

#[test]
fn each_field_is_refused_by_its_name() {
    let closes_at_first = utc("2026-11-10T14:00:00Z");
    type Change = Box<dyn FnOnce(&mut RoundSettings)>;
    let table: Vec<(Change, Vec<(String, &'static str)>)> = vec![
        (
            Box::new(|r| r.name = "   ".to_owned()),
            one("name", "required"),
        ),
        (
            Box::new(|r| r.name = "n".repeat(MAX_NAME_LENGTH + 1)),
            one("name", "too_long"),
        ),
        (
            Box::new(|r| r.name = "Ronde\n2".to_owned()),
            one("name", "invalid_characters"),
        ),
        (
            Box::new(|r| r.purpose = Some("p".repeat(MAX_PURPOSE_LENGTH + 1))),
            one("purpose", "too_long"),
        ),
        (
            Box::new(|r| r.slot_minutes = MAX_SLOT_MINUTES + 1),
            one("slot_minutes", "out_of_range"),
        ),
        (
            Box::new(|r| r.pause_minutes = MAX_PAUSE_MINUTES + 1),
            one("pause_minutes", "out_of_range"),
        ),
        (Box::new(|r| r.windows.clear()), one("windows", "required")),
        (
            Box::new(|r| r.windows[1].ends = r.windows[1].starts),
            one("windows[1].ends", "before_start"),
        ),
        // Seed 003: teachers check their times until a deadline that is still to come.
        (
            Box::new(|r| r.times.teachers_deadline = now()),
            one("teachers_deadline", "in_the_past"),
        ),
        // Booking opens after the deadline: the admin publishes in between.
        (
            Box::new(|r| r.times.booking_opens = r.times.teachers_deadline),
            one("booking_opens", "before_deadline"),
        ),
        (
            Box::new(|r| r.times.booking_closes = r.times.booking_opens),
            one("booking_closes", "before_opens"),
        ),
        (
            Box::new(move |r| {
                r.times.booking_closes = closes_at_first + Duration::seconds(1);
            }),
            one("booking_closes", "after_first_conversation"),
        ),
        (
            Box::new(|r| r.max_bookings_per_pupil = 0),
            vec![
                ("max_bookings_per_pupil".to_owned(), "out_of_range"),
                ("fairness.per_pupil".to_owned(), "out_of_range"),
            ],
        ),
        (
            Box::new(|r| r.max_bookings_per_pupil = MAX_BOOKINGS_PER_PUPIL + 1),
            one("max_bookings_per_pupil", "out_of_range"),
        ),
        (
            Box::new(|r| {
                r.fairness = Some(Fairness {
                    per_pupil: 0,
                    hours: 24,
                })
            }),
            one("fairness.per_pupil", "out_of_range"),
        ),
        // The quota is at most the round's maximum (2 here).
        (
            Box::new(|r| {
                r.fairness = Some(Fairness {
                    per_pupil: 3,
                    hours: 24,
                })
            }),
            one("fairness.per_pupil", "out_of_range"),
        ),
        (
            Box::new(|r| {
                r.fairness = Some(Fairness {
                    per_pupil: 1,
                    hours: 0,
                })
            }),
            one("fairness.hours", "out_of_range"),
        ),
        (
            Box::new(|r| {
                r.fairness = Some(Fairness {
                    per_pupil: 1,
                    hours: MAX_QUOTA_HOURS + 1,
                });
            }),
            one("fairness.hours", "out_of_range"),
        ),
    ];
    for (i, (change, expected)) in table.into_iter().enumerate() {
        assert_eq!(refused(change), expected, "row {i}");
    }
    // Closing exactly when the first conversation starts is allowed.
    assert_eq!(refused(|r| r.times.booking_closes = closes_at_first), []);
}

#[test]
fn every_refusal_comes_at_once() {
    let got = refused(|r| {
        r.name = String::new();
        r.purpose = Some("p".repeat(MAX_PURPOSE_LENGTH + 1));
        r.slot_minutes = 0;
        r.pause_minutes = MAX_PAUSE_MINUTES + 1;
        r.windows = vec![window(date(2027, 3, 28), (2, 30), (1, 0))];
        r.times = RoundTimes {
            teachers_deadline: now() - Duration::days(1),
            booking_opens: now() - Duration::days(2),
            booking_closes: now() - Duration::days(3),
        };
        r.max_bookings_per_pupil = 0;
        r.fairness = Some(Fairness {
            per_pupil: 5,
            hours: 0,
        });
    });
    let expected = [
        ("name", "required"),
        ("purpose", "too_long"),
        ("slot_minutes", "out_of_range"),
        ("pause_minutes", "out_of_range"),
        ("windows[0].starts", "nonexistent_time"),
        ("windows[0].ends", "before_start"),
        ("teachers_deadline", "in_the_past"),
        ("booking_opens", "before_deadline"),
        ("booking_closes", "before_opens"),
        ("max_bookings_per_pupil", "out_of_range"),
        ("fairness.per_pupil", "out_of_range"),
        ("fairness.hours", "out_of_range"),
    ]
    .map(|(f, c)| (f.to_owned(), c));
    assert_eq!(got, expected);
}
