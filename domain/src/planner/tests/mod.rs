//! The planner rules against SPEC §8 and seed 003, with their boundaries.

mod clock;
mod round;
mod sequences;
mod slots;

pub(super) use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

pub(super) use super::*;
pub(super) use crate::change_request::Refusal;

pub(super) fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn window(day: NaiveDate, starts: (u32, u32), ends: (u32, u32)) -> Window {
    Window {
        day,
        starts: NaiveTime::from_hms_opt(starts.0, starts.1, 0).unwrap(),
        ends: NaiveTime::from_hms_opt(ends.0, ends.1, 0).unwrap(),
    }
}

pub(super) fn slot(starts_at: &str, ends_at: &str) -> Slot {
    Slot {
        starts_at: utc(starts_at),
        ends_at: utc(ends_at),
    }
}

/// The refused fields with their codes, in the order given.
pub(super) fn fields(refusals: Vec<Refusal>) -> Vec<(String, &'static str)> {
    refusals
        .into_iter()
        .map(|r| (r.field, r.reason.code))
        .collect()
}

/// When the tests' rounds are created: a Tuesday in October 2026.
pub(super) fn now() -> DateTime<Utc> {
    utc("2026-10-20T10:00:00Z")
}

/// A valid round: Tuesday 10 November 2026 15:00–16:00 and Thursday 12 November 19:00–19:35
/// (CET, UTC+1), conversations of 10 minutes with 5 between; teachers until 1 November, booking
/// from 2 to 9 November.
pub(super) fn settings() -> RoundSettings {
    RoundSettings {
        name: "Tienminutengesprekken november".to_owned(),
        purpose: Some("Hoe gaat het met uw kind?".to_owned()),
        windows: vec![
            window(date(2026, 11, 10), (15, 0), (16, 0)),
            window(date(2026, 11, 12), (19, 0), (19, 35)),
        ],
        slot_minutes: 10,
        pause_minutes: 5,
        times: RoundTimes {
            teachers_deadline: utc("2026-11-01T23:00:00Z"),
            booking_opens: utc("2026-11-02T17:00:00Z"),
            booking_closes: utc("2026-11-09T12:00:00Z"),
        },
        guardians_may_change: true,
        max_bookings_per_pupil: 2,
        fairness: Some(Fairness {
            per_pupil: 1,
            hours: 24,
        }),
    }
}

#[test]
fn every_enum_reads_back_what_it_writes() {
    for mode in DuoMode::ALL {
        assert_eq!(DuoMode::parse(mode.as_str()), Some(mode));
    }
    for prep in Preparation::ALL {
        assert_eq!(Preparation::parse(prep.as_str()), Some(prep));
    }
    for state in BookingState::ALL {
        assert_eq!(BookingState::parse(state.as_str()), Some(state));
    }
    for phase in Phase::ALL {
        assert_eq!(Phase::parse(phase.as_str()), Some(phase));
    }
    assert_eq!(
        Preparation::ConversationRequested.as_str(),
        "conversation_requested"
    );
    assert_eq!(Phase::AwaitingPublication.as_str(), "awaiting_publication");
    assert_eq!(DuoMode::parse("Share"), None);
    assert_eq!(BookingState::parse(""), None);
}
