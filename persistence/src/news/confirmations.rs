//! Read confirmations (SPEC §5): who of a post's audience confirmed it, for which child and from
//! which household; what is still open is decided by `domain::news::confirm`.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::news::confirm::{self, AudienceLink, Given};
use domain::news::{Confirmation, PostState, state_at};

use super::queries::{FeedScope, groups_of};
use super::receipts::PostAudience;
use super::rows::PostRow;
use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::modules::ModuleSchool;
use crate::roster::PersonName;
use crate::schema::{
    accounts, enrolments, guardian_pupils, guardians, news_confirmations, news_posts, pupils,
    school_groups, school_years,
};

type LinkTuple = (String, String, String, bool);

fn to_link((pupil_id, guardian_id, household, parents_separated): LinkTuple) -> AudienceLink {
    AudienceLink {
        pupil_id,
        guardian_id,
        household,
        parents_separated,
    }
}

/// The audience's links at `school_id`: active guardians with their current pupils, of `groups`
/// when given (`Some(&[])`: nobody). One query.
fn links_at(
    conn: &mut AnyConnection,
    school_id: &str,
    groups: Option<&[String]>,
) -> Result<Vec<AudienceLink>, RepoError> {
    if groups.is_some_and(<[String]>::is_empty) {
        return Ok(Vec::new());
    }
    let mut query = guardian_pupils::table
        .inner_join(guardians::table)
        .inner_join(pupils::table)
        .filter(guardians::school_id.eq(school_id.to_owned()))
        .filter(guardians::deactivated_at.is_null())
        .filter(pupils::school_id.eq(school_id.to_owned()))
        .filter(pupils::left_on.is_null())
        .select((
            guardian_pupils::pupil_id,
            guardian_pupils::guardian_id,
            guardian_pupils::household,
            pupils::parents_separated,
        ))
        .into_boxed();
    if let Some(groups) = groups {
        let in_groups = enrolments::table
            .filter(enrolments::group_id.eq_any(groups.to_vec()))
            .select(enrolments::pupil_id);
        query = query.filter(pupils::id.eq_any(in_groups));
    }
    let rows: Vec<LinkTuple> = query.load(conn)?;
    Ok(rows.into_iter().map(to_link).collect())
}

/// The links of a post's audience (the whole school when `groups` is empty: the caller tells a
/// group post whose groups are gone apart, as for receipts).
pub fn audience_links(
    conn: &mut AnyConnection,
    of: &PostAudience<'_>,
) -> Result<Vec<AudienceLink>, RepoError> {
    let groups = (!of.groups.is_empty()).then_some(of.groups);
    links_at(conn, of.school.id(), groups)
}

/// The confirmations given for these posts (all children, or only `pupils`), by post: one query.
pub fn given(
    conn: &mut AnyConnection,
    posts: &[String],
    pupils: Option<&[String]>,
) -> Result<HashMap<String, Vec<Given>>, RepoError> {
    let mut query = news_confirmations::table
        .filter(news_confirmations::post_id.eq_any(posts.to_vec()))
        .select((
            news_confirmations::post_id,
            news_confirmations::pupil_id,
            news_confirmations::household,
        ))
        .into_boxed();
    if let Some(pupils) = pupils {
        query = query.filter(news_confirmations::pupil_id.eq_any(pupils.to_vec()));
    }
    let rows: Vec<(String, String, String)> = query.load(conn)?;
    let mut by_post: HashMap<String, Vec<Given>> = HashMap::new();
    for (post, pupil_id, household) in rows {
        by_post.entry(post).or_default().push(Given {
            pupil_id,
            household,
        });
    }
    Ok(by_post)
}

/// Records the guardian's confirmation of a post for each of these links (their children in its
/// audience), once: rows already there stay as they are, also when a parallel call wrote them a
/// moment before. The number of rows written.
pub fn confirm(
    conn: &mut AnyConnection,
    post_id: &str,
    links: &[AudienceLink],
    now: NaiveDateTime,
) -> Result<usize, RepoError> {
    let mut written = 0;
    for link in links {
        let values = (
            news_confirmations::post_id.eq(post_id),
            news_confirmations::pupil_id.eq(&link.pupil_id),
            news_confirmations::guardian_id.eq(&link.guardian_id),
            news_confirmations::household.eq(&link.household),
            news_confirmations::confirmed_at.eq(now),
        );
        written += on_backend!(conn, c => diesel::insert_into(news_confirmations::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(written)
}

/// When these guardian records first confirmed the post; `None` when they have not.
pub fn confirmed_at(
    conn: &mut AnyConnection,
    post_id: &str,
    guardian_ids: &[String],
) -> Result<Option<NaiveDateTime>, RepoError> {
    Ok(news_confirmations::table
        .filter(news_confirmations::post_id.eq(post_id))
        .filter(news_confirmations::guardian_id.eq_any(guardian_ids))
        .select(diesel::dsl::min(news_confirmations::confirmed_at))
        .get_result(conn)?)
}

/// One of the scope's guardian's current children, with the school and this year's groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnChild {
    pub school_id: String,
    pub link: AudienceLink,
    pub groups: Vec<String>,
}

/// The scope's guardian's links with their current children and those children's groups of a
/// school year that has not ended `today`: two queries.
pub fn own_children(
    conn: &mut AnyConnection,
    scope: &FeedScope,
    today: NaiveDate,
) -> Result<Vec<OwnChild>, RepoError> {
    if scope.guardian_ids().is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, LinkTuple)> = guardian_pupils::table
        .inner_join(guardians::table)
        .inner_join(pupils::table)
        .filter(guardian_pupils::guardian_id.eq_any(scope.guardian_ids()))
        .filter(guardians::deactivated_at.is_null())
        .filter(pupils::left_on.is_null())
        .select((
            pupils::school_id,
            (
                guardian_pupils::pupil_id,
                guardian_pupils::guardian_id,
                guardian_pupils::household,
                pupils::parents_separated,
            ),
        ))
        .load(conn)?;
    let children: Vec<String> = rows.iter().map(|(_, link)| link.0.clone()).collect();
    let enrolled: Vec<(String, String)> = enrolments::table
        .inner_join(school_groups::table.inner_join(school_years::table))
        .filter(enrolments::pupil_id.eq_any(children))
        .filter(school_years::ends_on.ge(today))
        .select((enrolments::pupil_id, enrolments::group_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(school_id, link)| OwnChild {
            groups: enrolled
                .iter()
                .filter(|(pupil, _)| *pupil == link.0)
                .map(|(_, group)| group.clone())
                .collect(),
            school_id,
            link: to_link(link),
        })
        .collect())
}

/// Of the guardian's children, the links of those a post reaches: at its school, and for a group
/// post in one of its groups.
pub fn in_audience(children: &[OwnChild], post: &PostRow, groups: &[String]) -> Vec<AudienceLink> {
    children
        .iter()
        .filter(|c| c.school_id == post.school_id)
        .filter(|c| post.audience == "school" || c.groups.iter().any(|g| groups.contains(g)))
        .map(|c| c.link.clone())
        .collect()
}

/// The names of these pupils and guardians of `school`, by id: two queries.
pub fn names(
    conn: &mut AnyConnection,
    school: &ModuleSchool,
    pupil_ids: &[String],
    guardian_ids: &[String],
) -> Result<(Names, Names), RepoError> {
    let person = |(id, first_name, name_prefix, last_name): NameTuple| {
        (
            id,
            PersonName {
                first_name,
                name_prefix,
                last_name,
            },
        )
    };
    let children: Vec<NameTuple> = if pupil_ids.is_empty() {
        Vec::new()
    } else {
        pupils::table
            .filter(pupils::school_id.eq(school.id()))
            .filter(pupils::id.eq_any(pupil_ids))
            .select((
                pupils::id,
                pupils::first_name,
                pupils::name_prefix,
                pupils::last_name,
            ))
            .load(conn)?
    };
    let adults: Vec<NameTuple> = if guardian_ids.is_empty() {
        Vec::new()
    } else {
        guardians::table
            .filter(guardians::school_id.eq(school.id()))
            .filter(guardians::id.eq_any(guardian_ids))
            .select((
                guardians::id,
                guardians::first_name,
                guardians::name_prefix,
                guardians::last_name,
            ))
            .load(conn)?
    };
    Ok((
        children.into_iter().map(person).collect(),
        adults.into_iter().map(person).collect(),
    ))
}

type NameTuple = (String, String, Option<String>, String);

/// Names by id.
pub type Names = HashMap<String, PersonName>;

/// A post as [`owed`] needs it: its row and its groups (empty for the whole school).
pub struct PostAndGroups<'a> {
    pub post: &'a PostRow,
    pub groups: &'a [String],
}

/// Which of these posts the scope's guardian still has to confirm (SPEC §5): those that ask for
/// confirmation where a child of theirs in the audience (or, per household, their household with
/// it) is still open. At most three queries for any number of posts.
pub fn owed(
    conn: &mut AnyConnection,
    scope: &FeedScope,
    posts: &[PostAndGroups<'_>],
    today: NaiveDate,
) -> Result<HashSet<String>, RepoError> {
    let asking: Vec<(&PostAndGroups<'_>, Confirmation)> = posts
        .iter()
        .map(|p| Ok((p, p.post.confirmation()?)))
        .collect::<Result<Vec<_>, RepoError>>()?
        .into_iter()
        .filter(|(_, kind)| *kind != Confirmation::None)
        .collect();
    if asking.is_empty() {
        return Ok(HashSet::new());
    }
    let children = own_children(conn, scope, today)?;
    let pupils: Vec<String> = children.iter().map(|c| c.link.pupil_id.clone()).collect();
    let ids: Vec<String> = asking.iter().map(|(p, _)| p.post.id.clone()).collect();
    let given = given(conn, &ids, Some(&pupils))?;
    Ok(asking
        .into_iter()
        .filter(|(p, kind)| {
            let mine = in_audience(&children, p.post, p.groups);
            let given = given.get(&p.post.id).map(Vec::as_slice).unwrap_or(&[]);
            confirm::units(*kind, &mine, given)
                .iter()
                .any(|unit| !unit.confirmed)
        })
        .map(|(p, _)| p.post.id.clone())
        .collect())
}

/// The accounts of the guardians who still owe a confirmation of a post (SPEC §5: the resend goes
/// to those who have not confirmed): per child, every active guardian of an unconfirmed child of
/// its audience; per household, the guardians of each household still open. Only for a post that
/// asks for confirmation and is published now (not a draft, not scheduled, not expired or
/// deleted); guardians without an account, or whose account is disabled, have no account to
/// name. Sorted, each once. For the notification engine, which decides whether to send: five
/// queries at most.
pub fn unconfirmed_accounts(
    conn: &mut AnyConnection,
    post_id: &str,
) -> Result<Vec<String>, RepoError> {
    let Some(post) = news_posts::table
        .filter(news_posts::id.eq(post_id))
        .filter(news_posts::deleted_at.is_null())
        .select(PostRow::as_select())
        .get_result(conn)
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let kind = post.confirmation()?;
    let state = state_at(
        post.published_at.map(|t| t.and_utc()),
        post.publish_at.map(|t| t.and_utc()),
        post.expires_at.map(|t| t.and_utc()),
        chrono::Utc::now(),
    );
    if kind == Confirmation::None || state != PostState::Published {
        return Ok(Vec::new());
    }
    let groups = if post.audience == "school" {
        None
    } else {
        Some(
            groups_of(conn, std::slice::from_ref(&post.id))?
                .remove(&post.id)
                .unwrap_or_default(),
        )
    };
    let links = links_at(conn, &post.school_id, groups.as_deref())?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let given = given(conn, std::slice::from_ref(&post.id), None)?
        .remove(&post.id)
        .unwrap_or_default();
    let owing = confirm::owing(kind, &links, &given);
    if owing.is_empty() {
        return Ok(Vec::new());
    }
    let mut accounts: Vec<String> = guardians::table
        .inner_join(accounts::table.on(guardians::account_id.eq(accounts::id.nullable())))
        .filter(guardians::id.eq_any(&owing))
        .filter(guardians::deactivated_at.is_null())
        .filter(accounts::disabled_at.is_null())
        .select(accounts::id)
        .distinct()
        .load(conn)?;
    accounts.sort();
    Ok(accounts)
}
