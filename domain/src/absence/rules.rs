//! The pure rules of an absence report: when it is late, which day it starts by default, what
//! it may hold, how many minutes it costs, and until when a guardian may change it. Time comes in
//! as UTC and is read in Europe/Amsterdam (SPEC §13).

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Europe::Amsterdam;

use super::{
    AbsenceReason, AbsenceSettings, MAX_GUARDIAN_SCHOOL_DAYS, MAX_NOTE_LENGTH, ReasonKind,
    ReportAbsence, ReportState, Reporter,
};
use crate::Invalid;
use crate::calendar::SchoolCalendar;
use crate::change_request::{Refusal, refusal};

/// A report as accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessedReport {
    pub reason: AbsenceReason,
    pub first_day: NaiveDate,
    /// `None`: open until reported better.
    pub last_day: Option<NaiveDate>,
    /// School days covered (the first day alone for an open report).
    pub school_days: u32,
    /// Minutes of teaching missed (given, or from the calendar's lesson times).
    pub minutes: u32,
    /// Made for today after the cut-off: the school calls the guardian (seed 003).
    pub late: bool,
}

/// The Amsterdam date and clock reading at `now`, the clock to the minute.
fn local_minute(now: DateTime<Utc>) -> (NaiveDate, NaiveTime) {
    let local = now.with_timezone(&Amsterdam).naive_local();
    let minute = NaiveTime::from_hms_opt(local.hour(), local.minute(), 0).unwrap_or(local.time());
    (local.date(), minute)
}

/// Whether the Amsterdam clock has passed the cut-off on its date. Compared to the minute: a
/// report at 08:00:59 is made "at 08:00" and is on time, one at 08:01:00 is late. "Before 08:00"
/// (seed 003) read as a parent reads the clock on their phone, which shows minutes.
fn past_cutoff(now: DateTime<Utc>, cutoff: NaiveTime) -> bool {
    local_minute(now).1 > cutoff
}

/// Whether a report starting on `first_day`, made at `now`, is late: it is for today (Amsterdam)
/// and made after the cut-off.
pub fn is_late(now: DateTime<Utc>, first_day: NaiveDate, cutoff: NaiveTime) -> bool {
    local_minute(now).0 == first_day && past_cutoff(now, cutoff)
}

/// The day a new report starts on unless the guardian picks another: today when it is a school
/// day and the cut-off has not passed, else the next school day.
pub fn default_first_day(
    calendar: &SchoolCalendar,
    now: DateTime<Utc>,
    cutoff: NaiveTime,
) -> Option<NaiveDate> {
    let (today, _) = local_minute(now);
    if calendar.is_school_day(today) && !past_cutoff(now, cutoff) {
        Some(today)
    } else {
        calendar.next_school_day(today)
    }
}

/// Whether a guardian may still change or withdraw a report: while it is `Reported` and its first
/// day has not started. A school day starts at the cut-off (the moment the school acts on the
/// reports): a report for tomorrow can be changed tonight and tomorrow until 08:00 (to the
/// minute, as [`is_late`]); a late report for today no longer can (the school is already
/// calling). Staff change reports at any time.
pub fn may_change(
    state: ReportState,
    first_day: NaiveDate,
    now: DateTime<Utc>,
    cutoff: NaiveTime,
) -> bool {
    let (today, _) = local_minute(now);
    state == ReportState::Reported
        && (today < first_day || (today == first_day && !past_cutoff(now, cutoff)))
}

/// The teaching minutes of `first..=last` for the group (school days only).
pub fn report_minutes(
    calendar: &SchoolCalendar,
    group: Option<uuid::Uuid>,
    first: NaiveDate,
    last: NaiveDate,
) -> u32 {
    calendar.teaching_minutes_between(group, first, last)
}

fn check_reason(reason: &AbsenceReason, refusals: &mut Vec<Refusal>) -> AbsenceReason {
    let note = reason
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    match note {
        None if reason.kind.needs_note() => refusals.push(refusal(
            "reason.note",
            Invalid::new("required", "must say what the absence is for"),
        )),
        Some(n) if n.chars().count() > MAX_NOTE_LENGTH => refusals.push(refusal(
            "reason.note",
            Invalid::new(
                "too_long",
                format!("is longer than {MAX_NOTE_LENGTH} characters"),
            ),
        )),
        Some(n) if n.chars().any(char::is_control) => refusals.push(refusal(
            "reason.note",
            Invalid::new("invalid_characters", "contains control characters"),
        )),
        _ => {}
    }
    AbsenceReason {
        kind: reason.kind,
        note: note.map(str::to_owned),
    }
}

/// Checks a report. Refused, naming the field: a missing or over-long note; a first day outside
/// the calendar's school year, or (for a guardian) before today; a last day before the first;
/// a range without school days; for a guardian, more than [`MAX_GUARDIAN_SCHOOL_DAYS`]; minutes
/// for more than one day, none, or more than the day's teaching time.
pub fn assess(
    report: &ReportAbsence,
    reporter: Reporter,
    calendar: &SchoolCalendar,
    settings: &AbsenceSettings,
    now: DateTime<Utc>,
) -> Result<AssessedReport, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let reason = check_reason(&report.reason, &mut refusals);
    let (today, _) = local_minute(now);
    let first = report.first_day;
    if !calendar.contains(first) {
        refusals.push(refusal(
            "first_day",
            Invalid::new("outside_school_year", "lies outside the school year"),
        ));
    } else if reporter == Reporter::Guardian && first < today {
        refusals.push(refusal(
            "first_day",
            Invalid::new("in_the_past", "lies before today"),
        ));
    }
    let last_day = match (report.last_day, reason.kind) {
        (None, ReasonKind::Sick) => None,
        (None, _) => Some(first),
        (Some(last), _) => Some(last),
    };
    let counted_last = last_day.unwrap_or(first);
    if counted_last < first {
        refusals.push(refusal(
            "last_day",
            Invalid::new("before_first_day", "lies before the first day"),
        ));
    } else if !calendar.contains(counted_last) {
        refusals.push(refusal(
            "last_day",
            Invalid::new("outside_school_year", "lies outside the school year"),
        ));
    }
    let school_days = calendar.count_school_days(first, counted_last);
    if refusals.is_empty() && school_days == 0 {
        refusals.push(refusal(
            "first_day",
            Invalid::new("no_school_days", "the days given hold no school day"),
        ));
    }
    if reporter == Reporter::Guardian && school_days > MAX_GUARDIAN_SCHOOL_DAYS {
        refusals.push(refusal(
            "last_day",
            Invalid::new(
                "too_long",
                format!(
                    "covers more than {MAX_GUARDIAN_SCHOOL_DAYS} school days; contact the school"
                ),
            ),
        ));
    }
    let full = report_minutes(calendar, report.group_id, first, counted_last);
    let minutes = match report.minutes {
        None => full,
        Some(_) if last_day != Some(first) => {
            refusals.push(refusal(
                "minutes",
                Invalid::new("single_day_only", "can only be given for a single day"),
            ));
            full
        }
        Some(0) => {
            refusals.push(refusal(
                "minutes",
                Invalid::new("required", "must be more than 0"),
            ));
            full
        }
        Some(m) if m > full => {
            refusals.push(refusal(
                "minutes",
                Invalid::new(
                    "exceeds_teaching_time",
                    format!("exceeds the day's {full} minutes of teaching"),
                ),
            ));
            full
        }
        Some(m) => m,
    };
    if !refusals.is_empty() {
        return Err(refusals);
    }
    Ok(AssessedReport {
        reason,
        first_day: first,
        last_day,
        school_days,
        minutes,
        late: is_late(now, first, settings.cutoff),
    })
}

/// The last day of an open (sick) report when the pupil is back on `back_on`: the school day
/// before it. Refused (`back_on`) when that is before the report's first day.
pub fn close_open_report(
    calendar: &SchoolCalendar,
    first_day: NaiveDate,
    back_on: NaiveDate,
) -> Result<NaiveDate, Refusal> {
    match calendar.previous_school_day(back_on) {
        Some(last) if last >= first_day => Ok(last),
        _ => Err(refusal(
            "back_on",
            Invalid::new(
                "before_first_day",
                "must be after the first school day absent",
            ),
        )),
    }
}

#[cfg(test)]
mod tests;
