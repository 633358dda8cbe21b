//! Writing a snapshot's diff: groups and pupils here, then guardians and staff.

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::roster::{PupilRecord, Snapshot, diff};

use super::guardians::apply_guardians;
use super::staff::apply_staff;
use super::{Counts, Held, IDS_PER_STATEMENT, SyncCounts, ids_by_key, person, records};
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::now;
use crate::roster::{self, NewPupil};
use crate::schema::{enrolments, guardian_pupils, pupils, school_groups};

/// Makes the school's portal data equal to a validated snapshot. Run it in a transaction: the
/// caller commits all of it or nothing.
pub fn apply(
    conn: &mut AnyConnection,
    school_id: &str,
    year_id: &str,
    snapshot: &Snapshot,
    held: &Held,
    today: NaiveDate,
) -> Result<SyncCounts, RepoError> {
    let at = now();

    // Groups of the school year.
    let group_diff = diff(&records(&held.groups), &snapshot.groups);
    let mut group_ids = ids_by_key(&held.groups);
    for group in &group_diff.create {
        let row = roster::insert_group(
            conn,
            &roster::NewGroup {
                school_id,
                school_year_id: year_id,
                las_key: &group.key,
                name: &group.name,
                year_group: group.year_group,
                is_combined: group.combined,
            },
        )?;
        group_ids.insert(group.key.clone(), row.id);
    }
    for (_, group) in &group_diff.update {
        diesel::update(
            school_groups::table
                .filter(school_groups::school_year_id.eq(year_id))
                .filter(school_groups::las_key.eq(&group.key)),
        )
        .set((
            school_groups::name.eq(&group.name),
            school_groups::year_group.eq(group.year_group),
            school_groups::is_combined.eq(group.combined),
            school_groups::updated_at.eq(at),
        ))
        .execute(conn)?;
    }
    let gone: Vec<String> = group_diff
        .deactivate
        .iter()
        .filter_map(|g| group_ids.get(&g.key).cloned())
        .collect();
    for ids in gone.chunks(IDS_PER_STATEMENT) {
        diesel::delete(school_groups::table.filter(school_groups::id.eq_any(ids))).execute(conn)?;
    }
    let year_groups: Vec<String> = group_ids.values().cloned().collect();

    // Pupils and their groups this year.
    let pupil_diff = diff(&records(&held.pupils), &snapshot.pupils);
    let mut pupil_ids = ids_by_key(&held.pupils);
    let mut new_rows = Vec::new();
    let mut memberships: Vec<(String, String)> = Vec::new();
    let mut regrouped: Vec<String> = Vec::new();
    let mut reactivated: Vec<String> = Vec::new();
    for pupil in &pupil_diff.create {
        let id = match held.inactive_pupils.get(&pupil.key) {
            Some(id) => {
                update_pupil(conn, id, pupil, at)?;
                regrouped.push(id.clone());
                reactivated.push(id.clone());
                id.clone()
            }
            None => {
                let row = roster::pupil_row(NewPupil {
                    school_id: school_id.to_owned(),
                    las_key: pupil.key.clone(),
                    name: person(&pupil.name),
                    date_of_birth: pupil.date_of_birth,
                    parents_separated: pupil.parents_separated,
                });
                let id = row.id.clone();
                new_rows.push(row);
                id
            }
        };
        pupil_ids.insert(pupil.key.clone(), id.clone());
        memberships.extend(
            pupil
                .groups
                .iter()
                .filter_map(|g| Some((id.clone(), group_ids.get(g)?.clone()))),
        );
    }
    for chunk in new_rows.chunks(500) {
        batch_insert!(conn, pupils::table, chunk)?;
    }
    for (before, after) in &pupil_diff.update {
        let id = pupil_ids.get(&after.key).cloned().unwrap_or_default();
        // At roll-over every pupil changes groups and nothing else: no row update for those.
        let details_changed = before.name != after.name
            || before.date_of_birth != after.date_of_birth
            || before.parents_separated != after.parents_separated;
        if details_changed {
            update_pupil(conn, &id, after, at)?;
        }
        if before.groups != after.groups {
            regrouped.push(id.clone());
            memberships.extend(
                after
                    .groups
                    .iter()
                    .filter_map(|g| Some((id.clone(), group_ids.get(g)?.clone()))),
            );
        }
    }
    for ids in regrouped.chunks(IDS_PER_STATEMENT) {
        diesel::delete(
            enrolments::table
                .filter(enrolments::pupil_id.eq_any(ids))
                .filter(enrolments::group_id.eq_any(&year_groups)),
        )
        .execute(conn)?;
    }
    // A pupil who comes back starts from what the LAS says now: links to guardians kept as
    // history from before they left must not give those guardians access again.
    for ids in reactivated.chunks(IDS_PER_STATEMENT) {
        diesel::delete(guardian_pupils::table.filter(guardian_pupils::pupil_id.eq_any(ids)))
            .execute(conn)?;
    }
    for chunk in memberships.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(p, g)| (enrolments::pupil_id.eq(p), enrolments::group_id.eq(g)))
            .collect();
        batch_insert!(conn, enrolments::table, values)?;
    }
    let leavers: Vec<String> = pupil_diff
        .deactivate
        .iter()
        .filter_map(|p| pupil_ids.get(&p.key).cloned())
        .collect();
    for ids in leavers.chunks(IDS_PER_STATEMENT) {
        diesel::update(pupils::table.filter(pupils::id.eq_any(ids)))
            .set((pupils::left_on.eq(Some(today)), pupils::updated_at.eq(at)))
            .execute(conn)?;
    }

    let guardian_counts = apply_guardians(conn, school_id, snapshot, held, &pupil_ids, at)?;
    let staff_counts = apply_staff(
        conn,
        school_id,
        snapshot,
        held,
        &group_ids,
        &year_groups,
        at,
    )?;

    Ok(SyncCounts {
        groups: Counts::from(&group_diff),
        pupils: Counts::from(&pupil_diff),
        guardians: guardian_counts,
        staff: staff_counts,
    })
}

fn update_pupil(
    conn: &mut AnyConnection,
    id: &str,
    pupil: &PupilRecord,
    at: chrono::NaiveDateTime,
) -> Result<(), RepoError> {
    diesel::update(pupils::table.find(id))
        .set((
            pupils::first_name.eq(&pupil.name.first_name),
            pupils::name_prefix.eq(&pupil.name.name_prefix),
            pupils::last_name.eq(&pupil.name.last_name),
            pupils::date_of_birth.eq(pupil.date_of_birth),
            pupils::parents_separated.eq(pupil.parents_separated),
            pupils::left_on.eq(None::<NaiveDate>),
            pupils::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
