//! Ouderportaal's HTTP API: configuration, routes, authentication, the OpenAPI contract and the
//! server. The binary (`main.rs`) is a thin command line over this library, so tests start the
//! very same server.

pub mod accounts;
pub mod audit;
pub mod audit_writer;
pub mod auth;
pub mod cli;
pub mod client;
pub mod clock;
pub mod config;
pub mod csv_export;
pub mod db;
pub mod demo;
pub mod error;
pub mod export_worker;
pub mod extract;
pub mod fallback;
pub mod headers;
pub mod i18n;
pub mod idempotency;
pub mod invitation_worker;
pub mod live;
pub mod mailer;
pub mod notify_worker;
pub mod objects_only;
pub mod openapi;
pub mod outbox_worker;
pub mod rate_limit;
pub mod retention_worker;
pub mod roster_cache;
pub mod roster_fetch;
pub mod routes;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhook_worker;
