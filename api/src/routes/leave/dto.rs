//! The contract's shapes of leave requests, with typed enums, and their conversions.

use chrono::{DateTime, NaiveDate, Utc};
use domain::leave::{Decider, LeaveKind, LeaveState, MAX_REASON_LENGTH, Outcome};
use persistence::leave::{StoredLeave, Warning};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::services::leave::NewLeaveRequest;

/// The ground of the law a request rests on (Leerplichtwet 1969).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeaveRequestKind {
    /// Vakantieverlof (art. 13a): a parent's job allows no holiday in the school holidays; needs
    /// the employer's statement. Once per school year, at most 10 school days, not in the first
    /// two school weeks.
    Holiday,
    /// Gewichtige omstandigheden (art. 14): a wedding, a funeral, serious illness; give the reason.
    ImportantCircumstances,
    /// Religious obligations (art. 13): a notification, at least 2 days ahead.
    Religious,
    /// A five-year-old kept home some hours a week (art. 11a): up to 5 by notification, up to 10
    /// with the director's consent.
    FiveYearOld,
}
same_enum!(
    LeaveRequestKind,
    LeaveKind,
    [Holiday, ImportantCircumstances, Religious, FiveYearOld]
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeaveRequestState {
    /// Awaits the director's decision.
    Pending,
    /// A notification, taken note of: the leave stands.
    Noted,
    Approved,
    Rejected,
    /// Sent to the attendance officer, whose decision is awaited.
    Forwarded,
    OfficerApproved,
    OfficerRejected,
    Withdrawn,
}
same_enum!(
    LeaveRequestState,
    LeaveState,
    [
        Pending,
        Noted,
        Approved,
        Rejected,
        Forwarded,
        OfficerApproved,
        OfficerRejected,
        Withdrawn
    ]
);

/// Who decides: nobody (a notification), the director, or the attendance officer (art. 14 leave
/// beyond 10 school days in a school year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeaveDecider {
    Notification,
    Director,
    AttendanceOfficer,
}
same_enum!(
    LeaveDecider,
    Decider,
    [Notification, Director, AttendanceOfficer]
);

/// A leave request as a guardian submits it.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "holiday",
    "first_day": "2027-03-08",
    "last_day": "2027-03-12",
    "employer_statement": "werkgeversverklaring-2027-03.pdf"
}))]
pub struct LeaveRequestInput {
    pub kind: LeaveRequestKind,
    /// The first day away.
    pub first_day: NaiveDate,
    /// The last day away (the same as `first_day` for one day).
    pub last_day: NaiveDate,
    /// The reasons (required for important circumstances).
    #[schema(max_length = 2000)]
    #[validate(length(max = 2000))]
    pub reason: Option<String>,
    /// The reference of the attached statement of the employer (required for holiday leave).
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub employer_statement: Option<String>,
    /// Minutes a week kept home (five-year-olds; required for them).
    #[schema(minimum = 1, maximum = 2400)]
    #[validate(range(min = 1, max = 2400))]
    pub minutes_per_week: Option<u32>,
}

impl From<LeaveRequestInput> for NewLeaveRequest {
    fn from(input: LeaveRequestInput) -> Self {
        NewLeaveRequest {
            kind: input.kind.into(),
            first_day: input.first_day,
            last_day: input.last_day,
            reason: input.reason,
            employer_statement: input.employer_statement,
            minutes_per_week: input.minutes_per_week,
        }
    }
}

/// A rule the request broke when it was submitted, as a warning for the director (a request that
/// breaks the law is not accepted at all).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaveWarning {
    /// The rule's stable code, e.g. `holiday_late_submission`.
    #[schema(max_length = 64, example = "holiday_late_submission")]
    pub code: String,
    #[schema(max_length = 500)]
    pub message_nl: String,
    #[schema(max_length = 500)]
    pub message_en: String,
}

impl From<Warning> for LeaveWarning {
    fn from(w: Warning) -> Self {
        LeaveWarning {
            code: w.code,
            message_nl: w.nl,
            message_en: w.en,
        }
    }
}

fn utc(at: Option<chrono::NaiveDateTime>) -> Option<DateTime<Utc>> {
    at.map(|t| t.and_utc())
}

/// A leave request with its warnings and decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaveRequest {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    pub kind: LeaveRequestKind,
    /// The article of the Leerplichtwet 1969 it rests on, e.g. `art. 13a`.
    #[schema(max_length = 16, example = "art. 13a")]
    pub article: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The school days asked for, on the school's calendar.
    #[schema(minimum = 0, maximum = 400)]
    pub school_days: u32,
    /// The date (Amsterdam) it was submitted on.
    pub submitted_on: NaiveDate,
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
    #[schema(max_length = 200)]
    pub employer_statement: Option<String>,
    #[schema(minimum = 1, maximum = 2400)]
    pub minutes_per_week: Option<u32>,
    pub state: LeaveRequestState,
    pub decider: LeaveDecider,
    #[schema(max_items = 20)]
    pub warnings: Vec<LeaveWarning>,
    /// When the director decided (or the guardian withdrew).
    pub decided_at: Option<DateTime<Utc>>,
    /// The director's reason (a rejection's is always given).
    #[schema(max_length = 2000)]
    pub decision_reason: Option<String>,
    /// When the attendance officer's decision was recorded.
    pub officer_decided_at: Option<DateTime<Utc>>,
    #[schema(max_length = 2000)]
    pub officer_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<StoredLeave> for LeaveRequest {
    fn from(r: StoredLeave) -> Self {
        LeaveRequest {
            article: r.kind.article().to_owned(),
            kind: r.kind.into(),
            state: r.state.into(),
            decider: r.decider.into(),
            warnings: r.warnings.into_iter().map(Into::into).collect(),
            decided_at: utc(r.decided_at),
            officer_decided_at: utc(r.officer_recorded_at),
            created_at: r.created_at.and_utc(),
            id: r.id,
            school_id: r.school_id,
            pupil_id: r.pupil_id,
            first_day: r.first_day,
            last_day: r.last_day,
            school_days: r.school_days,
            submitted_on: r.submitted_on,
            reason: r.reason,
            employer_statement: r.employer_statement,
            minutes_per_week: r.minutes_per_week,
            decision_reason: r.decision_reason,
            officer_reason: r.officer_reason,
        }
    }
}

/// The director's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeaveOutcome {
    Approved,
    /// Needs a `reason`, which the guardians see.
    Rejected,
    /// To the attendance officer: only art. 14 leave beyond the director's 10 school days.
    Forwarded,
}

#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "rejected", "reason": "Geen werkgeversverklaring bijgevoegd."}))]
pub struct LeaveDecisionInput {
    pub outcome: LeaveOutcome,
    #[schema(max_length = 2000)]
    #[validate(length(max = 2000))]
    pub reason: Option<String>,
}

impl LeaveDecisionInput {
    pub fn outcome(self) -> Outcome {
        match self.outcome {
            LeaveOutcome::Approved => Outcome::Approved,
            LeaveOutcome::Forwarded => Outcome::Forwarded,
            LeaveOutcome::Rejected => Outcome::Rejected {
                reason: self.reason.unwrap_or_default(),
            },
        }
    }
}

/// The attendance officer's decision on a forwarded request, as the school records it.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"granted": true, "reason": "Gehoord de directeur."}))]
pub struct OfficerDecisionInput {
    pub granted: bool,
    /// Required when not granted.
    #[schema(max_length = 2000)]
    #[validate(length(max = 2000))]
    pub reason: Option<String>,
}

const _: () = assert!(MAX_REASON_LENGTH == 2000);

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaveQueueParams {
    /// How many requests to return, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(format = Uuid, max_length = 36)]
    pub cursor: Option<Uuid>,
    /// Only requests in this state (the director's queue: `pending`).
    #[param(inline)]
    pub state: Option<LeaveRequestState>,
}
