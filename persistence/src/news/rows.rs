//! The stored shape of a news post, and its conversion into the domain's values: a value this
//! version cannot read is an error ([`RepoError::Corrupt`]), never a default.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::mail::Language;
use domain::news::{Confirmation, FeedKey, Priority};

use crate::error::RepoError;
use crate::ids::uuid;
use crate::schema::{news_attachments, news_posts};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = news_posts)]
pub struct PostRow {
    pub id: String,
    pub school_id: String,
    /// NULL once the author's account is gone.
    pub author_id: Option<String>,
    pub title: String,
    pub body: String,
    pub language: String,
    /// `school` or `groups` (then `news_post_groups` holds them).
    pub audience: String,
    pub priority: String,
    pub pinned: bool,
    pub comments_enabled: bool,
    pub confirmation: String,
    pub published_at: Option<NaiveDateTime>,
    pub publish_at: Option<NaiveDateTime>,
    /// When the post enters the feeds: `published_at`, or `publish_at` when scheduled; NULL for a
    /// draft.
    pub live_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    /// Raised by every edit; an edit names the version it was made on (no lost update).
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = news_attachments)]
pub struct AttachmentRow {
    pub post_id: String,
    pub position: i32,
    pub name: String,
    pub url: String,
}

fn read<T>(parsed: Option<T>, column: &str, value: &str) -> Result<T, RepoError> {
    parsed.ok_or_else(|| RepoError::Corrupt(format!("{column} = {value:?}")))
}

impl PostRow {
    pub fn priority(&self) -> Result<Priority, RepoError> {
        read(
            Priority::parse(&self.priority),
            "news_posts.priority",
            &self.priority,
        )
    }

    pub fn confirmation(&self) -> Result<Confirmation, RepoError> {
        read(
            Confirmation::parse(&self.confirmation),
            "news_posts.confirmation",
            &self.confirmation,
        )
    }

    pub fn language(&self) -> Result<Language, RepoError> {
        read(
            Language::parse(&self.language),
            "news_posts.language",
            &self.language,
        )
    }

    /// The post's place in the feed; `None` for a draft.
    pub fn feed_key(&self) -> Option<FeedKey> {
        Some(FeedKey {
            pinned: self.pinned,
            published_at: self.live_at?.and_utc(),
            id: uuid(&self.id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_value_this_version_does_not_know_is_corrupt_not_a_default() {
        let at = chrono::DateTime::UNIX_EPOCH.naive_utc();
        let row = PostRow {
            id: "00000000-0000-0000-0000-000000000001".to_owned(),
            school_id: String::new(),
            author_id: None,
            title: String::new(),
            body: String::new(),
            language: "fr".to_owned(),
            audience: "school".to_owned(),
            priority: "critical".to_owned(),
            pinned: false,
            comments_enabled: false,
            confirmation: "maybe".to_owned(),
            published_at: None,
            publish_at: None,
            live_at: None,
            expires_at: None,
            created_at: at,
            updated_at: at,
            deleted_at: None,
            version: 1,
        };
        assert!(matches!(row.priority(), Err(RepoError::Corrupt(_))));
        assert!(matches!(row.confirmation(), Err(RepoError::Corrupt(_))));
        assert!(matches!(row.language(), Err(RepoError::Corrupt(_))));
        assert_eq!(row.feed_key(), None, "a draft has no place in the feed");
    }
}
