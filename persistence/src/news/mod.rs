//! News posts (SPEC §5) in the database: the stored rows and their conversion ([`rows`]), the
//! feeds, whose filter is built in one place ([`queries`]), the writes ([`commands`]), edits with
//! their history ([`edits`]), a school's news as its staff see it ([`staff_feed`]), [`comments`] and read [`confirmations`].

mod commands;
pub mod comments;
pub mod confirmations;
mod edits;
mod queries;
mod receipts;
mod release;
mod rows;
mod staff_feed;

pub use commands::{delete, insert, mark_read};
pub use confirmations::unconfirmed_accounts;
pub use edits::{Edited, RevisionEntry, edit, revisions};
pub use queries::{
    FeedItem, FeedScope, attachments_of, feed, find_at, find_in_feed, groups_of, read_of, school_of,
};
pub use receipts::{PostAudience, ReadCounts, Receipt, read_counts, receipts};
pub use release::{claim_release, due_releases};
pub use rows::{AttachmentRow, PostRow};
pub use staff_feed::{StaffList, staff_feed};
