//! Change requests and their fields: rows and their conversion into domain types (`rows`), reads
//! that take a [`RequestScope`](domain::change_request::RequestScope) so a request outside it is
//! not found (`queries`), and writes with guarded state changes (`commands`).

mod commands;
mod queries;
mod rows;

pub use commands::{NewRequest, decide, resolve_by_sync, set_requestable_fields, submit};
pub use queries::{find, list_at, list_for_guardian, requestable_fields};
pub use rows::{FieldRow, RequestRow};
