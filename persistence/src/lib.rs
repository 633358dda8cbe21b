//! Storage for Ouderportaal: one diesel code base that runs on SQLite (the embedded default) and on
//! PostgreSQL (production), chosen at start from the database URL.
//!
//! Repositories take a `&mut AnyConnection` and return rows or [`RepoError`]; they never see HTTP.
//! Callers run them off the async executor (the API's `db::run` takes the pooled connection inside
//! its blocking closure).

pub mod absence;
pub mod account_tokens;
pub mod accounts;
pub mod actors;
pub mod audit;
pub mod boards;
pub mod breach;
pub mod calendar;
pub mod change_request;
pub mod clients;
pub mod connection;
pub mod consent;
pub mod disclosures;
pub mod erasure;
pub mod error;
pub mod export;
pub mod forms;
pub mod groups;
pub mod guardians;
pub mod idempotency;
pub mod ids;
pub mod leave;
pub mod migrations;
pub mod modules;
mod names;
pub mod news;
pub mod notify;
pub mod outbox;
pub mod page;
pub mod pending_invitations;
pub mod planner;
pub mod pupil_card;
pub mod pupils;
pub mod retention;
pub mod roster;
pub mod roster_generation;
pub mod roster_sources;
pub mod roster_sync;
pub mod schema;
pub mod schools;
pub mod scoped;
pub mod session_ends;
pub mod sessions;
pub mod staff;
pub mod sync_runs;
pub mod webhooks;

pub use connection::{
    AnyConnection, Backend, Database, DbSettings, Pool, PooledConnection, transaction,
};
pub use error::RepoError;
