//! Ouderportaal's rules and types. Pure: no database, web, network or mail crate may be a
//! dependency (CI checks it), so every rule here is testable in microseconds and reusable.
//!
//! Input from outside becomes a type of this crate once (`TryFrom`/`parse`); code after that
//! cannot hold an invalid value.

pub mod absence;
pub mod actor;
pub mod breach;
pub mod calendar;
pub mod change_request;
pub mod client;
pub mod consent;
pub mod disclosures;
pub mod edexml;
pub mod email;
pub mod export;
pub mod forms;
pub mod idempotency;
pub mod leave;
pub mod legal_basis;
pub mod mail;
pub mod modules;
pub mod name;
pub mod network;
pub mod news;
pub mod notify;
pub mod pagination;
pub mod planner;
pub mod policy;
pub mod retention;
pub mod roles;
pub mod roster;
pub mod schedule;
pub mod school;
pub mod school_year;
pub mod scope;
pub mod session;
pub mod sync_hold;

/// Why a value was refused, in words fit for an API client (no personal data echoed back).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    /// A stable machine code, e.g. `too_long`.
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Invalid {
        Invalid {
            code,
            message: message.into(),
        }
    }
}
