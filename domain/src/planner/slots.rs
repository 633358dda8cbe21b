//! A desk's conversation slots from the round's time windows (SPEC §8). Windows are read on the
//! Amsterdam wall clock; slots are stepped in real time, so a 10-minute conversation lasts ten
//! minutes also on the night the clocks change.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;

use super::{
    MAX_PAUSE_MINUTES, MAX_SLOT_MINUTES, MAX_SLOTS_PER_DESK, MAX_WINDOWS, MIN_SLOT_MINUTES, Slot,
    Window,
};
use crate::Invalid;
use crate::change_request::{Refusal, refusal};

/// Which of the two instants an autumn reading that happens twice stands for.
#[derive(Debug, Clone, Copy)]
enum Pass {
    Earlier,
    Later,
}

/// The instant the Amsterdam clock shows `time` on `day`; `None` in the spring gap, where the
/// clock never shows it.
fn instant(day: NaiveDate, time: NaiveTime, pass: Pass) -> Option<DateTime<Utc>> {
    let mapped = Amsterdam.from_local_datetime(&day.and_time(time));
    let picked = match pass {
        Pass::Earlier => mapped.earliest(),
        Pass::Later => mapped.latest(),
    };
    picked.map(|t| t.to_utc())
}

/// The instants a window runs between, or `None` when a boundary does not exist. An ambiguous
/// autumn start is its first pass and an ambiguous end its second: the window covers every moment
/// the wall clock shows a time inside it, as the teacher present all that night would read it.
fn bounds(window: &Window) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let starts = instant(window.day, window.starts, Pass::Earlier)?;
    let ends = instant(window.day, window.ends, Pass::Later)?;
    Some((starts, ends))
}

fn minutes(value: u32) -> Duration {
    Duration::minutes(i64::from(value))
}

fn check_lengths(slot_minutes: u32, pause_minutes: u32, refusals: &mut Vec<Refusal>) {
    if !(MIN_SLOT_MINUTES..=MAX_SLOT_MINUTES).contains(&slot_minutes) {
        refusals.push(refusal(
            "slot_minutes",
            Invalid::new(
                "out_of_range",
                format!("must be from {MIN_SLOT_MINUTES} to {MAX_SLOT_MINUTES} minutes"),
            ),
        ));
    }
    if pause_minutes > MAX_PAUSE_MINUTES {
        refusals.push(refusal(
            "pause_minutes",
            Invalid::new(
                "out_of_range",
                format!("must be at most {MAX_PAUSE_MINUTES} minutes"),
            ),
        ));
    }
}

/// The window's instants, or its refusals: an end not after the start, a boundary the clock
/// skips, an overlap with an earlier window (`earlier` holds their instants, where valid).
fn check_window(
    i: usize,
    window: &Window,
    earlier: &[(DateTime<Utc>, DateTime<Utc>)],
    refusals: &mut Vec<Refusal>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let skipped = || {
        Invalid::new(
            "nonexistent_time",
            "does not exist on the Amsterdam clock that day (the clocks go forward)",
        )
    };
    let starts = instant(window.day, window.starts, Pass::Earlier);
    let ends = instant(window.day, window.ends, Pass::Later);
    if starts.is_none() {
        refusals.push(refusal(format!("windows[{i}].starts"), skipped()));
    }
    if ends.is_none() {
        refusals.push(refusal(format!("windows[{i}].ends"), skipped()));
    }
    if window.ends <= window.starts {
        refusals.push(refusal(
            format!("windows[{i}].ends"),
            Invalid::new("before_start", "must be after the window's start"),
        ));
        return None;
    }
    let (starts, ends) = (starts?, ends?);
    // Compared in real time: two windows meeting at an autumn time that happens twice overlap by
    // the repeated hour, and their slots would too.
    if earlier.iter().any(|&(s, e)| starts < e && s < ends) {
        refusals.push(refusal(
            format!("windows[{i}]"),
            Invalid::new("overlaps", "overlaps another window"),
        ));
        return None;
    }
    Some((starts, ends))
}

/// A desk's slots: per window, conversations of `slot_minutes` with `pause_minutes` between them,
/// from the window's start as long as a conversation ends by the window's end; sorted by start.
/// Refused, per field: `slot_minutes` and `pause_minutes` out of bounds; `windows` when empty,
/// more than [`MAX_WINDOWS`] or more than [`MAX_SLOTS_PER_DESK`] slots; `windows[i].ends` not
/// after its start or too soon for one conversation; `windows[i].starts`/`.ends` at a time the
/// clock skips; `windows[i]` when it overlaps an earlier window.
pub fn generate(
    windows: &[Window],
    slot_minutes: u32,
    pause_minutes: u32,
) -> Result<Vec<Slot>, Vec<Refusal>> {
    let mut refusals = Vec::new();
    check_lengths(slot_minutes, pause_minutes, &mut refusals);
    if windows.is_empty() {
        refusals.push(refusal(
            "windows",
            Invalid::new("required", "must hold at least one time window"),
        ));
    } else if windows.len() > MAX_WINDOWS {
        // Not looked into: the list alone is refused, bounding the work.
        refusals.push(refusal(
            "windows",
            Invalid::new(
                "too_many",
                format!("holds more than {MAX_WINDOWS} time windows"),
            ),
        ));
        return Err(refusals);
    }
    let mut valid = Vec::with_capacity(windows.len());
    let mut indices = Vec::with_capacity(windows.len());
    for (i, window) in windows.iter().enumerate() {
        if let Some(instants) = check_window(i, window, &valid, &mut refusals) {
            valid.push(instants);
            indices.push(i);
        }
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    let (slot, pause) = (minutes(slot_minutes), minutes(pause_minutes));
    let mut slots = Vec::new();
    for (i, (starts, ends)) in indices.into_iter().zip(valid) {
        let before = slots.len();
        let mut at = starts;
        // Checked: a date at the end of chrono's range must not panic; it ends the window.
        while let Some(end) = at.checked_add_signed(slot).filter(|end| *end <= ends) {
            if slots.len() == MAX_SLOTS_PER_DESK {
                return Err(vec![refusal(
                    "windows",
                    Invalid::new(
                        "too_many_slots",
                        format!("give a desk more than {MAX_SLOTS_PER_DESK} slots"),
                    ),
                )]);
            }
            slots.push(Slot {
                starts_at: at,
                ends_at: end,
            });
            match end.checked_add_signed(pause) {
                Some(next) => at = next,
                None => break,
            }
        }
        if slots.len() == before {
            // Our choice: a window without room for one conversation is a typing error.
            refusals.push(refusal(
                format!("windows[{i}].ends"),
                Invalid::new("too_short", "leaves no room for one conversation"),
            ));
        }
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    slots.sort();
    Ok(slots)
}

/// Whether the slot lies inside one of the windows (a slot a teacher adds must: the round's
/// windows are when the school is open for conversations).
pub fn within_windows(windows: &[Window], slot: &Slot) -> bool {
    windows
        .iter()
        .filter_map(bounds)
        .any(|(starts, ends)| starts <= slot.starts_at && slot.ends_at <= ends)
}

/// Checks a slot a teacher adds to their desk: exactly `slot_minutes` long (`ends_at`), inside a
/// window of the round (`starts_at`), overlapping none of the desk's `existing` slots
/// (`starts_at`: a desk holds one conversation at a time).
pub fn check_added(
    windows: &[Window],
    slot_minutes: u32,
    slot: &Slot,
    existing: &[Slot],
) -> Result<(), Refusal> {
    if slot.ends_at - slot.starts_at != minutes(slot_minutes) {
        return Err(refusal(
            "ends_at",
            Invalid::new(
                "wrong_length",
                format!("must be {slot_minutes} minutes after the start"),
            ),
        ));
    }
    if !within_windows(windows, slot) {
        return Err(refusal(
            "starts_at",
            Invalid::new("outside_windows", "lies outside the round's time windows"),
        ));
    }
    if existing.iter().any(|other| other.overlaps(slot)) {
        return Err(refusal(
            "starts_at",
            Invalid::new("overlaps", "overlaps another slot of this desk"),
        ));
    }
    Ok(())
}

/// Whether `slot` overlaps one of `booked`, a guardian's or household's other conversations
/// (SPEC §8: nobody is in two conversations at once).
pub fn clashes(slot: &Slot, booked: &[Slot]) -> bool {
    booked.iter().any(|other| other.overlaps(slot))
}
