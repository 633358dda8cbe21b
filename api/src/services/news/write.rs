//! Staff write news: publish (or save a draft, or schedule) and delete.

use chrono::NaiveDateTime;
use domain::Invalid;
use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::modules::{Capacity, Module};
use domain::news::{self as domain_news, NewPost};
use domain::policy::SchoolAction;
use persistence::news;
use persistence::{AnyConnection, transaction};

use crate::audit::{Audit, Object};
use crate::services::{module_school_as, school_ref};

use super::{NewsError, PostView, StaffPost, author_of, object, one, refuse, staff_post};

/// Whether the caller may post news at the school at all (the module on for them as staff, and
/// `PostNews` theirs there: 404 or 403 otherwise), before the post itself is read: the audience
/// is checked by [`publish`].
pub fn may_publish(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
) -> Result<(), NewsError> {
    module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::News,
        Capacity::Staff,
        Some(SchoolAction::PostNews),
    )?;
    Ok(())
}

/// Publishes (or saves as a draft, or schedules) a post at a school: a teacher to their own
/// groups, an admin to the whole school or any of its current groups.
pub fn publish(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    school_id: &str,
    post: NewPost,
    now: NaiveDateTime,
) -> Result<PostView, NewsError> {
    let school = module_school_as(
        conn,
        actor,
        audit,
        school_id,
        Module::News,
        Capacity::Staff,
        Some(SchoolAction::PostNews),
    )?;
    let checked = domain_news::check_new_post(post, now.and_utc()).map_err(NewsError::Refused)?;
    let at = school_ref(school.row());
    if !domain_news::may_post(actor, at, &checked.post.audience) {
        let refused = object("", school_id);
        audit.record(
            conn,
            "create_news_post",
            Object {
                id: None,
                ..refused
            },
            "forbidden",
        )?;
        return Err(NewsError::Forbidden);
    }
    let author = actor.account_id.to_string();
    transaction(conn, |conn| {
        let id = news::insert(conn, &school, &checked, &author, now)?.ok_or_else(|| {
            NewsError::Refused(vec![Refusal {
                field: "audience.group_ids".to_owned(),
                reason: Invalid {
                    code: "unknown_group",
                    message: "is not a group of this school year at this school".to_owned(),
                },
            }])
        })?;
        audit.record(conn, "create_news_post", object(&id, school_id), "ok")?;
        // Published at once: its notification is written with it (scheduled ones by the worker).
        super::release::release(conn, &id, now)?;
        let post = news::find_at(conn, &school, &id)?;
        one(conn, post, now)
    })
}

/// Deletes a post: its author or an admin of its school.
pub fn delete(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), NewsError> {
    // As staff only: for a guardian a post outside their feed does not exist, nor one in it.
    let StaffPost {
        school,
        at,
        post,
        audience,
        ..
    } = staff_post(conn, actor, audit, id, now)?;
    if !domain_news::may_delete(actor, author_of(&post), at, &audience) {
        return Err(refuse(conn, audit, "delete_news_post", id, &school));
    }
    transaction(conn, |conn| {
        if !news::delete(conn, &school, id, now)? {
            return Err(NewsError::NotFound);
        }
        audit.record(conn, "delete_news_post", object(id, school.id()), "ok")?;
        Ok(())
    })
}
