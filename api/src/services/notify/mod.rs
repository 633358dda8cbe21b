//! The notification engine (SPEC §6): modules write events in their own transactions
//! (`persistence::notify::emit`); here they are fanned out to people ([`fan_out`]), their e-mails
//! handed to the outbox when due ([`email`]), and people read their inbox and set their
//! preferences, schools their settings ([`inbox`], [`settings`]).

pub mod email;
pub mod fan_out;
pub mod inbox;
pub mod settings;

pub use email::hand_due_emails;
pub use fan_out::{FanOut, fan_out};
