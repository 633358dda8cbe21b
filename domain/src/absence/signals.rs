//! Signals the school acts on, computed from registered absence: the DUO report of unauthorized
//! absence (Leerplichtwet art. 21a), long absence, and suspected luxury absence around holidays.
//! Pure functions of the calendars and the absence; the school year may turn inside a window, so
//! they take every calendar they need (in any order).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use crate::calendar::weeks::monday_of;
use crate::calendar::{DayKind, SchoolCalendar, dates};

/// 16 hours of teaching time: reaching it within the window is to be reported to DUO (*law*
/// Leerplichtwet art. 21a; SPEC §12). Reaching counts: 960 minutes signals, 959 does not.
pub const DUO_THRESHOLD_MINUTES: u32 = 960;
/// The window of the DUO rule: 4 consecutive school weeks; weeks without school days are skipped
/// (*law* art. 21a "vier opeenvolgende lesweken"; SPEC §12).
pub const DUO_WINDOW_SCHOOL_WEEKS: usize = 4;
/// Unauthorized absence for more than this many consecutive school weeks is long absence
/// ("langdurig relatief verzuim", the category of DUO's verzuimregister and the attendance
/// officers' practice; not a number in the Leerplichtwet itself — our reading, to confirm with the
/// attendance officer).
pub const LONG_ABSENCE_SCHOOL_WEEKS: usize = 4;
/// A break this many calendar days long (weekends included) is "a holiday of a week or more" for
/// the luxury-absence heuristic: our choice (a Monday–Friday holiday with its weekends is 9).
pub const LUXURY_BREAK_MIN_DAYS: i64 = 7;

/// Minutes of unauthorized absence on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountedAbsence {
    pub date: NaiveDate,
    pub minutes: u32,
}

/// 16 hours reached within 4 consecutive school weeks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuoSignal {
    /// The Monday of the window's first school week.
    pub window_first: NaiveDate,
    /// The Sunday of the window's last school week.
    pub window_last: NaiveDate,
    /// The day the threshold was reached (the last day counted).
    pub reached_on: NaiveDate,
    pub total_minutes: u32,
    /// The days that make up the total, per date (minutes of one date summed).
    pub days: Vec<CountedAbsence>,
}

/// School days and school weeks of several calendars, merged.
struct Merged {
    days: Vec<NaiveDate>,
    mondays: Vec<NaiveDate>,
}

fn merged(calendars: &[SchoolCalendar]) -> Merged {
    let days: BTreeSet<NaiveDate> = calendars
        .iter()
        .flat_map(|c| c.school_days(c.year().starts_on(), c.year().ends_on()))
        .collect();
    let mondays: BTreeSet<NaiveDate> = days.iter().map(|d| monday_of(*d)).collect();
    Merged {
        days: days.into_iter().collect(),
        mondays: mondays.into_iter().collect(),
    }
}

impl Merged {
    fn week(&self, date: NaiveDate) -> Option<usize> {
        self.mondays.binary_search(&monday_of(date)).ok()
    }
}

/// The DUO signals of one pupil. Absence on a date on or before `last_reported` (the date the
/// school last reported the pupil to DUO) does not count again; neither does absence outside any
/// school week. Each time the total of the 4 school weeks ending with an absence's week (counting
/// only absence after the last report or signal, up to that day) reaches 960 minutes, a signal is
/// raised and counting starts again after that day: a signal stands for the report that follows
/// it, so the next one needs 16 new hours. The result does not depend on the input's order.
pub fn duo_signals(
    calendars: &[SchoolCalendar],
    absences: &[CountedAbsence],
    last_reported: Option<NaiveDate>,
) -> Vec<DuoSignal> {
    let m = merged(calendars);
    let mut per_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for a in absences {
        if m.week(a.date).is_some() && last_reported.is_none_or(|r| a.date > r) {
            *per_day.entry(a.date).or_default() += a.minutes;
        }
    }
    let mut signals = Vec::new();
    let mut counted_after: Option<NaiveDate> = None;
    for &day in per_day.keys() {
        let Some(week) = m.week(day) else { continue };
        let first_week = week.saturating_sub(DUO_WINDOW_SCHOOL_WEEKS - 1);
        let from = m.mondays[first_week];
        let days: Vec<CountedAbsence> = per_day
            .range(from..=day)
            .filter(|(d, _)| counted_after.is_none_or(|after| **d > after))
            .map(|(d, minutes)| CountedAbsence {
                date: *d,
                minutes: *minutes,
            })
            .collect();
        let total: u32 = days.iter().map(|d| d.minutes).sum();
        if total >= DUO_THRESHOLD_MINUTES {
            signals.push(DuoSignal {
                window_first: from,
                window_last: monday_of(day) + chrono::Days::new(6),
                reached_on: day,
                total_minutes: total,
                days,
            });
            counted_after = Some(day);
        }
    }
    signals
}

/// A run of unauthorized absence longer than [`LONG_ABSENCE_SCHOOL_WEEKS`] school weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongAbsence {
    pub first_day: NaiveDate,
    /// The school day on which the run became longer than 4 school weeks.
    pub reached_on: NaiveDate,
    /// The run's last school day so far.
    pub last_day: NaiveDate,
}

/// Runs of consecutive school days all absent without authorization that last more than 4 school
/// weeks: from a first day, the run reaches the same weekday 4 school weeks later (holiday weeks
/// skipped) — Monday of week 1 to Monday of week 5 is 4 weeks and a day.
pub fn long_absences(calendars: &[SchoolCalendar], absent: &[NaiveDate]) -> Vec<LongAbsence> {
    let m = merged(calendars);
    let absent: BTreeSet<NaiveDate> = absent.iter().copied().collect();
    let mut found = Vec::new();
    let mut run: Option<(NaiveDate, Option<NaiveDate>, NaiveDate)> = None;
    for &day in &m.days {
        if !absent.contains(&day) {
            if let Some((first_day, Some(reached_on), last_day)) = run.take() {
                found.push(LongAbsence {
                    first_day,
                    reached_on,
                    last_day,
                });
            }
            continue;
        }
        let (first, reached, _) = run.unwrap_or((day, None, day));
        let weeks = match (m.week(first), m.week(day)) {
            (Some(a), Some(b)) => b - a,
            _ => 0,
        };
        let long = weeks > LONG_ABSENCE_SCHOOL_WEEKS
            || (weeks == LONG_ABSENCE_SCHOOL_WEEKS
                && day.weekday().num_days_from_monday() >= first.weekday().num_days_from_monday());
        let reached = reached.or(long.then_some(day));
        run = Some((first, reached, day));
    }
    if let Some((first_day, Some(reached_on), last_day)) = run {
        found.push(LongAbsence {
            first_day,
            reached_on,
            last_day,
        });
    }
    found
}

/// Days of absence (sick or unauthorized: the caller filters) on the school day right before or
/// right after a holiday of a week or more ([`LUXURY_BREAK_MIN_DAYS`]): possible luxury absence
/// ("luxeverzuim") the school may want to ask about. Our heuristic, not a rule of law; sorted.
pub fn suspected_luxury_absence(
    calendars: &[SchoolCalendar],
    absent: &[NaiveDate],
) -> Vec<NaiveDate> {
    let m = merged(calendars);
    let holiday = |d: NaiveDate| {
        calendars
            .iter()
            .any(|c| c.day_kind(d) == Some(DayKind::Holiday))
    };
    let mut edges = BTreeSet::new();
    for pair in m.days.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        let gap = (after - before).num_days() - 1;
        let inside = || {
            dates(
                before.succ_opt().unwrap_or(before),
                after.pred_opt().unwrap_or(after),
            )
        };
        if gap >= LUXURY_BREAK_MIN_DAYS && inside().any(holiday) {
            edges.insert(before);
            edges.insert(after);
        }
    }
    let absent: BTreeSet<NaiveDate> = absent.iter().copied().collect();
    absent.intersection(&edges).copied().collect()
}

#[cfg(test)]
mod tests;
