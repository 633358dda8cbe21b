//! The rules of a round (SPEC §8, seed 003): what a new round may hold, where it stands on its
//! clock, when it may be published, how many bookings a pupil may hold, how a guardian takes a
//! booking back, and whom a booking invites.

use chrono::{DateTime, Duration, Utc};

use super::slots::generate;
use super::{
    Fairness, MAX_BOOKINGS_PER_PUPIL, MAX_NAME_LENGTH, MAX_NOTE_LENGTH, MAX_PURPOSE_LENGTH,
    MAX_QUOTA_HOURS, MAX_REASON_LENGTH, Phase, RoundSettings, RoundTimes, Slot,
};
use crate::Invalid;
use crate::change_request::{Refusal, refusal};

fn too_long(max: usize) -> Invalid {
    Invalid::new("too_long", format!("is longer than {max} characters"))
}

fn check_name(name: &str, refusals: &mut Vec<Refusal>) {
    let name = name.trim();
    if name.is_empty() {
        refusals.push(refusal(
            "name",
            Invalid::new("required", "must not be empty"),
        ));
    } else if name.chars().count() > MAX_NAME_LENGTH {
        refusals.push(refusal("name", too_long(MAX_NAME_LENGTH)));
    } else if name.chars().any(char::is_control) {
        // A heading on one line: a newline would break lists and e-mail subjects.
        refusals.push(refusal(
            "name",
            Invalid::new("invalid_characters", "contains control characters"),
        ));
    }
}

fn check_times(times: &RoundTimes, first: Option<&Slot>, now: DateTime<Utc>) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    if times.teachers_deadline <= now {
        refusals.push(refusal(
            "teachers_deadline",
            Invalid::new("in_the_past", "must lie in the future"),
        ));
    }
    // Strictly after: the admin publishes between the deadline and the opening.
    if times.booking_opens <= times.teachers_deadline {
        refusals.push(refusal(
            "booking_opens",
            Invalid::new("before_deadline", "must be after the teachers' deadline"),
        ));
    }
    if times.booking_closes <= times.booking_opens {
        refusals.push(refusal(
            "booking_closes",
            Invalid::new("before_opens", "must be after booking opens"),
        ));
    } else if first.is_some_and(|slot| times.booking_closes > slot.starts_at) {
        // After the close only cancellations remain; bookings made during conversations would
        // change a schedule that is already running.
        refusals.push(refusal(
            "booking_closes",
            Invalid::new(
                "after_first_conversation",
                "must not be after the first conversation starts",
            ),
        ));
    }
    refusals
}

fn check_limits(max: u32, fairness: Option<Fairness>, refusals: &mut Vec<Refusal>) {
    if !(1..=MAX_BOOKINGS_PER_PUPIL).contains(&max) {
        refusals.push(refusal(
            "max_bookings_per_pupil",
            Invalid::new(
                "out_of_range",
                format!("must be from 1 to {MAX_BOOKINGS_PER_PUPIL}"),
            ),
        ));
    }
    let Some(fairness) = fairness else { return };
    if !(1..=max).contains(&fairness.per_pupil) {
        refusals.push(refusal(
            "fairness.per_pupil",
            Invalid::new(
                "out_of_range",
                "must be at least 1 and at most the bookings per pupil",
            ),
        ));
    }
    if !(1..=MAX_QUOTA_HOURS).contains(&fairness.hours) {
        refusals.push(refusal(
            "fairness.hours",
            Invalid::new(
                "out_of_range",
                format!("must be from 1 to {MAX_QUOTA_HOURS} hours"),
            ),
        ));
    }
}

/// Checks a new round and returns a desk's slots from its windows. Every refusal at once, each
/// named by its field in the API: `name`, `purpose`, `slot_minutes`, `pause_minutes`, `windows…`
/// (see [`generate`]), `teachers_deadline` (in the future), `booking_opens` (after the
/// deadline), `booking_closes` (after the opening, not after the first conversation starts),
/// `max_bookings_per_pupil`, `fairness.per_pupil` (at most the maximum), `fairness.hours`.
pub fn assess_round(
    settings: &RoundSettings,
    now: DateTime<Utc>,
) -> Result<Vec<Slot>, Vec<Refusal>> {
    let mut refusals = Vec::new();
    check_name(&settings.name, &mut refusals);
    if let Some(purpose) = &settings.purpose {
        if purpose.trim().chars().count() > MAX_PURPOSE_LENGTH {
            refusals.push(refusal("purpose", too_long(MAX_PURPOSE_LENGTH)));
        } else if has_control(purpose) {
            refusals.push(refusal("purpose", control()));
        }
    }
    let slots = generate(
        &settings.windows,
        settings.slot_minutes,
        settings.pause_minutes,
    )
    .unwrap_or_else(|windows| {
        refusals.extend(windows);
        Vec::new()
    });
    refusals.extend(check_times(&settings.times, slots.first(), now));
    check_limits(
        settings.max_bookings_per_pupil,
        settings.fairness,
        &mut refusals,
    );
    if refusals.is_empty() {
        Ok(slots)
    } else {
        Err(refusals)
    }
}

/// Where the round stands at `now`. Each boundary belongs to the phase it starts: at the deadline
/// teachers are done, at the opening booking is open, at the close it is closed.
pub fn phase(times: &RoundTimes, published: bool, now: DateTime<Utc>) -> Phase {
    match (published, now) {
        (false, now) if now < times.teachers_deadline => Phase::Availability,
        (false, _) => Phase::AwaitingPublication,
        (true, now) if now < times.booking_opens => Phase::Scheduled,
        (true, now) if now < times.booking_closes => Phase::Open,
        (true, _) => Phase::Closed,
    }
}

/// Whether teachers may still check, block and add their times: until the deadline, and not once
/// the round is published (guardians would see slots change under them).
pub fn may_edit_availability(times: &RoundTimes, published: bool, now: DateTime<Utc>) -> bool {
    phase(times, published, now) == Phase::Availability
}

/// Whether the admin may publish the round now: once, after the teachers' deadline, and (our
/// choice) not after booking closed, when nobody could book any more.
pub fn may_publish(times: &RoundTimes, published: bool, now: DateTime<Utc>) -> Result<(), Invalid> {
    if published {
        return Err(Invalid::new(
            "already_published",
            "the round is already published",
        ));
    }
    if now < times.teachers_deadline {
        return Err(Invalid::new(
            "before_deadline",
            "teachers may check their times until the deadline; publish after it",
        ));
    }
    if now >= times.booking_closes {
        return Err(Invalid::new(
            "booking_closed",
            "booking has already closed; nobody could book",
        ));
    }
    Ok(())
}

/// How many bookings a pupil may hold at `now`: the fairness quota during its first `hours` after
/// booking opens (and before, should anyone book early), the round's maximum from then on.
pub fn booking_limit(
    settings_max: u32,
    fairness: Option<Fairness>,
    opens: DateTime<Utc>,
    now: DateTime<Utc>,
) -> u32 {
    match fairness {
        Some(quota) => {
            // An end past chrono's range never comes: the quota holds.
            let quota_ends = opens.checked_add_signed(Duration::hours(i64::from(quota.hours)));
            if quota_ends.is_none_or(|ends| now < ends) {
                quota.per_pupil.min(settings_max)
            } else {
                settings_max
            }
        }
        None => settings_max,
    }
}

/// How a guardian may take back a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Withdrawal {
    /// Unbook: the slot is free for others at once, no reason asked.
    Unbook,
    /// Cancel with a reason (see [`check_reason`]): the teacher is told why.
    Cancel,
    /// The conversation has started: nothing to take back.
    TooLate,
}

/// How a guardian may take back a booking of a slot starting at `slot_starts` (SPEC §8): unbook
/// while booking is open and the round lets guardians change; otherwise cancel with a reason,
/// until the conversation starts.
pub fn withdrawal(
    times: &RoundTimes,
    guardians_may_change: bool,
    now: DateTime<Utc>,
    slot_starts: DateTime<Utc>,
) -> Withdrawal {
    let open = times.booking_opens <= now && now < times.booking_closes;
    if now >= slot_starts {
        Withdrawal::TooLate
    } else if open && guardians_may_change {
        Withdrawal::Unbook
    } else {
        Withdrawal::Cancel
    }
}

/// The reason given with a cancellation, trimmed: required, at most [`MAX_REASON_LENGTH`].
pub fn check_reason(reason: &str) -> Result<String, Invalid> {
    let reason = reason.trim();
    if has_control(reason) {
        Err(control())
    } else if reason.is_empty() {
        Err(Invalid::new(
            "required",
            "must say why the conversation is cancelled",
        ))
    } else if reason.chars().count() > MAX_REASON_LENGTH {
        Err(too_long(MAX_REASON_LENGTH))
    } else {
        Ok(reason.to_owned())
    }
}

/// Whether text holds control characters other than line breaks and tabs (a NUL, say, which
/// PostgreSQL cannot store and no person types).
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn control() -> Invalid {
    Invalid::new("invalid_characters", "contains control characters")
}

/// A note with a booking or a slot, trimmed: none when empty, at most [`MAX_NOTE_LENGTH`].
pub fn check_note(note: Option<&str>) -> Result<Option<String>, Invalid> {
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(None),
        Some(n) if has_control(n) => Err(control()),
        Some(n) if n.chars().count() > MAX_NOTE_LENGTH => Err(too_long(MAX_NOTE_LENGTH)),
        Some(n) => Ok(Some(n.to_owned())),
    }
}

/// Whom a booking invites (SPEC §8, seed 003): separated parents are invited jointly, so `None`
/// (all the pupil's households); when the school marked the pupil separated, each household books
/// its own conversation, so `Some` (the booking household's alone).
pub fn invited_households(separated: bool, booker_household: &str) -> Option<String> {
    separated.then(|| booker_household.to_owned())
}

/// The Amsterdam date of a moment (a teacher cancels "a day" as the school reads it).
pub fn local_day(at: DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

/// The moments an Amsterdam day starts and ends (`[start, end)`), for "a teacher's day". A day
/// whose midnight does not exist (none in Amsterdam) would fall back to UTC midnight.
pub fn day_bounds(day: chrono::NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|midnight| {
                midnight
                    .and_local_timezone(chrono_tz::Europe::Amsterdam)
                    .earliest()
            })
            .map_or_else(
                || d.and_time(chrono::NaiveTime::MIN).and_utc(),
                |at| at.with_timezone(&Utc),
            )
    };
    (start(day), start(day.succ_opt().unwrap_or(day)))
}

#[cfg(test)]
mod day_tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_day_is_read_on_the_amsterdam_clock_also_when_clocks_change() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let (start, end) = day_bounds(day(2026, 12, 14));
        assert_eq!(start.to_rfc3339(), "2026-12-13T23:00:00+00:00");
        assert_eq!((end - start).num_hours(), 24);
        // The autumn change (25 October 2026) makes a day of 25 hours.
        let (start, end) = day_bounds(day(2026, 10, 25));
        assert_eq!((end - start).num_hours(), 25);
        assert_eq!(local_day(start), day(2026, 10, 25));
        assert_eq!(
            local_day(end - chrono::Duration::seconds(1)),
            day(2026, 10, 25)
        );
    }
}

/// Guardians are reminded of a conversation once, within this many hours before it starts
/// (issue #12: "reminders the day before"); quiet hours hold a reminder due at night until the
/// morning (the notification engine's).
pub const REMINDER_HOURS_BEFORE: i64 = 24;

/// Whether a booked conversation starting at `starts_at` is due its reminder at `now`.
pub fn reminder_due(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    starts_at > now && starts_at - now <= chrono::Duration::hours(REMINDER_HOURS_BEFORE)
}

#[cfg(test)]
mod reminder_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_conversation_is_reminded_in_the_day_before_it_and_not_after_it_started() {
        let starts = Utc.with_ymd_and_hms(2026, 12, 14, 14, 0, 0).unwrap();
        let hours = |h: i64| starts - chrono::Duration::hours(h);
        assert!(!reminder_due(starts, hours(25)), "two days ahead: not yet");
        assert!(reminder_due(starts, hours(24)), "exactly a day ahead");
        assert!(reminder_due(starts, hours(1)));
        assert!(!reminder_due(starts, starts), "it started");
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn reasons_and_notes_keep_line_breaks_and_refuse_other_control_characters() {
        assert_eq!(check_reason("Ziek\nmorgen beter").map(|r| r.len()), Ok(17));
        assert_eq!(
            check_reason("a\u{0}b").map_err(|e| e.code),
            Err("invalid_characters")
        );
        assert_eq!(
            check_note(Some("x\u{7}")).map_err(|e| e.code),
            Err("invalid_characters")
        );
        assert_eq!(check_note(Some("  ")), Ok(None));
    }
}

/// Whether a guardian may book now: while booking is open; after the close only at a desk where
/// the school cancelled the child's conversation (issue #12: guardians are "offered rebooking" when
/// a teacher cancels, also when that happens after the close).
pub fn may_book(phase: Phase, school_cancelled_at_desk: bool) -> Result<(), Invalid> {
    match phase {
        Phase::Open => Ok(()),
        Phase::Closed if school_cancelled_at_desk => Ok(()),
        Phase::Closed => Err(Invalid::new(
            "booking_closed",
            "Booking has closed for this round.",
        )),
        _ => Err(Invalid::new(
            "booking_not_open",
            "Booking has not opened yet for this round.",
        )),
    }
}

#[cfg(test)]
mod booking_phase_tests {
    use super::*;

    #[test]
    fn after_the_close_only_a_conversation_the_school_cancelled_is_booked_again() {
        assert!(may_book(Phase::Open, false).is_ok());
        assert!(may_book(Phase::Closed, true).is_ok());
        assert_eq!(
            may_book(Phase::Closed, false).map_err(|e| e.code),
            Err("booking_closed")
        );
        for phase in [
            Phase::Availability,
            Phase::AwaitingPublication,
            Phase::Scheduled,
        ] {
            assert_eq!(
                may_book(phase, true).map_err(|e| e.code),
                Err("booking_not_open")
            );
        }
    }
}

/// A desk's room for a day, trimmed: none when empty; at most [`MAX_ROOM_LENGTH`] characters on
/// one line.
pub fn check_room(room: Option<&str>) -> Result<Option<String>, Invalid> {
    match room.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) if r.chars().any(char::is_control) => Err(control()),
        Some(r) if r.chars().count() > super::MAX_ROOM_LENGTH => {
            Err(too_long(super::MAX_ROOM_LENGTH))
        }
        Some(r) => Ok(Some(r.to_owned())),
    }
}

/// Whether a round may name this many groups: 1 to [`MAX_ROUND_GROUPS`].
pub fn check_group_count(count: usize) -> Result<(), Invalid> {
    if (1..=super::MAX_ROUND_GROUPS).contains(&count) {
        Ok(())
    } else {
        Err(Invalid::new(
            "out_of_range",
            format!("must name 1 to {} groups", super::MAX_ROUND_GROUPS),
        ))
    }
}

#[cfg(test)]
mod bound_tests {
    use super::*;
    use crate::planner::{MAX_ROOM_LENGTH, MAX_ROUND_GROUPS};

    #[test]
    fn a_room_is_one_line_of_at_most_a_hundred_characters_and_a_round_names_1_to_100_groups() {
        assert_eq!(
            check_room(Some("  Lokaal 4 ")),
            Ok(Some("Lokaal 4".to_owned()))
        );
        assert_eq!(check_room(Some("   ")), Ok(None));
        assert_eq!(
            check_room(Some(&"x".repeat(MAX_ROOM_LENGTH))).map(|r| r.is_some()),
            Ok(true)
        );
        let long = "x".repeat(MAX_ROOM_LENGTH + 1);
        assert_eq!(check_room(Some(&long)).map_err(|e| e.code), Err("too_long"));
        assert_eq!(
            check_room(Some("a\nb")).map_err(|e| e.code),
            Err("invalid_characters")
        );
        assert!(check_group_count(0).is_err());
        assert!(check_group_count(1).is_ok());
        assert!(check_group_count(MAX_ROUND_GROUPS).is_ok());
        assert!(check_group_count(MAX_ROUND_GROUPS + 1).is_err());
    }
}
