use std::sync::Arc;

use persistence::Database;

use crate::audit_writer::AuditWriter;
use crate::auth::TokenKeys;
use crate::auth::callers::CallerCache;
use crate::auth::password::HashingGate;
use crate::auth::session_feed::SessionFeed;
use crate::config::Config;
use crate::live::LiveHub;
use crate::roster_cache::RosterCache;

/// What every handler may need, shared by all workers.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub tokens: TokenKeys,
    pub config: Config,
    /// Every password hash of this instance goes through it.
    pub hashing: Arc<HashingGate>,
    /// Audit events of reads, written in batches.
    pub audit: Arc<AuditWriter>,
    /// Who each session's caller is, for a few seconds.
    pub callers: Arc<CallerCache>,
    /// Which cached callers may skip their session check.
    pub session_feed: Arc<SessionFeed>,
    /// The live streams open on this instance.
    pub live: Arc<LiveHub>,
    /// Pupils' cards, for as long as the roster's generation has not moved.
    pub cards: Arc<RosterCache<persistence::pupil_card::WholeCard>>,
    /// The time requests act at (held by tests).
    pub clock: Arc<crate::clock::Clock>,
}
