//! News posts (SPEC §5) in the database: the stored rows and their conversion ([`rows`]), the
//! feeds, whose filter is built in one place ([`queries`]), and the writes ([`commands`]).

mod commands;
mod queries;
mod receipts;
mod release;
mod rows;

pub use commands::{delete, insert, mark_read};
pub use queries::{
    FeedItem, FeedScope, attachments_of, feed, find_at, find_in_feed, groups_of, read_of, school_of,
};
pub use receipts::{PostAudience, ReadCounts, Receipt, read_counts, receipts};
pub use release::{claim_release, due_releases};
pub use rows::{AttachmentRow, PostRow};
