//! The contract's shapes of news posts, with typed enums, and their conversions to and from the
//! domain's.

use chrono::{DateTime, Utc};
use domain::mail::Language;
use domain::news::{self as domain_news, Audience, Confirmation, PostState, Priority};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::services::news::{FeedPage, PostView};

/// How much a post matters: `urgent` reaches guardians also in quiet hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NewsPriority {
    #[default]
    Normal,
    Important,
    Urgent,
}
same_enum!(NewsPriority, Priority, [Normal, Important, Urgent]);

/// Whether guardians are asked to confirm they read the post: one guardian per child, or one per
/// household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadConfirmation {
    #[default]
    None,
    PerChild,
    PerHousehold,
}
same_enum!(
    ReadConfirmation,
    Confirmation,
    [None, PerChild, PerHousehold]
);

/// Where a post stands: a draft, scheduled, in the feeds (published), or past its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NewsPostState {
    Draft,
    Scheduled,
    Published,
    Expired,
}
same_enum!(
    NewsPostState,
    PostState,
    [Draft, Scheduled, Published, Expired]
);

/// Who a post is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AudienceKind {
    /// Every guardian of the school (admins only).
    School,
    /// The guardians of the pupils of these groups (a teacher: their own groups).
    Groups,
}

#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsAudience {
    pub kind: AudienceKind,
    /// The groups, for `groups`: this school year's groups of the school.
    #[serde(default)]
    #[schema(max_items = 100)]
    #[validate(length(max = 100))]
    pub group_ids: Vec<Uuid>,
}

/// A file or page the post refers to; the portal stores the reference only.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsAttachment {
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    /// An `https` URL on a public host.
    #[schema(format = "uri", max_length = 2000)]
    #[validate(length(min = 1, max = 2000))]
    pub url: String,
}

/// The language a post is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NewsLanguage {
    #[default]
    Nl,
    En,
}

impl From<NewsLanguage> for Language {
    fn from(language: NewsLanguage) -> Language {
        match language {
            NewsLanguage::Nl => Language::Dutch,
            NewsLanguage::En => Language::English,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsPostInput {
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub title: String,
    /// Plain text or a small Markdown subset; HTML is never interpreted.
    #[schema(min_length = 1, max_length = 20000)]
    #[validate(length(min = 1, max = 20000))]
    pub body: String,
    /// `nl` (default) or `en`.
    #[serde(default)]
    pub language: NewsLanguage,
    #[validate(nested)]
    pub audience: NewsAudience,
    #[serde(default)]
    pub priority: NewsPriority,
    #[serde(default)]
    pub pinned: bool,
    /// Comments are off unless the author switches them on (seed 003).
    #[serde(default)]
    pub comments_enabled: bool,
    #[serde(default)]
    pub confirmation: ReadConfirmation,
    /// Saved, not published: no one but its author and the admins sees it.
    #[serde(default)]
    pub draft: bool,
    /// Publish at this time instead of now (not with `draft`).
    pub publish_at: Option<DateTime<Utc>>,
    /// After this time the post leaves the feeds.
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    #[schema(max_items = 10)]
    #[validate(length(max = 10), nested)]
    pub attachments: Vec<NewsAttachment>,
}

impl NewsPostInput {
    /// The command for a school.
    pub fn command(self, school_id: Uuid) -> domain_news::NewPost {
        let audience = match self.audience.kind {
            AudienceKind::School => Audience::School,
            AudienceKind::Groups => Audience::Groups(self.audience.group_ids),
        };
        domain_news::NewPost {
            school_id,
            title: self.title,
            body: self.body,
            language: self.language.into(),
            audience,
            priority: self.priority.into(),
            pinned: self.pinned,
            comments_enabled: self.comments_enabled,
            confirmation: self.confirmation.into(),
            draft: self.draft,
            publish_at: self.publish_at,
            expires_at: self.expires_at,
            attachments: self
                .attachments
                .into_iter()
                .map(|a| domain_news::Attachment {
                    name: a.name,
                    url: a.url,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewsPost {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    #[schema(max_length = 200)]
    pub title: String,
    /// As written: plain text or the Markdown subset.
    #[schema(max_length = 20000)]
    pub body: String,
    /// The body as HTML, safe to show as it is: paragraphs, headings, emphasis, lists, code and
    /// links (`http`, `https`, `mailto` only); raw HTML in the body is shown as text, images as
    /// links.
    #[schema(max_length = 200000)]
    pub body_html: String,
    /// Raised by every edit; an edit (`PUT /news/{post_id}`) names the version it was made on.
    #[schema(minimum = 1, maximum = 2147483647)]
    pub version: i32,
    /// `nl` or `en`.
    #[schema(max_length = 2)]
    pub language: String,
    pub audience: NewsAudience,
    pub priority: NewsPriority,
    pub pinned: bool,
    pub comments_enabled: bool,
    pub confirmation: ReadConfirmation,
    pub state: NewsPostState,
    /// When the post entered (or, scheduled, enters) the feeds; absent for a draft.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    #[schema(max_items = 10)]
    pub attachments: Vec<NewsAttachment>,
    /// For a guardian: whether they read it (`PUT …/read`). Absent for staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
    /// For a guardian: whether they still have to confirm they read it (`PUT …/confirmation`):
    /// the post asks for confirmation and a child of theirs (per household: their household
    /// with it) is not confirmed yet. Absent for staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_needed: Option<bool>,
}

impl From<PostView> for NewsPost {
    fn from(view: PostView) -> Self {
        let post = view.post;
        let kind = if post.audience == "school" {
            AudienceKind::School
        } else {
            AudienceKind::Groups
        };
        NewsPost {
            audience: NewsAudience {
                kind,
                group_ids: view
                    .groups
                    .iter()
                    .map(|g| persistence::ids::uuid(g))
                    .collect(),
            },
            priority: view.priority.into(),
            confirmation: view.confirmation.into(),
            state: view.state.into(),
            published_at: post.live_at.map(|t| t.and_utc()),
            expires_at: post.expires_at.map(|t| t.and_utc()),
            attachments: view
                .attachments
                .into_iter()
                .map(|a| NewsAttachment {
                    name: a.name,
                    url: a.url,
                })
                .collect(),
            read: view.read,
            confirmation_needed: view.confirmation_needed,
            body_html: domain_news::markdown::render(&post.body),
            version: post.version,
            id: post.id,
            school_id: post.school_id,
            title: post.title,
            body: post.body,
            language: post.language,
            pinned: post.pinned,
            comments_enabled: post.comments_enabled,
        }
    }
}

/// `?limit=&cursor=` of the feed.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// How many posts to return, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; omit for the first page. Treat it as opaque.
    #[param(
        max_length = 80,
        pattern = r"^f1\.[01]\.[1-9][0-9]{8,11}\.[0-9]{9}\.[0-9a-f]{32}$"
    )]
    #[validate(custom(function = "feed_cursor"))]
    pub cursor: Option<String>,
}

fn feed_cursor(cursor: &str) -> Result<(), ValidationError> {
    domain_news::FeedKey::from_cursor(cursor)
        .map(drop)
        .map_err(|_| {
            ValidationError::new("invalid_cursor")
                .with_message("is not a cursor this API gave out".into())
        })
}

/// One page of the feed: pinned posts first, then the newest first. Pass `next_cursor` as
/// `cursor` for the next page; it is absent on the last. Pages stay stable while new posts
/// arrive (they come before the first page, never between pages).
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsFeed {
    #[schema(max_items = 100)]
    pub items: Vec<NewsPost>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(
        max_length = 80,
        pattern = r"^f1\.[01]\.[1-9][0-9]{8,11}\.[0-9]{9}\.[0-9a-f]{32}$"
    )]
    pub next_cursor: Option<String>,
}

impl From<FeedPage> for NewsFeed {
    fn from(page: FeedPage) -> Self {
        NewsFeed {
            items: page.items.into_iter().map(NewsPost::from).collect(),
            next_cursor: page.next.map(|key| key.cursor()),
        }
    }
}

/// `?read=` of a post's read receipts (with `limit` and `cursor`).
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceiptParams {
    /// Only those who have (`true`) or have not (`false`) read the post; omit for everyone.
    pub read: Option<bool>,
}

/// A guardian of the post's audience: name only (never contact details), and when they read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsReader {
    #[schema(format = Uuid, max_length = 36)]
    pub guardian_id: String,
    #[schema(max_length = 100)]
    pub first_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 30)]
    pub name_prefix: Option<String>,
    #[schema(max_length = 100)]
    pub last_name: String,
    /// Absent: not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_at: Option<DateTime<Utc>>,
}

/// Who of the audience (the active guardians of the pupils the post reaches) has read the post:
/// the counts, and a page of guardians by id.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsReceipts {
    #[schema(minimum = 0, maximum = 10000000)]
    pub read_count: i64,
    #[schema(minimum = 0, maximum = 10000000)]
    pub unread_count: i64,
    #[schema(max_items = 100)]
    pub items: Vec<NewsReader>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Uuid, max_length = 36)]
    pub next_cursor: Option<String>,
}

impl From<crate::services::news::Receipts> for NewsReceipts {
    fn from(receipts: crate::services::news::Receipts) -> Self {
        NewsReceipts {
            read_count: receipts.counts.read,
            unread_count: receipts.counts.unread,
            items: receipts
                .items
                .into_iter()
                .map(|r| NewsReader {
                    guardian_id: r.guardian_id,
                    first_name: r.first_name,
                    name_prefix: r.name_prefix,
                    last_name: r.last_name,
                    read_at: r.read_at.map(|t| t.and_utc()),
                })
                .collect(),
            next_cursor: receipts.next_cursor,
        }
    }
}
