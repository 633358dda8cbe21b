//! Writing the guardians' part of a snapshot's diff: records, links to pupils, invitations.

use std::collections::HashMap;

use diesel::prelude::*;
use domain::roster::{GuardianRecord, Snapshot, diff};

use super::{Counts, Held, IDS_PER_STATEMENT, ids_by_key, person, records};
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::guardians::GuardianPupilRow;
use crate::roster::{self, NewGuardian};
use crate::schema::{guardian_pupils, guardians, pupils};
use crate::{account_tokens, pending_invitations};

pub(super) fn apply_guardians(
    conn: &mut AnyConnection,
    school_id: &str,
    snapshot: &Snapshot,
    held: &Held,
    pupil_ids: &HashMap<String, String>,
    at: chrono::NaiveDateTime,
) -> Result<Counts, RepoError> {
    let guardian_diff = diff(&records(&held.guardians), &snapshot.guardians);
    let mut ids = ids_by_key(&held.guardians);
    let mut new_rows = Vec::new();
    let mut relinked: Vec<(String, &GuardianRecord)> = Vec::new();
    for guardian in &guardian_diff.create {
        let id = match held.inactive_guardians.get(&guardian.key) {
            Some(id) => {
                update_guardian(conn, id, guardian, held, at)?;
                id.clone()
            }
            None => {
                let row = roster::guardian_row(NewGuardian {
                    school_id: school_id.to_owned(),
                    las_key: guardian.key.clone(),
                    name: person(&guardian.name),
                    email: guardian.email.clone(),
                    phone: guardian.phone.clone(),
                });
                let id = row.id.clone();
                new_rows.push(row);
                id
            }
        };
        ids.insert(guardian.key.clone(), id.clone());
        relinked.push((id, guardian));
    }
    for chunk in new_rows.chunks(500) {
        batch_insert!(conn, guardians::table, chunk)?;
    }
    // New guardians, and returning ones without an account, get their link from a background
    // worker (SPEC §2); the worker skips a guardian who has an account by then.
    let to_invite: Vec<String> = new_rows
        .iter()
        .filter(|g| g.email.is_some())
        .map(|g| g.id.clone())
        .chain(
            guardian_diff
                .create
                .iter()
                .filter(|g| g.email.is_some())
                .filter_map(|g| held.inactive_guardians.get(&g.key).cloned()),
        )
        .collect();
    pending_invitations::enqueue(conn, &to_invite)?;
    for (before, after) in &guardian_diff.update {
        let id = ids.get(&after.key).cloned().unwrap_or_default();
        update_guardian(conn, &id, after, held, at)?;
        if before.children != after.children {
            relinked.push((id, after));
        }
    }
    let relinked_ids: Vec<&str> = relinked.iter().map(|(id, _)| id.as_str()).collect();
    // Links to pupils who have left are kept: their guardians' history stays as retention allows.
    // (The pupils were written before the guardians, so this sync's leavers count as left.)
    let left = pupils::table
        .filter(pupils::school_id.eq(school_id))
        .filter(pupils::left_on.is_not_null())
        .select(pupils::id);
    for ids in relinked_ids.chunks(IDS_PER_STATEMENT) {
        diesel::delete(
            guardian_pupils::table
                .filter(guardian_pupils::guardian_id.eq_any(ids))
                .filter(guardian_pupils::pupil_id.ne_all(left)),
        )
        .execute(conn)?;
    }
    let links: Vec<GuardianPupilRow> = relinked
        .iter()
        .flat_map(|(id, g)| {
            g.children.iter().filter_map(|(pupil, link)| {
                Some(GuardianPupilRow {
                    guardian_id: id.clone(),
                    pupil_id: pupil_ids.get(pupil)?.clone(),
                    relationship: link.relationship.clone(),
                    parental_authority: link.parental_authority,
                    household: link.household.clone(),
                })
            })
        })
        .collect();
    for chunk in links.chunks(500) {
        batch_insert!(conn, guardian_pupils::table, chunk)?;
    }
    let gone: Vec<String> = guardian_diff
        .deactivate
        .iter()
        .filter_map(|g| ids.get(&g.key).cloned())
        .collect();
    for ids in gone.chunks(IDS_PER_STATEMENT) {
        diesel::update(guardians::table.filter(guardians::id.eq_any(ids)))
            .set((
                guardians::deactivated_at.eq(Some(at)),
                guardians::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(Counts::from(&guardian_diff))
}

/// Writes the LAS values over the guardian's record. When the e-mail address changes, the account
/// that signed in as this guardian is no longer this record's (seed 000): the link ends; the caller
/// sends the person at the new address a link. Nothing else of the account is touched: one school's
/// LAS data may only change that school's link, never end the sessions of an account that may hold
/// records of other schools and boards.
fn update_guardian(
    conn: &mut AnyConnection,
    id: &str,
    guardian: &GuardianRecord,
    held: &Held,
    at: chrono::NaiveDateTime,
) -> Result<(), RepoError> {
    let email_changed = held
        .guardian_emails
        .get(id)
        .is_none_or(|held| *held != guardian.email);
    diesel::update(guardians::table.find(id))
        .set((
            guardians::first_name.eq(&guardian.name.first_name),
            guardians::name_prefix.eq(&guardian.name.name_prefix),
            guardians::last_name.eq(&guardian.name.last_name),
            guardians::email.eq(&guardian.email),
            guardians::phone.eq(&guardian.phone),
            guardians::deactivated_at.eq(None::<chrono::NaiveDateTime>),
            guardians::updated_at.eq(at),
        ))
        .execute(conn)?;
    if email_changed {
        if held.guardian_accounts.contains_key(id) {
            roster::unlink_guardian(conn, id)?;
        }
        // Links mailed to the old address no longer attach this record.
        account_tokens::expire_for_guardian(conn, id)?;
    }
    Ok(())
}
