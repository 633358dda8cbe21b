//! The contract's shapes of notifications, with typed enums, and their conversions.

use chrono::{DateTime, NaiveTime, Utc};
use domain::notify::{EmailContent, EventKind, Preference, QuietHours, SchoolSettings};
use persistence::notify::InboxItem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::error::{ApiError, FieldError};
use crate::services::notify::settings::Choices;

/// The kind of event a notification is about (the same names as webhook events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum EventType {
    #[serde(rename = "news.published")]
    NewsPublished,
    #[serde(rename = "news.confirmation_requested")]
    NewsConfirmationRequested,
    #[serde(rename = "change_request.decided")]
    ChangeRequestDecided,
    #[serde(rename = "leave.decided")]
    LeaveDecided,
    /// Staff registered a pupil absent while no guardian reported it (at a school that switched
    /// this notice on). Object: `absence`.
    #[serde(rename = "absence.unreported")]
    AbsenceUnreported,
    #[serde(rename = "planner.published")]
    PlannerPublished,
    #[serde(rename = "planner.booking_cancelled")]
    PlannerBookingCancelled,
    #[serde(rename = "planner.reminder")]
    PlannerReminder,
    #[serde(rename = "planner.conversation_reminder")]
    PlannerConversationReminder,
    /// A sign-up form opened for the guardian's children. Object: `form`.
    #[serde(rename = "forms.opened")]
    FormsOpened,
    /// A sign-up form's author reminded those who have not responded. Object: `form`.
    #[serde(rename = "forms.reminder")]
    FormsReminder,
    /// A household on a form's waiting list got a place. Object: `form`.
    #[serde(rename = "forms.place_given")]
    FormsPlaceGiven,
    /// A ranked form's allocation ran. Object: `form`.
    #[serde(rename = "forms.allocated")]
    FormsAllocated,
}
same_enum!(
    EventType,
    EventKind,
    [
        NewsPublished,
        NewsConfirmationRequested,
        ChangeRequestDecided,
        LeaveDecided,
        AbsenceUnreported,
        PlannerPublished,
        PlannerBookingCancelled,
        PlannerReminder,
        PlannerConversationReminder,
        FormsOpened,
        FormsReminder,
        FormsPlaceGiven,
        FormsAllocated
    ]
);

/// What a notification refers to; the app fetches it with the person's token.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ObjectRef {
    /// `news_post`, `change_request` or `leave_request`.
    #[schema(max_length = 32, pattern = "^[a-z_]+$")]
    pub kind: String,
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
}

/// An item of the caller's inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub r#type: EventType,
    pub object: ObjectRef,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    /// The message's title as it was sent (a post edited since shows its new title when opened).
    #[schema(max_length = 200)]
    pub title: String,
    /// The caller's children it concerns, named together ("Sanne en Daan"); empty when none.
    #[schema(max_length = 1000)]
    pub children: String,
    pub urgent: bool,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_at: Option<DateTime<Utc>>,
}

impl TryFrom<InboxItem> for Notification {
    type Error = ApiError;

    fn try_from(item: InboxItem) -> Result<Self, ApiError> {
        let kind = EventKind::parse(&item.kind)
            .ok_or_else(|| ApiError::internal(format!("unknown event kind {:?}", item.kind)))?;
        Ok(Notification {
            r#type: kind.into(),
            object: ObjectRef {
                kind: kind.object_kind().to_owned(),
                id: item.object_id,
            },
            id: item.id,
            school_id: item.school_id,
            title: item.title,
            children: item.children,
            urgent: item.urgent,
            created_at: item.created_at.and_utc(),
            read_at: item.read_at.map(|at| at.and_utc()),
        })
    }
}

/// A page of the caller's inbox, newest first, and how many items they have not read.
#[derive(Debug, Serialize, ToSchema)]
pub struct Inbox {
    #[schema(max_items = 100)]
    pub items: Vec<Notification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Uuid, max_length = 36)]
    pub next_cursor: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub unread: i64,
}

/// How many items were marked read.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub marked: u32,
}

/// How a person hears of ordinary messages by e-mail; urgent ones reach them whatever they pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailPreference {
    /// Each message on its own, after quiet hours.
    Immediate,
    /// One overview a day plus urgent messages at once (the default, seed 003).
    DailyDigest,
    /// Only urgent messages (and requests to confirm).
    Off,
}
same_enum!(EmailPreference, Preference, [Immediate, DailyDigest, Off]);

/// The caller's own notification choices.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferences {
    pub email: EmailPreference,
    /// Grade notifications: sent only when the school has switched them on too (seed 004).
    pub grade_notifications: bool,
}

impl From<Choices> for NotificationPreferences {
    fn from(choices: Choices) -> Self {
        NotificationPreferences {
            email: choices.email.into(),
            grade_notifications: choices.grades,
        }
    }
}

impl From<NotificationPreferences> for Choices {
    fn from(dto: NotificationPreferences) -> Self {
        Choices {
            email: dto.email.into(),
            grades: dto.grade_notifications,
        }
    }
}

/// What e-mails about a message say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailContent {
    /// The message itself.
    Full,
    /// Only that there is a new message, to be read in the app.
    NoticeOnly,
}
same_enum!(MailContent, EmailContent, [Full, NoticeOnly]);

/// A period of Amsterdam clock times; it wraps midnight when `start` is later than `end`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockPeriod {
    /// The first quiet minute, `HH:MM`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", max_length = 5)]
    pub start: String,
    /// The first minute no longer quiet, `HH:MM`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", max_length = 5)]
    pub end: String,
}

/// A school's notification settings (SPEC §6, seeds 003 and 004). The times are checked when
/// converted (one error per wrong field).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SchoolNotificationSettings {
    /// Nothing but urgent messages reaches guardians in this period (default 17:00–07:00);
    /// `null` for none.
    pub quiet_hours: Option<ClockPeriod>,
    /// When the daily overview goes out, `HH:MM` Amsterdam (default 16:00); held to the end of
    /// quiet hours if it falls inside them.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", max_length = 5)]
    pub daily_overview_at: String,
    pub email_content: MailContent,
    /// Whether the school sends grade notifications (to guardians who opted in too).
    pub grade_notifications: bool,
}

fn hhmm(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

fn clock(field: &str, value: &str) -> Result<NaiveTime, FieldError> {
    is_clock(value)
        .then(|| NaiveTime::parse_from_str(value, "%H:%M").ok())
        .flatten()
        .ok_or_else(|| FieldError::new(field, "invalid_time", "is not a time HH:MM".to_owned()))
}

/// Whether a value has the shape `HH:MM` (chrono alone also takes `7:00`); the range is chrono's.
fn is_clock(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 5
        && bytes[2] == b':'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 2 || b.is_ascii_digit())
}

impl From<SchoolSettings> for SchoolNotificationSettings {
    fn from(settings: SchoolSettings) -> Self {
        SchoolNotificationSettings {
            quiet_hours: settings.quiet_hours.map(|q| ClockPeriod {
                start: hhmm(q.start()),
                end: hhmm(q.end()),
            }),
            daily_overview_at: hhmm(settings.digest_time),
            email_content: settings.email_content.into(),
            grade_notifications: settings.grade_notifications,
        }
    }
}

impl TryFrom<SchoolNotificationSettings> for SchoolSettings {
    type Error = ApiError;

    fn try_from(dto: SchoolNotificationSettings) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let digest = clock("daily_overview_at", &dto.daily_overview_at).map_err(|e| errors.push(e));
        let quiet = match &dto.quiet_hours {
            None => Ok(None),
            Some(period) => {
                let start = clock("quiet_hours.start", &period.start);
                let end = clock("quiet_hours.end", &period.end);
                match (start, end) {
                    (Ok(start), Ok(end)) => QuietHours::new(start, end).map(Some).map_err(|err| {
                        errors.push(FieldError::new(
                            "quiet_hours.end",
                            "same_as_start",
                            err.to_string(),
                        ))
                    }),
                    (start, end) => {
                        errors.extend(start.err());
                        errors.extend(end.err());
                        Err(())
                    }
                }
            }
        };
        match (digest, quiet) {
            (Ok(digest_time), Ok(quiet_hours)) if errors.is_empty() => Ok(SchoolSettings {
                quiet_hours,
                digest_time,
                email_content: dto.email_content.into(),
                grade_notifications: dto.grade_notifications,
            }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}
