//! Who an event reaches: people with an account, once each, with the first names of their
//! children it concerns (SPEC §6: one notification per person, not per child). One query per
//! event, whatever the number of people.

use std::collections::BTreeMap;

use diesel::prelude::*;
use domain::notify::EventKind;

use super::events::EventRow;
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::schema::{
    accounts, change_requests, enrolments, guardian_pupils, guardians, news_post_groups,
    news_posts, pupils,
};

/// A person an event reaches, and the children (first names, each once) it concerns them for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub account_id: String,
    pub children: Vec<String>,
}

/// The people `event` reaches, by account id. Staff actions never reach the staff member through
/// here; roster syncs emit no events at all (SPEC §6).
pub fn recipients(conn: &mut AnyConnection, event: &EventRow) -> Result<Vec<Recipient>, RepoError> {
    let pairs = match event.kind()? {
        EventKind::NewsPublished => news_audience(conn, &event.school_id, &event.object_id)?,
        // Those of the audience who still owe a confirmation, with their children named.
        EventKind::NewsConfirmationRequested => {
            let owing = crate::news::unconfirmed_accounts(conn, &event.object_id)?;
            news_audience(conn, &event.school_id, &event.object_id)?
                .into_iter()
                .filter(|(account, _)| owing.binary_search(account).is_ok())
                .collect()
        }
        EventKind::ChangeRequestDecided => requester(conn, &event.school_id, &event.object_id)?,
        EventKind::LeaveDecided => {
            let pupil = crate::leave::pupil_of(conn, &event.school_id, &event.object_id)?;
            pupil_guardians(conn, &event.school_id, pupil)?
        }
        EventKind::AbsenceUnreported => {
            let pupil = crate::absence::pupil_of(conn, &event.school_id, &event.object_id)?;
            pupil_guardians(conn, &event.school_id, pupil)?
        }
        EventKind::PlannerPublished => {
            crate::planner::round_guardians(conn, &event.school_id, &event.object_id, false)?
        }
        EventKind::PlannerReminder => {
            crate::planner::round_guardians(conn, &event.school_id, &event.object_id, true)?
        }
        EventKind::PlannerBookingCancelled | EventKind::PlannerConversationReminder => {
            crate::planner::booking_guardians(conn, &event.school_id, &event.object_id)?
        }
        // Those of the audience whose household has not responded (when it opens: everyone).
        EventKind::FormsOpened | EventKind::FormsReminder => {
            match crate::forms::find(conn, &event.object_id) {
                Ok(form) if form.school_id == event.school_id => {
                    crate::forms::unresponsive_accounts(conn, &form)?
                }
                Ok(_) | Err(RepoError::NotFound) => Vec::new(),
                Err(err) => return Err(err),
            }
        }
        EventKind::FormsPlaceGiven | EventKind::FormsAllocated => {
            match crate::forms::response_form(conn, &event.school_id, &event.object_id)? {
                Some((form, household)) => {
                    crate::forms::household_accounts(conn, &form, &[household])?
                }
                None => Vec::new(),
            }
        }
    };
    Ok(by_account(pairs))
}

/// The accounts (active) of the pupil's active guardians at the school, each with the child's
/// first name; nobody for an object that is gone (`None`) or a pupil who left.
fn pupil_guardians(
    conn: &mut AnyConnection,
    school_id: &str,
    pupil: Option<String>,
) -> Result<Vec<(String, Option<String>)>, RepoError> {
    let Some(pupil) = pupil else {
        return Ok(Vec::new());
    };
    let active_accounts = accounts::table
        .filter(accounts::disabled_at.is_null())
        .select(accounts::id);
    let rows: Vec<(String, String)> = guardians::table
        .inner_join(guardian_pupils::table.inner_join(pupils::table))
        .filter(guardian_pupils::pupil_id.eq(&pupil))
        .filter(guardians::school_id.eq(school_id))
        .filter(guardians::deactivated_at.is_null())
        .filter(
            guardians::account_id
                .assume_not_null()
                .eq_any(active_accounts),
        )
        .filter(pupils::left_on.is_null())
        .select((guardians::account_id.assume_not_null(), pupils::first_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(a, c)| (a, Some(c))).collect())
}

fn by_account(pairs: Vec<(String, Option<String>)>) -> Vec<Recipient> {
    let mut people: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (account, child) in pairs {
        let children = people.entry(account).or_default();
        if let Some(child) = child
            && !children.contains(&child)
        {
            children.push(child);
        }
    }
    people
        .into_iter()
        .map(|(account_id, mut children)| {
            children.sort();
            Recipient {
                account_id,
                children,
            }
        })
        .collect()
}

/// The accounts of the active guardians of the current pupils a live (not deleted) post of the
/// school reaches: the whole school, or its groups. A deleted post reaches nobody.
fn news_audience(
    conn: &mut AnyConnection,
    school: &str,
    post: &str,
) -> Result<Vec<(String, Option<String>)>, RepoError> {
    let audience: Option<String> = news_posts::table
        .filter(news_posts::id.eq(post))
        .filter(news_posts::school_id.eq(school))
        .filter(news_posts::deleted_at.is_null())
        .select(news_posts::audience)
        .first(conn)
        .optional()?;
    let Some(audience) = audience else {
        return Ok(Vec::new());
    };
    let active_accounts = accounts::table
        .filter(accounts::disabled_at.is_null())
        .select(accounts::id);
    let mut query = guardians::table
        .inner_join(guardian_pupils::table.inner_join(pupils::table))
        .filter(guardians::school_id.eq(school))
        .filter(guardians::deactivated_at.is_null())
        .filter(guardians::account_id.is_not_null())
        .filter(
            guardians::account_id
                .assume_not_null()
                .eq_any(active_accounts),
        )
        // A guardian record of the school is linked to pupils of that school only (the school's
        // roster writes both). Filtering pupils by school as well made SQLite's planner walk the
        // school's pupils for every guardian (quadratic: 0.8 s for 2,000 guardians).
        .filter(pupils::left_on.is_null())
        .select((guardians::account_id.assume_not_null(), pupils::first_name))
        .into_boxed();
    if audience == "groups" {
        let groups: Vec<String> = news_post_groups::table
            .filter(news_post_groups::post_id.eq(post))
            .select(news_post_groups::group_id)
            .load(conn)?;
        let pupils_in = enrolments::table
            .filter(enrolments::group_id.eq_any(groups))
            .select(enrolments::pupil_id);
        query = query.filter(pupils::id.eq_any(pupils_in));
    }
    let rows: Vec<(String, String)> = query.load(conn)?;
    Ok(rows.into_iter().map(|(a, c)| (a, Some(c))).collect())
}

/// The account of the guardian who made a change request of the school, and the child it was
/// about (if any).
fn requester(
    conn: &mut AnyConnection,
    school: &str,
    request: &str,
) -> Result<Vec<(String, Option<String>)>, RepoError> {
    let found: Option<(Option<String>, Option<String>)> = change_requests::table
        .inner_join(guardians::table)
        .filter(change_requests::id.eq(request))
        .filter(change_requests::school_id.eq(school))
        .filter(guardians::deactivated_at.is_null())
        .select((guardians::account_id, change_requests::pupil_id))
        .first(conn)
        .optional()?;
    let Some((Some(account), pupil)) = found else {
        return Ok(Vec::new());
    };
    let child: Option<String> = match pupil {
        Some(pupil) => pupils::table
            .filter(pupils::id.eq(pupil))
            .select(pupils::first_name)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(vec![(account, child)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_recipient_per_account_with_each_child_once_in_order() {
        let pairs = vec![
            ("b".to_owned(), Some("Sanne".to_owned())),
            ("a".to_owned(), Some("Daan".to_owned())),
            ("b".to_owned(), Some("Daan".to_owned())),
            ("b".to_owned(), Some("Sanne".to_owned())),
            ("c".to_owned(), None),
        ];
        assert_eq!(
            by_account(pairs),
            vec![
                Recipient {
                    account_id: "a".into(),
                    children: vec!["Daan".into()]
                },
                Recipient {
                    account_id: "b".into(),
                    children: vec!["Daan".into(), "Sanne".into()]
                },
                Recipient {
                    account_id: "c".into(),
                    children: vec![]
                },
            ]
        );
    }
}
