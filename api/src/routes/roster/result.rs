//! What a roster push answers: the counts per kind, the records left out, whether it was applied
//! or held, and the `?force=` that applies a held one.

use persistence::roster_sync::Counts;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KindCounts {
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub created: u32,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub updated: u32,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub deactivated: u32,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub unchanged: u32,
}

impl From<Counts> for KindCounts {
    fn from(c: Counts) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        KindCounts {
            created: n(c.created),
            updated: n(c.updated),
            deactivated: n(c.deactivated),
            unchanged: n(c.unchanged),
        }
    }
}

/// A record left out of the sync, and why.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RejectedRecord {
    /// `group`, `pupil`, `guardian` or `staff`.
    #[schema(max_length = 16)]
    pub kind: String,
    #[schema(max_length = 64)]
    pub key: String,
    #[schema(max_length = 100)]
    pub field: String,
    #[schema(max_length = 64)]
    pub code: String,
    #[schema(max_length = 500)]
    pub message: String,
}

/// Whether a sync was applied or held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// Applied: the portal now equals the LAS.
    Applied,
    /// Not applied: it would deactivate more than the school allows at once (see `held_reason`).
    /// Nothing changed; the school's admins were told and confirm it
    /// (`create_sync_run_confirmation`), or the client sends it again with `force=true`.
    Held,
}

/// `?force=` of a roster push.
#[derive(Debug, Default, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncParams {
    /// `true` applies a sync that would otherwise be held because it deactivates much of the
    /// school at once (the client takes responsibility; the run records who sent it).
    pub force: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SyncResult {
    /// The recorded run (see `list_school_sync_runs`).
    #[schema(format = Uuid, max_length = 36)]
    pub run_id: String,
    pub status: SyncStatus,
    /// Why the sync was held; absent when it was applied.
    #[schema(max_length = 200)]
    pub held_reason: Option<String>,
    pub groups: KindCounts,
    pub pupils: KindCounts,
    pub guardians: KindCounts,
    pub staff: KindCounts,
    /// One entry per record or link left out.
    #[schema(max_items = 1000000)]
    pub rejected: Vec<RejectedRecord>,
    /// Guardians whose e-mail address changed, sent a link at the new address (to activate an
    /// account, or to confirm that the record is theirs when the address has one already). The
    /// count is the same either way.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub invitations_sent: u32,
    /// Open change requests closed because the LAS now holds the proposed values.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub change_requests_resolved: u32,
    /// Consent decisions that changed because the LAS sent them (`consents` of the pupils).
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub consents_changed: u32,
}
