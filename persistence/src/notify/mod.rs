//! The notification engine's storage (SPEC §6): events written in the transaction of the change
//! that causes them ([`events`]), who they reach ([`recipients`]), what the fan-out writes for each
//! person ([`deliveries`]), the inbox ([`inbox`]), e-mail due for the outbox ([`email`]), and the
//! schools' settings and the people's choices ([`settings`]).

pub mod deliveries;
pub mod email;
pub mod events;
pub mod inbox;
pub mod listen;
pub mod recipients;
pub mod settings;

pub use deliveries::{NewDelivery, write_deliveries};
pub use email::{DueEmail, claim_due_emails, mark_emails_sent};
pub use events::{EventRow, NewEvent, claim_pending, emit, mark_fanned_out};
pub use inbox::{
    InboxItem, InboxPage, inbox_page, items_of_event, mark_all_read, mark_read, unread_count,
};
pub use listen::InboxListener;
pub use recipients::{Recipient, recipients};
pub use settings::{
    choices_of, opt_in, opt_ins_of, preferences_of, put_preference, put_school_settings,
    school_settings,
};

/// The PostgreSQL channel on which a fan-out tells every instance which event reached people, so
/// each can push it to its own open live streams. The payload is the event id only.
pub const INBOX_CHANNEL: &str = "ouderportaal_inbox";
