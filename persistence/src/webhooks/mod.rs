//! Webhooks (SPEC §6, issue #10 item 10): a school's endpoints, one delivery per event and
//! endpoint, and every attempt to send it. The notification engine calls [`enqueue_for_event`]
//! inside the transaction of the event; the API's webhook worker claims due deliveries with a
//! lease and records each attempt.
//!
//! - [`rows`]: the stored rows and their parsed forms (a bad stored value is an error).
//! - [`endpoints`]: registration, reads scoped to the schools the caller manages, changes.
//! - [`deliveries`]: enqueueing, the worker's claim and outcomes, an endpoint's history, replay.

pub mod deliveries;
pub mod endpoints;
pub mod rows;

use chrono::NaiveDateTime;
use domain::notify::EventKind;

pub use deliveries::enqueue_for_event;
pub use endpoints::ManagedSchools;
pub use rows::{Attempt, Delivery, Endpoint};

/// One event the notification engine heard of, as webhooks need it: what happened, to which
/// object, at which school and when. Stored with each delivery, so a retry or replay sends the
/// same payload without the engine's own tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRef {
    /// The event's id (a UUID); the payload's `id`, the same for every endpoint and attempt.
    pub id: String,
    pub school_id: String,
    pub kind: EventKind,
    /// What the app fetches: `news_post`, `change_request`, ….
    pub object_kind: String,
    pub object_id: String,
    pub occurred_at: NaiveDateTime,
}
