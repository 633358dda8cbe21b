//! Stored webhook rows and their parsed forms. An endpoint's secret stays in its row: only the
//! worker's claim reads it ([`super::deliveries::Job`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::notify::EventKind;
use domain::notify::webhook_delivery::{DeliveryState, DisabledReason, parse_kinds};

use super::EventRef;
use crate::error::RepoError;
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRow {
    pub id: String,
    pub school_id: String,
    pub url: String,
    pub description: Option<String>,
    pub event_types: String,
    pub secret: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
    pub disabled_reason: Option<String>,
    pub exhausted_in_a_row: i32,
}

/// An endpoint as the API shows it: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: String,
    pub school_id: String,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<EventKind>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set while the endpoint is disabled, with the reason.
    pub disabled: Option<(NaiveDateTime, DisabledReason)>,
    /// Deliveries given up one after another, none delivered in between.
    pub exhausted_in_a_row: i32,
}

impl TryFrom<EndpointRow> for Endpoint {
    type Error = RepoError;

    fn try_from(row: EndpointRow) -> Result<Self, Self::Error> {
        let event_types = parse_kinds(&row.event_types).map_err(RepoError::Corrupt)?;
        let disabled = match (row.disabled_at, row.disabled_reason.as_deref()) {
            (None, _) => None,
            (Some(at), Some(reason)) => Some((
                at,
                DisabledReason::parse(reason)
                    .ok_or_else(|| RepoError::Corrupt(format!("disabled reason `{reason}`")))?,
            )),
            (Some(_), None) => {
                return Err(RepoError::Corrupt(
                    "a disabled endpoint without a reason".to_owned(),
                ));
            }
        };
        Ok(Endpoint {
            id: row.id,
            school_id: row.school_id,
            url: row.url,
            description: row.description,
            event_types,
            created_at: row.created_at,
            updated_at: row.updated_at,
            disabled,
            exhausted_in_a_row: row.exhausted_in_a_row,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub school_id: String,
    pub kind: String,
    pub object_kind: String,
    pub object_id: String,
    pub occurred_at: NaiveDateTime,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lock_owner: Option<String>,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

/// One event for one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: String,
    pub endpoint_id: String,
    pub event: EventRef,
    pub state: DeliveryState,
    /// Attempts since it was written or last replayed.
    pub attempts: i32,
    /// When the next attempt is due (pending deliveries only).
    pub next_attempt_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = RepoError;

    fn try_from(row: DeliveryRow) -> Result<Self, Self::Error> {
        let kind = EventKind::parse(&row.kind)
            .ok_or_else(|| RepoError::Corrupt(format!("event type `{}`", row.kind)))?;
        let state = DeliveryState::parse(&row.state)
            .ok_or_else(|| RepoError::Corrupt(format!("delivery state `{}`", row.state)))?;
        Ok(Delivery {
            id: row.id,
            endpoint_id: row.endpoint_id,
            event: EventRef {
                id: row.event_id,
                school_id: row.school_id,
                kind,
                object_kind: row.object_kind,
                object_id: row.object_id,
                occurred_at: row.occurred_at,
            },
            state,
            attempts: row.attempts,
            next_attempt_at: (state == DeliveryState::Pending).then_some(row.next_attempt_at),
            created_at: row.created_at,
            delivered_at: row.delivered_at,
        })
    }
}

/// One attempt to send a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct Attempt {
    pub id: String,
    pub delivery_id: String,
    pub attempted_at: NaiveDateTime,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i32>,
    /// The class of error when it did not answer 2xx (`http_status`, `timeout`, …).
    pub error: Option<String>,
    pub duration_ms: i32,
}
