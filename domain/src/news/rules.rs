//! The pure checks of news: what a post, an edit and a comment may hold, and when a post goes
//! live. Refusals name the field (`title`, `attachments[2].url`, ...) in the shape change
//! requests use, so the API answers every module's validation errors alike.

use chrono::{DateTime, Duration, Utc};

use super::{Attachment, Audience, EditPost, NewPost, PostState, Release};
use crate::Invalid;
use crate::change_request::{Refusal, refusal};
use crate::mail::Language;

/// Longest title, in characters after trimming: our choice, documented in the contract (SPEC §5
/// is silent); a headline, not a paragraph.
pub const MAX_TITLE_LENGTH: usize = 200;
/// Longest body: our choice, documented in the contract (SPEC §5 is silent); a long letter fits,
/// and the request size limit (SPEC §13) stays far away.
pub const MAX_BODY_LENGTH: usize = 20_000;
/// Most attachments on one post: our choice, documented in the contract (SPEC §5 is silent).
pub const MAX_ATTACHMENTS: usize = 10;
/// Longest attachment name: our choice, documented in the contract.
pub const MAX_ATTACHMENT_NAME_LENGTH: usize = 200;
/// Longest attachment URL: our choice, documented in the contract; the length browsers and
/// proxies reliably handle.
pub const MAX_URL_LENGTH: usize = 2_000;
/// Most groups in one audience: our choice, documented in the contract; more than any school has
/// (SPEC §1: groups 1–8 or classes), and it keeps the audience query bounded.
pub const MAX_AUDIENCE_GROUPS: usize = 100;
/// Longest comment: our choice, documented in the contract (SPEC §5 is silent).
pub const MAX_COMMENT_LENGTH: usize = 2_000;
/// How far in the past a scheduled time may lie and still count as "now": our choice, documented
/// in the contract; covers the clock of the author's device and the time a request takes. Later
/// than that in the past is refused, so a post cannot slip in behind posts guardians already saw.
pub const SCHEDULE_TOLERANCE_MINUTES: i64 = 5;

/// A post as checked: its values as they will be stored (trimmed, audience sorted), and when it
/// goes live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPost {
    pub post: NewPost,
    pub release: Release,
}

/// Where a stored post stands, for checking an edit of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostTimes {
    pub state: PostState,
    /// When it went or goes live (`published_at`, else `publish_at`); `None` for a draft.
    pub live_from: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A required single-line text: trimmed, `1..=max` characters, no control characters.
pub fn check_line(value: &str, max: usize) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new("required", "must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(Invalid::new(
            "invalid_characters",
            "contains control characters",
        ));
    }
    if value.chars().count() > max {
        return Err(Invalid::new(
            "too_long",
            format!("is longer than {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// A required text of several lines: trimmed, `1..=max` characters, no control characters but
/// line breaks and tabs.
pub fn check_text(value: &str, max: usize) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new("required", "must not be empty"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Invalid::new(
            "invalid_characters",
            "contains control characters",
        ));
    }
    if value.chars().count() > max {
        return Err(Invalid::new(
            "too_long",
            format!("is longer than {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

pub fn check_title(title: &str) -> Result<String, Invalid> {
    check_line(title, MAX_TITLE_LENGTH)
}

/// The body is text: plain, or the small Markdown subset the frontends render. It is stored as
/// written; no HTML in it is ever interpreted, so there is nothing to sanitise here.
pub fn check_body(body: &str) -> Result<String, Invalid> {
    check_text(body, MAX_BODY_LENGTH)
}

/// A comment's body (field `body`).
pub fn check_comment(body: &str) -> Result<String, Refusal> {
    check_text(body, MAX_COMMENT_LENGTH).map_err(|reason| refusal("body", reason))
}

/// A post's language: those the portal writes mail in, as change requests use (`nl`, `en`).
pub fn parse_language(tag: &str) -> Result<Language, Refusal> {
    Language::parse(tag).ok_or_else(|| {
        refusal(
            "language",
            Invalid::new("unsupported_language", "must be one of: nl, en"),
        )
    })
}

/// An attachment's URL: `https://`, a host, no user name or password in it (`https://school.nl@
/// evil.example` reads as the school's), and no IP literal of a private network. The scheme and
/// host rule is `network::may_fetch`'s with private networks refused: the link is opened on
/// guardians' devices, so the same rule keeps posts from pointing those at a home network. The
/// split into scheme and host is a simple one on purpose (no URL crate in `domain`): everything
/// up to the first `/`, `?` or `#` after `://` is the authority.
pub fn check_url(url: &str) -> Result<(), Invalid> {
    if url.chars().count() > MAX_URL_LENGTH {
        return Err(Invalid::new(
            "too_long",
            format!("is longer than {MAX_URL_LENGTH} characters"),
        ));
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Invalid::new(
            "invalid_url",
            "contains spaces or control characters",
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(Invalid::new("invalid_url", "must be an https:// URL"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(Invalid::new(
            "invalid_url",
            "must not hold a user name or password",
        ));
    }
    // The host without a port; IPv6 literals keep their brackets.
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            host
        }
        _ => authority,
    };
    // An IPv6 literal only in brackets; a bare one would be read as a host name.
    let bracketed = host.starts_with('[') && host.ends_with(']');
    if host.contains(':') && !bracketed {
        return Err(Invalid::new("invalid_url", "has an invalid host"));
    }
    crate::network::may_fetch(&scheme.to_ascii_lowercase(), Some(host), false)
        .map_err(|message| Invalid::new("invalid_url", message))
}

/// The attachments, trimmed: at most [`MAX_ATTACHMENTS`], each with a name and an `https://`
/// URL. Refusals name `attachments` or `attachments[i].name` / `attachments[i].url`.
pub fn check_attachments(attachments: &[Attachment]) -> Result<Vec<Attachment>, Vec<Refusal>> {
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(vec![refusal(
            "attachments",
            Invalid::new(
                "too_many",
                format!("holds more than {MAX_ATTACHMENTS} attachments"),
            ),
        )]);
    }
    let mut refusals = Vec::new();
    let mut checked = Vec::new();
    for (i, attachment) in attachments.iter().enumerate() {
        let name = check_line(&attachment.name, MAX_ATTACHMENT_NAME_LENGTH)
            .map_err(|reason| refusal(format!("attachments[{i}].name"), reason));
        let url = attachment.url.trim();
        let url = check_url(url)
            .map(|()| url.to_owned())
            .map_err(|reason| refusal(format!("attachments[{i}].url"), reason));
        match (name, url) {
            (Ok(name), Ok(url)) => checked.push(Attachment { name, url }),
            (name, url) => refusals.extend(name.err().into_iter().chain(url.err())),
        }
    }
    if refusals.is_empty() {
        Ok(checked)
    } else {
        Err(refusals)
    }
}

/// A group audience holds `1..=`[`MAX_AUDIENCE_GROUPS`] groups (counted without duplicates).
pub fn check_group_count(groups: usize) -> Result<(), Invalid> {
    if groups == 0 {
        Err(Invalid::new("required", "must name at least one group"))
    } else if groups > MAX_AUDIENCE_GROUPS {
        Err(Invalid::new(
            "too_many",
            format!("names more than {MAX_AUDIENCE_GROUPS} groups"),
        ))
    } else {
        Ok(())
    }
}

/// The audience as stored: a group list sorted and de-duplicated, never empty (field
/// `audience`).
pub fn check_audience(audience: Audience) -> Result<Audience, Refusal> {
    match audience {
        Audience::School => Ok(Audience::School),
        Audience::Groups(groups) => {
            Audience::groups(groups).map_err(|reason| refusal("audience", reason))
        }
    }
}

/// When a post goes live: a draft stays one; no time is now; a time at most
/// [`SCHEDULE_TOLERANCE_MINUTES`] in the past is now; a later time is scheduled; an earlier one
/// is refused (field `publish_at`). A draft has no time: saving one with a time would leave it
/// unclear whether it is scheduled, so that is refused too.
pub fn check_release(
    draft: bool,
    publish_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Release, Refusal> {
    match (draft, publish_at) {
        (true, None) => Ok(Release::Draft),
        (true, Some(_)) => Err(refusal(
            "publish_at",
            Invalid::new(
                "draft_not_scheduled",
                "a draft has no publication time; schedule it when it is no longer a draft",
            ),
        )),
        (false, None) => Ok(Release::Now),
        (false, Some(at)) => release_at(at, now),
    }
}

fn release_at(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<Release, Refusal> {
    if at > now {
        Ok(Release::At(at))
    } else if now - at <= Duration::minutes(SCHEDULE_TOLERANCE_MINUTES) {
        Ok(Release::Now)
    } else {
        Err(refusal(
            "publish_at",
            Invalid::new("in_the_past", "must not lie in the past"),
        ))
    }
}

/// An expiry lies after the moment the post goes live (for a draft: after now), or the post
/// would never be seen (field `expires_at`).
fn check_expiry(
    expires_at: Option<DateTime<Utc>>,
    live_from: DateTime<Utc>,
) -> Result<(), Refusal> {
    match expires_at {
        Some(expiry) if expiry <= live_from => Err(refusal(
            "expires_at",
            Invalid::new("before_publication", "must lie after the publication time"),
        )),
        _ => Ok(()),
    }
}

fn live_from(release: Release, now: DateTime<Utc>) -> DateTime<Utc> {
    match release {
        Release::At(at) => at,
        Release::Draft | Release::Now => now,
    }
}

/// Checks a new post at `now` and gives it back as it will be stored, with when it goes live.
/// Every refusal is returned at once, each naming its field.
pub fn check_new_post(post: NewPost, now: DateTime<Utc>) -> Result<CheckedPost, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let mut keep = |field: &str, result: Result<String, Invalid>| match result {
        Ok(value) => value,
        Err(reason) => {
            refusals.push(refusal(field, reason));
            String::new()
        }
    };
    let title = keep("title", check_title(&post.title));
    let body = keep("body", check_body(&post.body));
    let audience = check_audience(post.audience.clone()).unwrap_or_else(|r| {
        refusals.push(r);
        Audience::School
    });
    let attachments = check_attachments(&post.attachments).unwrap_or_else(|r| {
        refusals.extend(r);
        Vec::new()
    });
    let release = match check_release(post.draft, post.publish_at, now) {
        Ok(release) => Some(release),
        Err(r) => {
            refusals.push(r);
            None
        }
    };
    if let Some(release) = release
        && let Err(r) = check_expiry(post.expires_at, live_from(release, now))
    {
        refusals.push(r);
    }
    match release {
        Some(release) if refusals.is_empty() => Ok(CheckedPost {
            post: NewPost {
                title,
                body,
                audience,
                attachments,
                // A post published at once has no scheduled time to keep.
                publish_at: match release {
                    Release::At(at) => Some(at),
                    Release::Draft | Release::Now => None,
                },
                ..post
            },
            release,
        }),
        _ => Err(refusals),
    }
}

/// Checks an edit of a post that stands at `current`, and gives it back as it will be stored.
/// A post guardians have seen (published or expired) cannot go back to draft or be rescheduled
/// (field `release`); the expiry must lie after the (new) publication time.
pub fn check_edit(
    edit: EditPost,
    current: PostTimes,
    now: DateTime<Utc>,
) -> Result<EditPost, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let mut checked = edit.clone();
    let mut keep =
        |field: &str, value: Option<&String>, check: fn(&str) -> Result<String, Invalid>| {
            value.and_then(|v| match check(v) {
                Ok(v) => Some(v),
                Err(reason) => {
                    refusals.push(refusal(field, reason));
                    None
                }
            })
        };
    checked.title = keep("title", edit.title.as_ref(), check_title);
    checked.body = keep("body", edit.body.as_ref(), check_body);
    if let Some(audience) = edit.audience {
        match check_audience(audience) {
            Ok(audience) => checked.audience = Some(audience),
            Err(r) => refusals.push(r),
        }
    }
    if let Some(attachments) = &edit.attachments {
        match check_attachments(attachments) {
            Ok(attachments) => checked.attachments = Some(attachments),
            Err(r) => refusals.extend(r),
        }
    }
    let mut live = current.live_from;
    if let Some(release) = edit.release {
        let seen = matches!(current.state, PostState::Published | PostState::Expired);
        let release = match release {
            _ if seen => Err(refusal(
                "release",
                Invalid::new(
                    "already_published",
                    "guardians have seen this post; it cannot be unpublished or rescheduled",
                ),
            )),
            Release::At(at) => release_at(at, now),
            other => Ok(other),
        };
        match release {
            Ok(release) => {
                checked.release = Some(release);
                live = match release {
                    Release::Draft => None,
                    other => Some(live_from(other, now)),
                };
            }
            Err(r) => refusals.push(r),
        }
    }
    // A new expiry, or the stored one against a new publication time.
    if edit.expires_at.is_some() || edit.release.is_some() {
        let expiry = edit.expires_at.unwrap_or(current.expires_at);
        if let Err(r) = check_expiry(expiry, live.unwrap_or(now)) {
            refusals.push(r);
        }
    }
    if refusals.is_empty() {
        Ok(checked)
    } else {
        Err(refusals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::news::{Confirmation, Priority};
    use chrono::TimeZone;
    use uuid::Uuid;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
    }

    fn post() -> NewPost {
        NewPost {
            school_id: Uuid::from_u128(10),
            title: "  Sinterklaas op school ".into(),
            body: "Vrijdag komt de Sint.\nNeem een schoen mee.".into(),
            language: Language::Dutch,
            audience: Audience::Groups(vec![Uuid::from_u128(2), Uuid::from_u128(1)]),
            priority: Priority::Important,
            pinned: false,
            comments_enabled: false,
            confirmation: Confirmation::PerHousehold,
            draft: false,
            publish_at: None,
            expires_at: None,
            attachments: vec![Attachment {
                name: " Programma ".into(),
                url: "https://school.example.nl/sint.pdf".into(),
            }],
        }
    }

    fn fields(result: Result<CheckedPost, Vec<Refusal>>) -> Vec<(String, &'static str)> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.field, r.reason.code))
            .collect()
    }

    #[test]
    fn a_valid_post_is_stored_trimmed_with_a_sorted_audience_and_published_now() {
        let checked = check_new_post(post(), now()).unwrap();
        assert_eq!(checked.release, Release::Now);
        assert_eq!(checked.post.title, "Sinterklaas op school");
        assert_eq!(checked.post.attachments[0].name, "Programma");
        assert_eq!(
            checked.post.audience,
            Audience::Groups(vec![Uuid::from_u128(1), Uuid::from_u128(2)])
        );
    }

    #[test]
    fn validation_errors_name_the_field() {
        let bad = NewPost {
            title: " ".into(),
            body: "x".repeat(MAX_BODY_LENGTH + 1),
            audience: Audience::Groups(vec![]),
            attachments: vec![
                Attachment {
                    name: "ok".into(),
                    url: "http://school.example.nl/a.pdf".into(),
                },
                Attachment {
                    name: "".into(),
                    url: "https://school.example.nl/b.pdf".into(),
                },
            ],
            publish_at: Some(now() - Duration::hours(1)),
            ..post()
        };
        assert_eq!(
            fields(check_new_post(bad, now())),
            vec![
                ("title".to_owned(), "required"),
                ("body".to_owned(), "too_long"),
                ("audience".to_owned(), "required"),
                ("attachments[0].url".to_owned(), "invalid_url"),
                ("attachments[1].name".to_owned(), "required"),
                ("publish_at".to_owned(), "in_the_past"),
            ]
        );
    }

    #[test]
    fn titles_bodies_and_comments_have_their_limits() {
        // Our choice, documented in the contract: title 200, body 20 000, comment 2 000.
        assert!(check_title(&"é".repeat(MAX_TITLE_LENGTH)).is_ok());
        assert_eq!(
            check_title(&"é".repeat(MAX_TITLE_LENGTH + 1))
                .unwrap_err()
                .code,
            "too_long"
        );
        assert_eq!(
            check_title("Regel\neen").unwrap_err().code,
            "invalid_characters"
        );
        assert!(check_body(&"x".repeat(MAX_BODY_LENGTH)).is_ok());
        assert_eq!(
            check_body("bel \u{7} me").unwrap_err().code,
            "invalid_characters"
        );
        assert_eq!(check_comment("  Dank! ").unwrap(), "Dank!");
        let long = check_comment(&"x".repeat(MAX_COMMENT_LENGTH + 1)).unwrap_err();
        assert_eq!(
            (long.field.as_str(), long.reason.code),
            ("body", "too_long")
        );
        assert_eq!(check_comment("").unwrap_err().reason.code, "required");
    }

    #[test]
    fn the_language_is_one_the_portal_writes_in() {
        assert_eq!(parse_language("nl"), Ok(Language::Dutch));
        assert_eq!(parse_language("en"), Ok(Language::English));
        for tag in ["de", "NL", "nl-NL", ""] {
            let refused = parse_language(tag).unwrap_err();
            assert_eq!(
                (refused.field.as_str(), refused.reason.code),
                ("language", "unsupported_language"),
                "{tag:?}"
            );
        }
    }

    #[test]
    fn attachment_urls_are_https_to_a_public_host_without_credentials() {
        for url in [
            "https://school.example.nl/a.pdf",
            "HTTPS://school.example.nl",
            "https://school.example.nl:8443/a?b=c#d",
            "https://[2a00:1450:4001::1]:443/x",
        ] {
            assert_eq!(check_url(url), Ok(()), "{url}");
        }
        for url in [
            "http://school.example.nl/a.pdf",
            "javascript:alert(1)",
            "school.example.nl/a.pdf",
            "https:///a.pdf",
            "https://school.example.nl@evil.example/a.pdf",
            "https://192.168.1.1/router",
            "https://[::1]/x",
            "https://[2001:db8::1]/documentation-only",
            "https://::ffff:10.0.0.1/x",
            "https://2a00:1450:4001::1/x",
            "https://school.example.nl/a b.pdf",
            "ftp://school.example.nl/a.pdf",
        ] {
            assert!(check_url(url).is_err(), "{url}");
        }
        let long = format!("https://school.example.nl/{}", "a".repeat(MAX_URL_LENGTH));
        assert_eq!(check_url(&long).unwrap_err().code, "too_long");
    }

    #[test]
    fn at_most_ten_attachments() {
        let one = Attachment {
            name: "a".into(),
            url: "https://school.example.nl/a".into(),
        };
        assert!(check_attachments(&vec![one.clone(); MAX_ATTACHMENTS]).is_ok());
        let refused = check_attachments(&vec![one; MAX_ATTACHMENTS + 1]).unwrap_err();
        assert_eq!(refused.len(), 1);
        assert_eq!(
            (refused[0].field.as_str(), refused[0].reason.code),
            ("attachments", "too_many")
        );
    }

    #[test]
    fn a_group_audience_holds_one_to_a_hundred_distinct_groups() {
        let many = |n: u128| Audience::Groups((0..n).map(Uuid::from_u128).collect());
        assert!(check_audience(many(MAX_AUDIENCE_GROUPS as u128)).is_ok());
        let refused = check_audience(many(MAX_AUDIENCE_GROUPS as u128 + 1)).unwrap_err();
        assert_eq!(
            (refused.field.as_str(), refused.reason.code),
            ("audience", "too_many")
        );
        // Duplicates count once.
        let twice = Audience::Groups(vec![Uuid::from_u128(1); MAX_AUDIENCE_GROUPS + 1]);
        assert_eq!(
            check_audience(twice),
            Ok(Audience::Groups(vec![Uuid::from_u128(1)]))
        );
        assert_eq!(check_audience(Audience::School), Ok(Audience::School));
    }

    #[test]
    fn scheduling_takes_a_future_time_and_a_few_minutes_of_clock_difference() {
        let later = now() + Duration::hours(2);
        assert_eq!(
            check_release(false, Some(later), now()),
            Ok(Release::At(later))
        );
        assert_eq!(check_release(false, None, now()), Ok(Release::Now));
        let just_past = now() - Duration::minutes(SCHEDULE_TOLERANCE_MINUTES);
        assert_eq!(
            check_release(false, Some(just_past), now()),
            Ok(Release::Now)
        );
        let too_far = just_past - Duration::seconds(1);
        assert_eq!(
            check_release(false, Some(too_far), now())
                .unwrap_err()
                .reason
                .code,
            "in_the_past"
        );
        assert_eq!(check_release(true, None, now()), Ok(Release::Draft));
        let draft_with_time = check_release(true, Some(later), now()).unwrap_err();
        assert_eq!(
            (draft_with_time.field.as_str(), draft_with_time.reason.code),
            ("publish_at", "draft_not_scheduled")
        );
    }

    #[test]
    fn an_expiry_lies_after_the_publication_time() {
        let publish = now() + Duration::days(1);
        let scheduled = |expires_at| NewPost {
            publish_at: Some(publish),
            expires_at: Some(expires_at),
            ..post()
        };
        assert!(check_new_post(scheduled(publish + Duration::hours(1)), now()).is_ok());
        // After now, but before the scheduled publication.
        assert_eq!(
            fields(check_new_post(scheduled(now() + Duration::hours(1)), now())),
            vec![("expires_at".to_owned(), "before_publication")]
        );
        let immediate = NewPost {
            expires_at: Some(now()),
            ..post()
        };
        assert_eq!(
            fields(check_new_post(immediate, now())),
            vec![("expires_at".to_owned(), "before_publication")]
        );
    }

    #[test]
    fn a_post_guardians_have_seen_cannot_be_unpublished_or_rescheduled() {
        let published = PostTimes {
            state: PostState::Published,
            live_from: Some(now() - Duration::days(1)),
            expires_at: None,
        };
        for release in [Release::Draft, Release::At(now() + Duration::days(1))] {
            let edit = EditPost {
                release: Some(release),
                ..EditPost::default()
            };
            let refused = check_edit(edit, published, now()).unwrap_err();
            assert_eq!(
                (refused[0].field.as_str(), refused[0].reason.code),
                ("release", "already_published")
            );
        }
        let retitled = EditPost {
            title: Some(" Nieuwe titel ".into()),
            ..EditPost::default()
        };
        assert_eq!(
            check_edit(retitled, published, now()).unwrap().title,
            Some("Nieuwe titel".to_owned())
        );
    }

    #[test]
    fn rescheduling_checks_the_stored_expiry_against_the_new_time() {
        let scheduled = PostTimes {
            state: PostState::Scheduled,
            live_from: Some(now() + Duration::hours(1)),
            expires_at: Some(now() + Duration::hours(3)),
        };
        let later = EditPost {
            release: Some(Release::At(now() + Duration::hours(4))),
            ..EditPost::default()
        };
        let refused = check_edit(later.clone(), scheduled, now()).unwrap_err();
        assert_eq!(
            (refused[0].field.as_str(), refused[0].reason.code),
            ("expires_at", "before_publication")
        );
        let with_new_expiry = EditPost {
            expires_at: Some(Some(now() + Duration::hours(5))),
            ..later
        };
        assert!(check_edit(with_new_expiry, scheduled, now()).is_ok());
        let edit_errors = EditPost {
            body: Some(String::new()),
            audience: Some(Audience::Groups(vec![])),
            ..EditPost::default()
        };
        let fields: Vec<String> = check_edit(edit_errors, scheduled, now())
            .unwrap_err()
            .into_iter()
            .map(|r| r.field)
            .collect();
        assert_eq!(fields, vec!["body", "audience"]);
    }
}
