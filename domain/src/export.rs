//! The access export (AVG art. 15, issue #14 item 4): a guardian downloads everything the portal
//! holds about them and their children. A job collects it in the background, section by section.

use chrono::{DateTime, Duration, Utc};

/// How long a finished export's document is kept. Our choice: long enough to download it at a
/// convenient moment, short enough that a copy of everything does not linger (AVG art. 5(1)(e)).
pub const KEEP_DAYS: i64 = 7;

/// How long a worker's claim on a job holds: longer than collecting one account's data takes, so
/// a job whose instance died is taken up again after it.
pub const LEASE_SECONDS: i64 = 300;

/// Until when a document finished at `finished_at` can be downloaded.
pub fn expires_at(finished_at: DateTime<Utc>) -> DateTime<Utc> {
    finished_at + Duration::days(KEEP_DAYS)
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportState {
    Queued,
    Running,
    Done,
    Failed,
}

impl ExportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportState::Queued => "queued",
            ExportState::Running => "running",
            ExportState::Done => "done",
            ExportState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<ExportState> {
        match value {
            "queued" => Some(ExportState::Queued),
            "running" => Some(ExportState::Running),
            "done" => Some(ExportState::Done),
            "failed" => Some(ExportState::Failed),
            _ => None,
        }
    }

    /// Queued or running: the one job an account may have at a time.
    pub fn is_active(self) -> bool {
        matches!(self, ExportState::Queued | ExportState::Running)
    }
}

/// The document's sections, in the order the worker collects them; progress advances per section.
pub const SECTIONS: [&str; 13] = [
    "account",
    "guardians",
    "children",
    "groups",
    "consents",
    "medical_notes",
    "absences",
    "leave_requests",
    "bookings",
    "form_responses",
    "change_requests",
    "news",
    "notifications_and_audit",
];

/// Progress in percent after `done` of `SECTIONS` (100 only when the document is stored).
pub fn progress(done: usize) -> i32 {
    let share = done.min(SECTIONS.len()) * 99 / SECTIONS.len();
    i32::try_from(share).unwrap_or(99)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for state in [
            ExportState::Queued,
            ExportState::Running,
            ExportState::Done,
            ExportState::Failed,
        ] {
            assert_eq!(ExportState::parse(state.as_str()), Some(state));
        }
        assert_eq!(ExportState::parse("paused"), None);
    }

    #[test]
    fn progress_stays_below_done_until_stored() {
        assert_eq!(progress(0), 0);
        assert!(progress(SECTIONS.len()) < 100);
        assert!(progress(5) > progress(4));
    }
}
