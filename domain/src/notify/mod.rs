//! When a notification may reach a guardian, and whether it does at all (SPEC §6, seeds 003 and
//! 004). Pure timing and routing rules: the notification engine asks these, then queues the mail
//! in the outbox for the instant they name.
//!
//! Schools live in Europe/Amsterdam (SPEC §13): quiet hours and the daily overview are local clock
//! times, so they follow the clock across the DST changes, and every instant handed back is UTC.

pub mod event;
pub mod mail;
pub mod plan;
pub mod preference;
pub mod quiet_hours;
pub mod webhook;
pub mod webhook_delivery;

pub use event::{EventKind, OptIn};
pub use plan::{EmailContent, EmailPlan, PersonChoice, Plan, SchoolSettings, plan, reaches};
pub use preference::{Delivery, Preference, Urgency, double_opt_in_allows, next_digest_at, route};
pub use quiet_hours::{QuietHours, QuietHoursError};
