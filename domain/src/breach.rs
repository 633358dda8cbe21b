//! Data breaches (datalekken). When personal data may have reached someone who should not have it,
//! the board must assess it and, unless it is unlikely to be a risk, report it to the Autoriteit
//! Persoonsgegevens within 72 hours (seed 002 §4; AVG art. 33 lid 1). The breach report answers
//! the first question of that assessment from the audit log: whose data was read or changed in a
//! time window, and by whom.
//!
//! The audit log holds actions and outcomes, not "reads" and "changes"; [`classify`] is the one
//! place that says which is which. The database aggregates with the same rule
//! (`persistence::breach`), built from the constants here.

use chrono::{DateTime, Duration, Utc};

use crate::Invalid;

/// Who asked the question and was not let in: a 403 (`forbidden`) or a 404 of a known caller
/// (`not_found`: out of scope or absent, one answer by design).
pub const REFUSAL_OUTCOMES: [&str; 2] = ["forbidden", "not_found"];

/// The outcome of an act that happened.
pub const OK: &str = "ok";

/// Actions that read and change nothing: a read of one object, and running a breach report
/// (it reads the audit log, which holds no personal data).
pub const READ_ACTIONS: [&str; 2] = ["read", BREACH_REPORT];

/// Prefixes of actions that read: lists (`list_pupils`, `list_leave_requests`) and named reads
/// (`read_absence`; `read_audit_log` when refused).
pub const READ_PREFIXES: [&str; 2] = ["list_", "read_"];

/// The audit action of running a breach report.
pub const BREACH_REPORT: &str = "breach_report";

/// The longest window one report covers: a year and a day, enough to look back over a school
/// year; longer questions are several reports.
pub const MAX_WINDOW_DAYS: i64 = 366;

/// At most this many objects, and this many accounts, to ask about in one report.
pub const MAX_IDS: usize = 100;

/// At most this many objects, and this many actors, in one report; beyond it the report says it
/// is truncated (the totals still count everything).
pub const MAX_ROWS: usize = 500;

/// At most this many actors listed per object.
pub const MAX_ACTORS_PER_OBJECT: usize = 100;

/// What an audit event means for a breach assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventClass {
    /// Personal data was shown to the actor.
    Read,
    /// The actor did something else that happened: created, changed, deleted, sent, decided.
    Change,
    /// The actor was refused (403) or the object was out of its reach (404).
    Refusal,
    /// Neither happened nor refused (`failed`, `held`, …): counted as an event, nothing more.
    Other,
}

/// Classifies an audit event. Refusal wins over the action: a refused read showed nothing.
pub fn classify(action: &str, outcome: &str) -> EventClass {
    if REFUSAL_OUTCOMES.contains(&outcome) {
        EventClass::Refusal
    } else if outcome != OK {
        EventClass::Other
    } else if is_read(action) {
        EventClass::Read
    } else {
        EventClass::Change
    }
}

/// Whether an action only reads.
pub fn is_read(action: &str) -> bool {
    READ_ACTIONS.contains(&action) || READ_PREFIXES.iter().any(|p| action.starts_with(p))
}

/// The time window of a report: `[from, until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    from: DateTime<Utc>,
    until: DateTime<Utc>,
}

impl Window {
    /// A window that ends after it starts and spans at most [`MAX_WINDOW_DAYS`]. The refusal
    /// names the field it is about (`until`).
    pub fn new(from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Window, Invalid> {
        if until <= from {
            return Err(Invalid::new("before_from", "must be after `from`"));
        }
        if until - from > Duration::days(MAX_WINDOW_DAYS) {
            return Err(Invalid::new(
                "too_long",
                format!("must be at most {MAX_WINDOW_DAYS} days after `from`"),
            ));
        }
        Ok(Window { from, until })
    }

    pub fn from(&self) -> DateTime<Utc> {
        self.from
    }

    pub fn until(&self) -> DateTime<Utc> {
        self.until
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn events_are_classified_by_outcome_then_action() {
        let cases = [
            ("read", "ok", EventClass::Read),
            ("list_pupils", "ok", EventClass::Read),
            ("list_leave_requests", "ok", EventClass::Read),
            ("read_absence", "ok", EventClass::Read),
            ("breach_report", "ok", EventClass::Read),
            ("create", "ok", EventClass::Change),
            ("update", "ok", EventClass::Change),
            ("delete", "ok", EventClass::Change),
            ("report_absence", "ok", EventClass::Change),
            ("decide_change_request", "ok", EventClass::Change),
            // A refused read showed nothing.
            ("read", "forbidden", EventClass::Refusal),
            ("read_audit_log", "forbidden", EventClass::Refusal),
            ("get", "not_found", EventClass::Refusal),
            ("create", "forbidden", EventClass::Refusal),
            ("roster_sync", "failed", EventClass::Other),
            ("roster_sync", "held", EventClass::Other),
            // Only the prefix counts, not a word that merely starts alike.
            ("listen", "ok", EventClass::Change),
            ("reader", "ok", EventClass::Change),
        ];
        for (action, outcome, class) in cases {
            assert_eq!(classify(action, outcome), class, "{action}/{outcome}");
        }
    }

    #[test]
    fn the_constants_are_plain_words() {
        // The database's rule embeds them as SQL literals: nothing to quote or escape.
        let words = REFUSAL_OUTCOMES
            .iter()
            .chain(READ_ACTIONS.iter())
            .chain(READ_PREFIXES.iter())
            .chain([OK].iter());
        for word in words {
            assert!(
                !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{word}"
            );
        }
    }

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_window_ends_after_it_starts() {
        assert!(Window::new(at(2, 8), at(2, 9)).is_ok());
        assert_eq!(
            Window::new(at(2, 8), at(2, 8)).unwrap_err().code,
            "before_from"
        );
        assert_eq!(
            Window::new(at(2, 9), at(2, 8)).unwrap_err().code,
            "before_from"
        );
    }

    #[test]
    fn a_window_spans_at_most_366_days() {
        let from = at(1, 0);
        assert!(Window::new(from, from + Duration::days(366)).is_ok());
        let long = Window::new(from, from + Duration::days(366) + Duration::seconds(1));
        assert_eq!(long.unwrap_err().code, "too_long");
    }
}
