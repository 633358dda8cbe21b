//! The contract's shapes of webhook endpoints, deliveries and the event payload, with typed
//! enums, and their conversions to and from the domain's.

use chrono::{DateTime, Utc};
use domain::notify::EventKind;
use domain::notify::webhook_delivery::{DeliveryState, DisabledReason, FailureClass};
use persistence::webhooks::{Attempt, Delivery, Endpoint};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::error::ApiError;

/// An event type, as the payload's `type` and the `Ouderportaal-Event` header carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub enum WebhookEventType {
    /// A news post went live (at once or at its scheduled time). Object: `news_post`.
    #[serde(rename = "news.published")]
    NewsPublished,
    /// A post's author asked guardians to confirm they read it. Object: `news_post`.
    #[serde(rename = "news.confirmation_requested")]
    NewsConfirmationRequested,
    /// The school decided a change request. Object: `change_request`.
    #[serde(rename = "change_request.decided")]
    ChangeRequestDecided,
    /// The school decided a leave request. Object: `leave_request`.
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
    WebhookEventType,
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

/// What an event is about: fetch it with the user's token (`GET /api/v1/news/{id}`, …), which
/// shows what that user may see.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct WebhookObject {
    /// The kind of object: `news_post`, `change_request`.
    #[schema(pattern = "^[a-z_]{1,64}$", max_length = 64, example = "news_post")]
    pub kind: String,
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
}

/// The body of every webhook request (`POST` to the endpoint's URL, `Content-Type:
/// application/json`). It names no person and carries no content (SPEC §6): only what happened,
/// to which object, at which school and when.
///
/// Headers: `Ouderportaal-Event` (the `type`), `Ouderportaal-Delivery` (the delivery's id, the
/// same on every retry and replay of it) and `Ouderportaal-Signature: t=<unix seconds>,v1=<hex>`,
/// where `v1` is the HMAC-SHA256, keyed with the endpoint's secret exactly as shown (its UTF-8
/// bytes), of `<t>` + `.` + the raw request body. To verify: compute it over the body as
/// received (before any JSON parsing), compare with each `v1` in constant time, and refuse the
/// request when none matches or when `t` is more than 300 seconds from your clock (a replayed
/// capture). Answer 2xx within 10 seconds to acknowledge; anything else is retried after 30 s,
/// 2 min, 10 min, 1 h and 6 h. Deliveries may come more than once and out of order: use `id`
/// to drop duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0195f3c2-7a10-7cc1-9d2e-5b1f0e7a3c44",
    "type": "news.published",
    "occurred_at": "2026-11-29T16:00:00Z",
    "school_id": "0195f3c2-1111-7cc1-9d2e-5b1f0e7a3c44",
    "object": {"kind": "news_post", "id": "0195f3c2-2222-7cc1-9d2e-5b1f0e7a3c44"}
}))]
pub struct WebhookEvent {
    /// The event's id: the same for every endpoint and every attempt.
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: WebhookEventType,
    pub occurred_at: DateTime<Utc>,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    pub object: WebhookObject,
}

impl From<&Delivery> for WebhookEvent {
    fn from(delivery: &Delivery) -> Self {
        let event = &delivery.event;
        WebhookEvent {
            id: event.id.clone(),
            kind: event.kind.into(),
            occurred_at: event.occurred_at.and_utc(),
            school_id: event.school_id.clone(),
            object: WebhookObject {
                kind: event.object_kind.clone(),
                id: event.object_id.clone(),
            },
        }
    }
}

/// Why an endpoint is disabled: it kept failing, or an admin switched it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookDisabledReason {
    Failing,
    ByAdmin,
}
same_enum!(WebhookDisabledReason, DisabledReason, [Failing, ByAdmin]);

/// A webhook endpoint of a school (its secret is shown only when it is made).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Webhook {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    #[schema(format = "uri", max_length = 2000)]
    pub url: String,
    #[schema(pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$", max_length = 500)]
    pub description: Option<String>,
    #[schema(max_items = 20)]
    pub event_types: Vec<WebhookEventType>,
    /// False while disabled: nothing is sent; deliveries wait until it is enabled again.
    pub active: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<WebhookDisabledReason>,
    /// Deliveries given up one after another (5 disable the endpoint).
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub failed_deliveries_in_a_row: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Endpoint> for Webhook {
    fn from(endpoint: Endpoint) -> Self {
        Webhook {
            active: endpoint.disabled.is_none(),
            disabled_at: endpoint.disabled.map(|(at, _)| at.and_utc()),
            disabled_reason: endpoint.disabled.map(|(_, reason)| reason.into()),
            id: endpoint.id,
            school_id: endpoint.school_id,
            url: endpoint.url,
            description: endpoint.description,
            event_types: endpoint.event_types.into_iter().map(Into::into).collect(),
            failed_deliveries_in_a_row: endpoint.exhausted_in_a_row,
            created_at: endpoint.created_at.and_utc(),
            updated_at: endpoint.updated_at.and_utc(),
        }
    }
}

/// A new endpoint, or one with a new secret: the secret is shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The key of the `Ouderportaal-Signature` HMAC. Store it now: it is not shown again.
    #[schema(pattern = "^whsec_[0-9a-f]{64}$", max_length = 70)]
    pub secret: String,
}

/// An endpoint to register.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// An `https://` URL on the public internet (plain `http://` and private networks only where
    /// the operator allows them). Redirects are not followed.
    #[schema(
        format = "uri",
        min_length = 8,
        max_length = 2000,
        example = "https://app.example.nl/hooks/ouderportaal"
    )]
    #[validate(length(min = 8, max = 2000))]
    pub url: String,
    /// The event types to send; at least one.
    #[schema(min_items = 1, max_items = 20)]
    #[validate(length(min = 1, max = 20))]
    pub event_types: Vec<WebhookEventType>,
    /// What the endpoint is for, for the school's admins.
    #[schema(
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
        max_length = 500,
        example = "Meldingen voor de schoolapp"
    )]
    #[validate(length(max = 500))]
    pub description: Option<String>,
}

/// Changes to an endpoint; a field left out stays as it is.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    #[schema(format = "uri", min_length = 8, max_length = 2000)]
    #[validate(length(min = 8, max = 2000))]
    pub url: Option<String>,
    #[schema(min_items = 1, max_items = 20)]
    #[validate(length(min = 1, max = 20))]
    pub event_types: Option<Vec<WebhookEventType>>,
    /// An empty text removes the description.
    #[schema(pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$", max_length = 500)]
    #[validate(length(max = 500))]
    pub description: Option<String>,
    /// `true` enables a disabled endpoint (its count of failed deliveries starts again; the
    /// deliveries that waited are sent), `false` disables it.
    pub active: Option<bool>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookDeliveryState {
    /// Waiting for an attempt (the first, a retry, or after a replay).
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed; replay it to try again.
    Failed,
}
same_enum!(
    WebhookDeliveryState,
    DeliveryState,
    [Pending, Delivered, Failed]
);

/// Why an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFailure {
    /// The endpoint answered with another status than 2xx (see `status_code`).
    HttpStatus,
    /// No answer within 10 seconds.
    Timeout,
    /// No connection could be made.
    Connect,
    /// The URL's host is not on the public internet (private networks are not allowed).
    RefusedAddress,
    /// Anything else on the way (TLS, a broken answer).
    Request,
    /// The endpoint could not be reached (where private networks are allowed, every network
    /// failure reads the same).
    Unreachable,
}
same_enum!(
    WebhookFailure,
    FailureClass,
    [
        HttpStatus,
        Timeout,
        Connect,
        RefusedAddress,
        Request,
        Unreachable
    ]
);

/// One attempt to send a delivery.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookAttempt {
    pub attempted_at: DateTime<Utc>,
    /// The endpoint's HTTP status, when it answered.
    #[schema(minimum = 100, maximum = 999)]
    pub status_code: Option<i32>,
    /// Set when the attempt failed.
    pub error: Option<WebhookFailure>,
    #[schema(minimum = 0, maximum = 600_000)]
    pub duration_ms: i32,
}

impl TryFrom<Attempt> for WebhookAttempt {
    type Error = ApiError;

    fn try_from(attempt: Attempt) -> Result<Self, Self::Error> {
        let error = attempt
            .error
            .as_deref()
            .map(|e| {
                FailureClass::parse(e)
                    .map(WebhookFailure::from)
                    .ok_or_else(|| ApiError::internal(format!("stored failure class `{e}`")))
            })
            .transpose()?;
        Ok(WebhookAttempt {
            attempted_at: attempt.attempted_at.and_utc(),
            status_code: attempt.status_code,
            error,
            duration_ms: attempt.duration_ms,
        })
    }
}

/// One event sent (or to be sent) to one endpoint, with its latest attempts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookDelivery {
    /// Also the `Ouderportaal-Delivery` header.
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// The payload sent.
    pub event: WebhookEvent,
    pub state: WebhookDeliveryState,
    /// When the next attempt is due (pending deliveries).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The latest attempts (at most 20), oldest first.
    #[schema(max_items = 20)]
    pub attempts: Vec<WebhookAttempt>,
}

impl WebhookDelivery {
    pub fn new(delivery: Delivery, attempts: Vec<Attempt>) -> Result<Self, ApiError> {
        Ok(WebhookDelivery {
            event: WebhookEvent::from(&delivery),
            id: delivery.id,
            state: delivery.state.into(),
            next_attempt_at: delivery.next_attempt_at.map(|at| at.and_utc()),
            delivered_at: delivery.delivered_at.map(|at| at.and_utc()),
            created_at: delivery.created_at.and_utc(),
            attempts: attempts
                .into_iter()
                .map(WebhookAttempt::try_from)
                .collect::<Result<_, _>>()?,
        })
    }
}
