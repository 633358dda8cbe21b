//! Writing the staff part of a snapshot's diff: records, roles and groups taught.

use std::collections::HashMap;

use diesel::prelude::*;
use domain::roster::{Snapshot, StaffRecord, diff};

use super::{Counts, Held, IDS_PER_STATEMENT, ids_by_key, person, records};
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::roster::{self, NewStaff};
use crate::schema::{staff, staff_groups, staff_roles};

pub(super) fn apply_staff(
    conn: &mut AnyConnection,
    school_id: &str,
    snapshot: &Snapshot,
    held: &Held,
    group_ids: &HashMap<String, String>,
    year_groups: &[String],
    at: chrono::NaiveDateTime,
) -> Result<Counts, RepoError> {
    let staff_diff = diff(&records(&held.staff), &snapshot.staff);
    let mut ids = ids_by_key(&held.staff);
    let mut new_rows = Vec::new();
    let mut reassigned: Vec<(String, &StaffRecord)> = Vec::new();
    for member in &staff_diff.create {
        let id = match held.inactive_staff.get(&member.key) {
            Some(id) => {
                update_staff(conn, id, member, at)?;
                id.clone()
            }
            None => {
                let row = roster::staff_row(NewStaff {
                    school_id: school_id.to_owned(),
                    las_key: member.key.clone(),
                    name: person(&member.name),
                    email: member.email.clone(),
                    phone: member.phone.clone(),
                });
                let id = row.id.clone();
                new_rows.push(row);
                id
            }
        };
        ids.insert(member.key.clone(), id.clone());
        reassigned.push((id, member));
    }
    for chunk in new_rows.chunks(500) {
        batch_insert!(conn, staff::table, chunk)?;
    }
    for (before, after) in &staff_diff.update {
        let id = ids.get(&after.key).cloned().unwrap_or_default();
        update_staff(conn, &id, after, at)?;
        if before.roles != after.roles || before.groups != after.groups {
            reassigned.push((id, after));
        }
    }
    let reassigned_ids: Vec<&str> = reassigned.iter().map(|(id, _)| id.as_str()).collect();
    for ids in reassigned_ids.chunks(IDS_PER_STATEMENT) {
        diesel::delete(staff_roles::table.filter(staff_roles::staff_id.eq_any(ids)))
            .execute(conn)?;
        diesel::delete(
            staff_groups::table
                .filter(staff_groups::staff_id.eq_any(ids))
                .filter(staff_groups::group_id.eq_any(year_groups)),
        )
        .execute(conn)?;
    }
    let roles: Vec<(String, &'static str)> = reassigned
        .iter()
        .flat_map(|(id, m)| m.roles.iter().map(move |r| (id.clone(), r.as_str())))
        .collect();
    for chunk in roles.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(s, r)| (staff_roles::staff_id.eq(s), staff_roles::role.eq(*r)))
            .collect();
        batch_insert!(conn, staff_roles::table, values)?;
    }
    let groups: Vec<(String, String)> = reassigned
        .iter()
        .flat_map(|(id, m)| {
            m.groups
                .iter()
                .filter_map(move |g| Some((id.clone(), group_ids.get(g)?.clone())))
        })
        .collect();
    for chunk in groups.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(s, g)| (staff_groups::staff_id.eq(s), staff_groups::group_id.eq(g)))
            .collect();
        batch_insert!(conn, staff_groups::table, values)?;
    }
    let gone: Vec<String> = staff_diff
        .deactivate
        .iter()
        .filter_map(|s| ids.get(&s.key).cloned())
        .collect();
    for ids in gone.chunks(IDS_PER_STATEMENT) {
        diesel::update(staff::table.filter(staff::id.eq_any(ids)))
            .set((staff::deactivated_at.eq(Some(at)), staff::updated_at.eq(at)))
            .execute(conn)?;
    }
    Ok(Counts::from(&staff_diff))
}

fn update_staff(
    conn: &mut AnyConnection,
    id: &str,
    member: &StaffRecord,
    at: chrono::NaiveDateTime,
) -> Result<(), RepoError> {
    // As for guardians (seed 000): an account signed in at the old address is no longer this
    // record's; only the link ends.
    let this = staff::table.find(id);
    match &member.email {
        Some(email) => {
            diesel::update(this.filter(staff::email.ne(email).or(staff::email.is_null())))
                .set(staff::account_id.eq(None::<String>))
                .execute(conn)?
        }
        None => diesel::update(this)
            .set(staff::account_id.eq(None::<String>))
            .execute(conn)?,
    };
    diesel::update(staff::table.find(id))
        .set((
            staff::first_name.eq(&member.name.first_name),
            staff::name_prefix.eq(&member.name.name_prefix),
            staff::last_name.eq(&member.name.last_name),
            staff::email.eq(&member.email),
            staff::phone.eq(&member.phone),
            staff::deactivated_at.eq(None::<chrono::NaiveDateTime>),
            staff::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
