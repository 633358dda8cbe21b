//! News (SPEC §5, seed 003): posts by school admins for the whole school or chosen groups, and by
//! teachers for their own groups; drafts, scheduled publication, priority, expiry, pinning,
//! comments switched on per post, and read confirmation. These are the types; the checks are in
//! `rules`, who may do what in `policy`, and the order of a guardian's feed in `feed`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::mail::Language;
use crate::notify::Urgency;

pub mod confirm;
pub mod feed;
pub mod markdown;
pub mod policy;
pub mod reach;
pub mod rules;

pub use feed::{FeedKey, after, page};
pub use policy::{
    PostReach, in_audience, may_comment, may_confirm, may_delete, may_edit, may_hide_comment,
    may_post, sees_post, staff_reads,
};
pub use reach::{EditReach, StaffReach, edit_reach, staff_reach};
pub use rules::{
    CheckedPost, PostTimes, check_attachments, check_audience, check_body, check_comment,
    check_edit, check_new_post, check_release, check_title, check_url, parse_language,
};

/// How loudly a post asks for attention (SPEC §5). Only `Urgent` passes quiet hours and the
/// guardian's preference (SPEC §6).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    Normal,
    Important,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Normal, Priority::Important, Priority::Urgent];

    /// The stored and wire form; the same as serde's.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::Important => "important",
            Priority::Urgent => "urgent",
        }
    }

    /// Reads `as_str`'s form; anything else is `None`, never a default.
    pub fn parse(value: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// How the notification engine treats the post: only urgent posts are sent at once and
    /// during quiet hours (SPEC §6); important ones are marked in the feed but wait like others.
    pub fn urgency(self) -> Urgency {
        match self {
            Priority::Urgent => Urgency::Urgent,
            Priority::Normal | Priority::Important => Urgency::Normal,
        }
    }
}

/// Who a post is for. `Groups` holds at least one group, each once (see
/// [`Audience::groups`] and [`rules::check_audience`]); whether the groups belong to the post's
/// school is the service's to check against the database.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Every guardian of the school (admins only).
    School,
    /// The guardians of the pupils in these groups.
    Groups(Vec<Uuid>),
}

impl Audience {
    /// The kind of audience, as stored next to the group list.
    pub fn as_str(&self) -> &'static str {
        match self {
            Audience::School => "school",
            Audience::Groups(_) => "groups",
        }
    }

    /// The audience from its stored kind and group list. An unknown kind, a `school` audience
    /// with groups, or a `groups` audience without valid groups is `None`: a bad stored value is
    /// an error, never a default.
    pub fn parse(kind: &str, groups: Vec<Uuid>) -> Option<Audience> {
        match kind {
            "school" if groups.is_empty() => Some(Audience::School),
            "groups" => Audience::groups(groups).ok(),
            _ => None,
        }
    }

    /// A group audience, sorted and de-duplicated; refused when empty or larger than
    /// [`rules::MAX_AUDIENCE_GROUPS`].
    pub fn groups(mut groups: Vec<Uuid>) -> Result<Audience, crate::Invalid> {
        groups.sort_unstable();
        groups.dedup();
        rules::check_group_count(groups.len())?;
        Ok(Audience::Groups(groups))
    }

    /// The groups addressed (empty for the whole school).
    pub fn group_ids(&self) -> &[Uuid] {
        match self {
            Audience::School => &[],
            Audience::Groups(groups) => groups,
        }
    }
}

/// Whether guardians must confirm they read a post (SPEC §5), and how many confirmations make
/// it complete.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    /// Read receipts are kept, but nobody is asked to confirm.
    #[default]
    None,
    /// One guardian per child confirms.
    PerChild,
    /// A guardian of each household confirms (separated parents both).
    PerHousehold,
}

impl Confirmation {
    pub const ALL: [Confirmation; 3] = [
        Confirmation::None,
        Confirmation::PerChild,
        Confirmation::PerHousehold,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Confirmation::None => "none",
            Confirmation::PerChild => "per_child",
            Confirmation::PerHousehold => "per_household",
        }
    }

    pub fn parse(value: &str) -> Option<Confirmation> {
        Confirmation::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// Where a post stands at a moment, derived from its stored times by [`state_at`] (nothing
/// stores it, so no worker has to flip it on time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostState {
    /// Seen by its author (and the school's admins) only.
    Draft,
    /// Released, waiting for its publication time.
    Scheduled,
    /// In the feeds of its audience.
    Published,
    /// Past its expiry: out of the feeds, still readable by staff.
    Expired,
}

impl PostState {
    pub const ALL: [PostState; 4] = [
        PostState::Draft,
        PostState::Scheduled,
        PostState::Published,
        PostState::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PostState::Draft => "draft",
            PostState::Scheduled => "scheduled",
            PostState::Published => "published",
            PostState::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<PostState> {
        PostState::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether guardians of the audience see the post in their feed.
    pub fn in_feed(self) -> bool {
        self == PostState::Published
    }
}

/// A post's state at `now` from its stored times:
/// - `published_at`: when it went live (set on an immediate release), `None` otherwise;
/// - `publish_at`: the time it is scheduled for, `None` unless scheduled;
/// - `expires_at`: when it leaves the feed.
///
/// Neither time set is a draft; a publication time after `now` is scheduled; an expiry at or
/// before `now` is expired; otherwise published. A scheduled post is published the moment its
/// time passes, whether or not a worker has run.
pub fn state_at(
    published_at: Option<DateTime<Utc>>,
    publish_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> PostState {
    let Some(live_from) = published_at.or(publish_at) else {
        return PostState::Draft;
    };
    if expires_at.is_some_and(|expiry| expiry <= now) {
        PostState::Expired
    } else if live_from > now {
        PostState::Scheduled
    } else {
        PostState::Published
    }
}

/// A file or page a post refers to; the portal stores the reference, never the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    /// An `https://` URL (see [`rules::check_url`]).
    pub url: String,
}

/// When a checked post goes live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Kept as a draft.
    Draft,
    /// Published at once.
    Now,
    /// Scheduled for this time (after now).
    At(DateTime<Utc>),
}

impl Release {
    /// The `(published_at, publish_at)` to store, as [`state_at`] reads them.
    pub fn stored_times(
        self,
        now: DateTime<Utc>,
    ) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        match self {
            Release::Draft => (None, None),
            Release::Now => (Some(now), None),
            Release::At(at) => (None, Some(at)),
        }
    }
}

/// A staff member writes a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub school_id: Uuid,
    pub title: String,
    /// Plain text or the small Markdown subset the frontends render (no HTML is interpreted).
    pub body: String,
    pub language: Language,
    pub audience: Audience,
    pub priority: Priority,
    pub pinned: bool,
    /// Off unless the author switches it on (seed 003).
    pub comments_enabled: bool,
    pub confirmation: Confirmation,
    /// Keep it as a draft: not published, not scheduled.
    pub draft: bool,
    /// Publish at this time; `None` publishes at once (unless a draft).
    pub publish_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub attachments: Vec<Attachment>,
}

/// A change to a post: each field that is `Some` replaces the stored value (for the times,
/// `Some(None)` clears them). `release` publishes a draft now (`Release::Now`), schedules it
/// (`Release::At`) or takes a scheduled post back to draft (`Release::Draft`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditPost {
    pub title: Option<String>,
    pub body: Option<String>,
    pub language: Option<Language>,
    pub audience: Option<Audience>,
    pub priority: Option<Priority>,
    pub pinned: Option<bool>,
    pub comments_enabled: Option<bool>,
    pub confirmation: Option<Confirmation>,
    pub release: Option<Release>,
    pub expires_at: Option<Option<DateTime<Utc>>>,
    pub attachments: Option<Vec<Attachment>>,
}

impl EditPost {
    /// Whether the edit changes what guardians read, so the old title and body go to the post's
    /// edit history.
    pub fn changes_content(&self) -> bool {
        self.title.is_some() || self.body.is_some() || self.attachments.is_some()
    }
}

/// One entry of a post's edit history: the title and body as they were before an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub title: String,
    pub body: String,
    pub edited_by: Uuid,
    pub edited_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, hour, 0, 0).unwrap()
    }

    #[test]
    fn every_enum_round_trips_through_its_name_and_unknown_names_are_refused() {
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
            assert_eq!(
                serde_json::to_value(p).unwrap(),
                serde_json::json!(p.as_str())
            );
        }
        for c in Confirmation::ALL {
            assert_eq!(Confirmation::parse(c.as_str()), Some(c));
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::json!(c.as_str())
            );
        }
        for s in PostState::ALL {
            assert_eq!(PostState::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert_eq!(Priority::parse("Urgent"), None);
        assert_eq!(Priority::parse(""), None);
        assert_eq!(Confirmation::parse("per-child"), None);
        assert_eq!(PostState::parse("deleted"), None);
    }

    #[test]
    fn only_urgent_posts_are_urgent_notifications() {
        assert_eq!(Priority::Urgent.urgency(), Urgency::Urgent);
        assert_eq!(Priority::Important.urgency(), Urgency::Normal);
        assert_eq!(Priority::Normal.urgency(), Urgency::Normal);
    }

    #[test]
    fn a_group_audience_is_sorted_deduplicated_and_never_empty() {
        let (a, b) = (Uuid::from_u128(2), Uuid::from_u128(1));
        assert_eq!(
            Audience::groups(vec![a, b, a]),
            Ok(Audience::Groups(vec![b, a]))
        );
        assert_eq!(Audience::groups(vec![]).unwrap_err().code, "required");
        assert_eq!(Audience::parse("school", vec![]), Some(Audience::School));
        assert_eq!(Audience::parse("school", vec![a]), None);
        assert_eq!(Audience::parse("groups", vec![]), None);
        assert_eq!(Audience::parse("class", vec![a]), None);
        assert_eq!(
            Audience::parse("groups", vec![a]).map(|x| x.as_str()),
            Some("groups")
        );
        assert_eq!(
            serde_json::to_value(Audience::Groups(vec![b])).unwrap(),
            serde_json::json!({ "groups": [b] })
        );
    }

    #[test]
    fn a_post_without_times_is_a_draft() {
        assert_eq!(state_at(None, None, None, at(10)), PostState::Draft);
        // An expiry alone does not publish anything.
        assert_eq!(state_at(None, None, Some(at(9)), at(10)), PostState::Draft);
    }

    #[test]
    fn a_scheduled_post_publishes_itself_when_its_time_comes_and_expires_later() {
        let (publish, expiry) = (Some(at(12)), Some(at(18)));
        assert_eq!(
            state_at(None, publish, expiry, at(11)),
            PostState::Scheduled
        );
        assert_eq!(
            state_at(None, publish, expiry, at(12)),
            PostState::Published
        );
        assert_eq!(
            state_at(None, publish, expiry, at(17) + Duration::minutes(59)),
            PostState::Published
        );
        assert_eq!(state_at(None, publish, expiry, at(18)), PostState::Expired);
    }

    #[test]
    fn a_post_published_at_once_stays_published_without_an_expiry() {
        let (published, scheduled) = Release::Now.stored_times(at(8));
        assert_eq!(
            state_at(published, scheduled, None, at(8)),
            PostState::Published
        );
        assert_eq!(
            state_at(published, scheduled, None, at(23)),
            PostState::Published
        );
        assert!(PostState::Published.in_feed());
        assert!(!PostState::Expired.in_feed());
        assert!(!PostState::Scheduled.in_feed());
    }

    #[test]
    fn each_release_stores_the_times_that_give_its_state() {
        let now = at(10);
        let cases = [
            (Release::Draft, PostState::Draft),
            (Release::Now, PostState::Published),
            (Release::At(at(11)), PostState::Scheduled),
        ];
        for (release, state) in cases {
            let (published, scheduled) = release.stored_times(now);
            assert_eq!(
                state_at(published, scheduled, None, now),
                state,
                "{release:?}"
            );
        }
    }

    #[test]
    fn an_edit_of_title_body_or_attachments_goes_to_the_history() {
        assert!(!EditPost::default().changes_content());
        assert!(
            !EditPost {
                pinned: Some(true),
                ..EditPost::default()
            }
            .changes_content()
        );
        assert!(
            EditPost {
                body: Some("Nieuw".into()),
                ..EditPost::default()
            }
            .changes_content()
        );
    }
}
