//! The breach report's request and answer. Ids and counts only: who touched what, never the data.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::breach::{MAX_ACTORS_PER_OBJECT, Window};
use persistence::breach::{BreachRows, Counts, ObjectKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::ApiError;
use crate::services::breach::Ask;

/// What to look at: the school's audit events in `[from, until)`, at most 366 days.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "from": "2026-11-23T00:00:00Z",
    "until": "2026-11-30T00:00:00Z",
    "object_ids": ["0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b"],
    "account_ids": []
}))]
pub struct BreachReportInput {
    /// The window's start (included).
    pub from: DateTime<Utc>,
    /// The window's end (not included); after `from`, at most 366 days later.
    pub until: DateTime<Utc>,
    /// Only events about these objects (pupils, guardians, forms, …); empty or absent: every
    /// object of the school.
    #[serde(default)]
    #[schema(max_items = 100)]
    #[validate(length(max = 100))] // domain::breach::MAX_IDS
    pub object_ids: Vec<Uuid>,
    /// Only what these accounts (or integration clients) did, e.g. one that was compromised;
    /// empty or absent: everyone.
    #[serde(default)]
    #[schema(max_items = 100)]
    #[validate(length(max = 100))]
    pub account_ids: Vec<Uuid>,
}

impl BreachReportInput {
    /// The service's question; a window that ends before it starts, or is too long, is refused
    /// naming `until`.
    pub fn ask(&self) -> Result<Ask, ApiError> {
        let window =
            Window::new(self.from, self.until).map_err(|e| ApiError::invalid("until", e))?;
        Ok(Ask {
            window,
            object_ids: self.object_ids.iter().map(Uuid::to_string).collect(),
            actor_ids: self.account_ids.iter().map(Uuid::to_string).collect(),
        })
    }
}

/// Events and what they were. Reads: `read`, `list_…` and `read_…` actions that happened;
/// refusals: outcomes `forbidden` and `not_found`; changes: every other action that happened
/// (`ok`). Other outcomes (`failed`, `held`) count only as events.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub struct BreachCounts {
    #[schema(minimum = 0, maximum = 2147483647)]
    pub events: i64,
    #[schema(minimum = 0, maximum = 2147483647)]
    pub reads: i64,
    #[schema(minimum = 0, maximum = 2147483647)]
    pub changes: i64,
    #[schema(minimum = 0, maximum = 2147483647)]
    pub refusals: i64,
}

impl From<Counts> for BreachCounts {
    fn from(c: Counts) -> Self {
        BreachCounts {
            events: c.events,
            reads: c.reads,
            changes: c.changes,
            refusals: c.refusals,
        }
    }
}

/// An account or integration client that touched an object, and how.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BreachObjectActor {
    /// The account that acted; absent for an integration client or an unknown caller.
    #[schema(format = Uuid, max_length = 36)]
    pub account_id: Option<String>,
    /// The integration client that acted, if one did.
    #[schema(format = Uuid, max_length = 36)]
    pub client_id: Option<String>,
    pub counts: BreachCounts,
}

/// One object and who touched it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BreachObject {
    /// As the audit log names it: `pupil`, `guardian`, `absence`, `form`, …
    #[schema(max_length = 200, example = "pupil")]
    pub object_type: String,
    /// Absent for events about no single object (a list, say).
    #[schema(format = Uuid, max_length = 36)]
    pub object_id: Option<String>,
    pub counts: BreachCounts,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    /// Who touched it, most events first; at most 100.
    #[schema(max_items = 100)]
    pub actors: Vec<BreachObjectActor>,
}

/// What an actor touched of one type of object.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BreachTouched {
    #[schema(max_length = 200, example = "pupil")]
    pub object_type: String,
    /// Distinct objects of this type.
    #[schema(minimum = 0, maximum = 2147483647)]
    pub objects: i64,
    pub counts: BreachCounts,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

/// One account or integration client and what it touched.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BreachActor {
    #[schema(format = Uuid, max_length = 36)]
    pub account_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub client_id: Option<String>,
    pub counts: BreachCounts,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    /// Per type of object, most events first.
    #[schema(max_items = 1000)]
    pub touched: Vec<BreachTouched>,
}

/// Whose data was read or changed in the window, and by whom, from the school's audit log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "school_id": "0193a1b2-0000-7000-8000-00000000a001",
    "from": "2026-11-23T00:00:00Z",
    "until": "2026-11-30T00:00:00Z",
    "totals": {"events": 3, "reads": 2, "changes": 0, "refusals": 1},
    "objects": [{
        "object_type": "pupil",
        "object_id": "0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b",
        "counts": {"events": 3, "reads": 2, "changes": 0, "refusals": 1},
        "first_at": "2026-11-24T08:12:03Z",
        "last_at": "2026-11-24T09:40:51Z",
        "actors": [{
            "account_id": "0193a1b2-0000-7000-8000-0000000000c1",
            "counts": {"events": 3, "reads": 2, "changes": 0, "refusals": 1}
        }]
    }],
    "actors": [{
        "account_id": "0193a1b2-0000-7000-8000-0000000000c1",
        "counts": {"events": 3, "reads": 2, "changes": 0, "refusals": 1},
        "first_at": "2026-11-24T08:12:03Z",
        "last_at": "2026-11-24T09:40:51Z",
        "touched": [{
            "object_type": "pupil",
            "objects": 1,
            "counts": {"events": 3, "reads": 2, "changes": 0, "refusals": 1},
            "first_at": "2026-11-24T08:12:03Z",
            "last_at": "2026-11-24T09:40:51Z"
        }]
    }],
    "truncated": false
}))]
pub struct BreachReport {
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// Over every matching event, listed or not.
    pub totals: BreachCounts,
    /// The objects with the most events first; at most 500.
    #[schema(max_items = 500)]
    pub objects: Vec<BreachObject>,
    /// The accounts and clients with the most events first; at most 500.
    #[schema(max_items = 500)]
    pub actors: Vec<BreachActor>,
    /// Some objects, actors or their breakdowns were left out: ask about fewer objects, accounts
    /// or a shorter window.
    pub truncated: bool,
}

impl BreachReport {
    pub fn of(school_id: String, ask: &Ask, rows: BreachRows) -> BreachReport {
        let mut truncated = rows.truncated;
        let mut actors_of: HashMap<ObjectKey, Vec<BreachObjectActor>> = HashMap::new();
        for pair in rows.object_actors {
            let list = actors_of.entry(pair.object).or_default();
            if list.len() < MAX_ACTORS_PER_OBJECT {
                list.push(BreachObjectActor {
                    account_id: pair.actor.0,
                    client_id: pair.actor.1,
                    counts: pair.counts.into(),
                });
            } else {
                truncated = true;
            }
        }
        let objects = rows
            .objects
            .into_iter()
            .map(|o| BreachObject {
                actors: actors_of.remove(&o.object).unwrap_or_default(),
                object_type: o.object.0,
                object_id: o.object.1,
                counts: o.counts.into(),
                first_at: o.first_at.and_utc(),
                last_at: o.last_at.and_utc(),
            })
            .collect();
        let mut touched_by: HashMap<_, Vec<BreachTouched>> = HashMap::new();
        for kind in rows.actor_types {
            touched_by
                .entry(kind.actor)
                .or_default()
                .push(BreachTouched {
                    object_type: kind.object_type,
                    objects: kind.objects,
                    counts: kind.counts.into(),
                    first_at: kind.first_at.and_utc(),
                    last_at: kind.last_at.and_utc(),
                });
        }
        let actors = rows
            .actors
            .into_iter()
            .map(|a| BreachActor {
                touched: touched_by.remove(&a.actor).unwrap_or_default(),
                account_id: a.actor.0,
                client_id: a.actor.1,
                counts: a.counts.into(),
                first_at: a.first_at.and_utc(),
                last_at: a.last_at.and_utc(),
            })
            .collect();
        BreachReport {
            school_id,
            from: ask.window.from(),
            until: ask.window.until(),
            totals: rows.totals.into(),
            objects,
            actors,
            truncated,
        }
    }
}
