//! Read confirmation (SPEC §5): a guardian of the audience confirms a post that asks for it, for
//! all their children it reaches; the author and the admins see what is still open. What counts
//! as confirmed (one guardian per child, or one per household of separated parents) is
//! `domain::news::confirm`'s.

use chrono::NaiveDateTime;
use domain::actor::Actor;
use domain::news::confirm::{self as rule, Unit};
use domain::news::{self as domain_news, Confirmation};
use domain::schedule::school_date;
use persistence::news::PostAudience;
use persistence::news::confirmations::{self, OwnChild};
use persistence::roster::PersonName;
use persistence::{AnyConnection, transaction};

use crate::audit::Audit;

use super::read::guardian_post;
use super::{NewsError, StaffPost, author_of, object, refuse, staff_post};

pub(super) const NOT_ASKED: &str = "This post asks for no read confirmation.";

/// Where a guardian stands with a post: what it asks, whether they still have to confirm, and
/// when they confirmed it (first).
pub struct ConfirmationState {
    pub confirmation: Confirmation,
    pub needed: bool,
    pub confirmed_at: Option<NaiveDateTime>,
}

/// Records the caller's confirmation of a post of their feed that asks for it (409 when it asks
/// none), for each of their children it reaches. Twice, or twice at once, writes nothing more and
/// answers the same.
pub fn confirm(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<ConfirmationState, NewsError> {
    let seen = guardian_post(conn, actor, audit, id, "confirm_news_post", now)?;
    let kind = seen.item.post.confirmation()?;
    if kind == Confirmation::None {
        return Err(NewsError::Conflict(NOT_ASKED));
    }
    if !domain_news::may_confirm(actor, seen.reach(now), kind, &seen.child_groups()) {
        return Err(refuse(conn, audit, "confirm_news_post", id, &seen.school));
    }
    let children: Vec<OwnChild> =
        confirmations::own_children(conn, &seen.scope, school_date(now.and_utc()))?;
    let mine = confirmations::in_audience(&children, &seen.item.post, &seen.groups);
    let guardians = seen.scope.guardian_ids().to_vec();
    transaction(conn, |conn| {
        if confirmations::confirm(conn, id, &mine, now)? > 0 {
            audit.record(
                conn,
                "confirm_news_post",
                object(id, seen.school.id()),
                "ok",
            )?;
        }
        let pupils: Vec<String> = mine.iter().map(|l| l.pupil_id.clone()).collect();
        let given = confirmations::given(conn, &[id.to_owned()], Some(&pupils))?
            .remove(id)
            .unwrap_or_default();
        Ok(ConfirmationState {
            confirmation: kind,
            needed: rule::units(kind, &mine, &given)
                .iter()
                .any(|u| !u.confirmed),
            confirmed_at: confirmations::confirmed_at(conn, id, &guardians)?,
        })
    })
}

/// A child with something still open: the child, and per household the guardians of each of its
/// households still open (empty when the child is the unit).
pub struct OpenChild {
    pub pupil_id: String,
    pub name: Option<PersonName>,
    pub households: Vec<Vec<PersonName>>,
}

/// What is confirmed of a post, for its author and the admins: the units (children, or
/// households of children) confirmed and open, and a page of the children still open.
pub struct Overview {
    pub confirmation: Confirmation,
    pub confirmed: usize,
    pub open: usize,
    pub items: Vec<OpenChild>,
    pub next_cursor: Option<String>,
}

/// The post's confirmations: counts, and the children still open by name (after `cursor`, a
/// pupil id, at most `limit`). A fixed number of queries, whatever the audience.
pub fn overview(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    cursor: Option<&str>,
    limit: usize,
    now: NaiveDateTime,
) -> Result<Overview, NewsError> {
    let StaffPost {
        school,
        at,
        post,
        groups,
        audience,
    } = staff_post(conn, actor, audit, id, now)?;
    if !domain_news::may_edit(actor, author_of(&post), at, &audience) {
        return Err(refuse(conn, audit, "read_news_confirmations", id, &school));
    }
    let kind = post.confirmation()?;
    // A group post whose groups are gone reaches no one (as its receipts).
    let links = if kind == Confirmation::None || (post.audience != "school" && groups.is_empty()) {
        Vec::new()
    } else {
        let of = PostAudience {
            school: &school,
            post_id: &post.id,
            groups: &groups,
        };
        confirmations::audience_links(conn, &of)?
    };
    let given = confirmations::given(conn, std::slice::from_ref(&post.id), None)?
        .remove(&post.id)
        .unwrap_or_default();
    let units = rule::units(kind, &links, &given);
    let confirmed = units.iter().filter(|u| u.confirmed).count();
    let open: Vec<&Unit> = units.iter().filter(|u| !u.confirmed).collect();
    // Open units are in child order: a page is the next `limit` children after the cursor.
    let mut children: Vec<&str> = open.iter().map(|u| u.pupil_id.as_str()).collect();
    children.dedup();
    let rest: Vec<&str> = children
        .into_iter()
        .filter(|c| cursor.is_none_or(|cursor| *c > cursor))
        .collect();
    let page: Vec<&str> = rest.iter().take(limit).copied().collect();
    let next_cursor = (rest.len() > limit)
        .then(|| page.last().map(|c| (*c).to_owned()))
        .flatten();
    let on_page: Vec<&Unit> = open
        .iter()
        .filter(|u| page.contains(&u.pupil_id.as_str()))
        .copied()
        .collect();
    let pupil_ids: Vec<String> = page.iter().map(|c| (*c).to_owned()).collect();
    let guardian_ids: Vec<String> = on_page
        .iter()
        .filter(|u| u.household.is_some())
        .flat_map(|u| u.guardians.iter().cloned())
        .collect();
    let (pupil_names, guardian_names) =
        confirmations::names(conn, &school, &pupil_ids, &guardian_ids)?;
    let items = pupil_ids
        .into_iter()
        .map(|pupil_id| OpenChild {
            name: pupil_names.get(&pupil_id).cloned(),
            households: on_page
                .iter()
                .filter(|u| u.pupil_id == pupil_id && u.household.is_some())
                .map(|u| {
                    u.guardians
                        .iter()
                        .filter_map(|g| guardian_names.get(g).cloned())
                        .collect()
                })
                .collect(),
            pupil_id,
        })
        .collect();
    audit.read(conn, object(id, school.id()))?;
    Ok(Overview {
        confirmation: kind,
        confirmed,
        open: open.len(),
        items,
        next_cursor,
    })
}
