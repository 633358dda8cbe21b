//! Applying a roster snapshot: load what the portal holds for a school and school year as domain
//! records, and write the domain's diff in the caller's transaction. Loads take a fixed number of
//! queries; writes are batched where the backend allows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use domain::roles::StaffRole;
use domain::roster::{
    ChildLink, Diff, GroupRecord, GuardianRecord, Name, PupilRecord, Snapshot, StaffRecord, diff,
};

use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::groups::GroupRow;
use crate::guardians::{GuardianPupilRow, GuardianRow};
use crate::ids::now;
use crate::pupils::PupilRow;
use crate::roster::{self, NewGuardian, NewPupil, NewStaff, PersonName};
use crate::schema::{
    enrolments, guardian_pupils, guardians, pupils, school_groups, staff, staff_groups, staff_roles,
};
use crate::staff::StaffRow;
use crate::{account_tokens, pending_invitations};

/// Ids per `IN (…)` list: well under SQLite's 32,766 bound parameters, whatever a source sends.
const IDS_PER_STATEMENT: usize = 5_000;

/// What the portal holds for one school and school year, by LAS key, with row ids.
#[derive(Debug, Default)]
pub struct Held {
    pub groups: Vec<(String, GroupRecord)>,
    pub pupils: Vec<(String, PupilRecord)>,
    pub guardians: Vec<(String, GuardianRecord)>,
    pub staff: Vec<(String, StaffRecord)>,
    /// Records no longer active (left, removed), by key: a snapshot that lists them again
    /// reactivates them.
    inactive_pupils: HashMap<String, String>,
    inactive_guardians: HashMap<String, String>,
    inactive_staff: HashMap<String, String>,
    /// Guardian row id to the account signing in as that guardian.
    guardian_accounts: HashMap<String, String>,
    /// Guardian row id to the address held now (active and inactive records), so an update knows
    /// whether the address changes without reading the row again.
    guardian_emails: HashMap<String, Option<String>>,
}

/// Counts of one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
}

impl<T> From<&Diff<T>> for Counts {
    fn from(d: &Diff<T>) -> Self {
        Counts {
            created: d.create.len(),
            updated: d.update.len(),
            deactivated: d.deactivate.len(),
            unchanged: d.unchanged,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncCounts {
    pub groups: Counts,
    pub pupils: Counts,
    pub guardians: Counts,
    pub staff: Counts,
}

impl SyncCounts {
    /// What applying `incoming` over `held` (both as snapshots) would do, without doing it: the
    /// counts of a held sync.
    pub fn preview(held: &Snapshot, incoming: &Snapshot) -> SyncCounts {
        SyncCounts {
            groups: Counts::from(&diff(&held.groups, &incoming.groups)),
            pupils: Counts::from(&diff(&held.pupils, &incoming.pupils)),
            guardians: Counts::from(&diff(&held.guardians, &incoming.guardians)),
            staff: Counts::from(&diff(&held.staff, &incoming.staff)),
        }
    }
}

fn name_of(first: &str, prefix: &Option<String>, last: &str) -> Name {
    Name {
        first_name: first.to_owned(),
        name_prefix: prefix.clone(),
        last_name: last.to_owned(),
    }
}

/// Loads the held roster in eight queries, whatever its size.
pub fn load_held(
    conn: &mut AnyConnection,
    school_id: &str,
    year_id: &str,
) -> Result<Held, RepoError> {
    let group_rows: Vec<GroupRow> = school_groups::table
        .filter(school_groups::school_year_id.eq(year_id))
        .select(GroupRow::as_select())
        .load(conn)?;
    let group_key: HashMap<&str, &str> = group_rows
        .iter()
        .map(|g| (g.id.as_str(), g.las_key.as_str()))
        .collect();

    let pupil_rows: Vec<PupilRow> = pupils::table
        .filter(pupils::school_id.eq(school_id))
        .select(PupilRow::as_select())
        .load(conn)?;
    let enrolled: Vec<(String, String)> = enrolments::table
        .inner_join(school_groups::table)
        .filter(school_groups::school_year_id.eq(year_id))
        .select((enrolments::pupil_id, enrolments::group_id))
        .load(conn)?;
    let mut pupil_groups: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for (pupil, group) in &enrolled {
        if let Some(key) = group_key.get(group.as_str()) {
            pupil_groups
                .entry(pupil.as_str())
                .or_default()
                .insert((*key).to_owned());
        }
    }
    // Links to pupils who left stay in the database (history, as retention allows) but are not
    // part of what the LAS describes now.
    let pupil_key: HashMap<&str, &str> = pupil_rows
        .iter()
        .filter(|p| p.left_on.is_none())
        .map(|p| (p.id.as_str(), p.las_key.as_str()))
        .collect();

    let guardian_rows: Vec<GuardianRow> = guardians::table
        .filter(guardians::school_id.eq(school_id))
        .select(GuardianRow::as_select())
        .load(conn)?;
    let links: Vec<GuardianPupilRow> = guardian_pupils::table
        .inner_join(guardians::table)
        .filter(guardians::school_id.eq(school_id))
        .select(GuardianPupilRow::as_select())
        .load(conn)?;
    let mut children: HashMap<&str, BTreeMap<String, ChildLink>> = HashMap::new();
    for link in &links {
        if let Some(key) = pupil_key.get(link.pupil_id.as_str()) {
            children
                .entry(link.guardian_id.as_str())
                .or_default()
                .insert(
                    (*key).to_owned(),
                    ChildLink {
                        relationship: link.relationship.clone(),
                        parental_authority: link.parental_authority,
                        household: link.household.clone(),
                    },
                );
        }
    }

    let staff_rows: Vec<StaffRow> = staff::table
        .filter(staff::school_id.eq(school_id))
        .select(StaffRow::as_select())
        .load(conn)?;
    let roles: Vec<(String, String)> = staff_roles::table
        .inner_join(staff::table)
        .filter(staff::school_id.eq(school_id))
        .select((staff_roles::staff_id, staff_roles::role))
        .load(conn)?;
    let taught: Vec<(String, String)> = staff_groups::table
        .inner_join(school_groups::table)
        .filter(school_groups::school_year_id.eq(year_id))
        .select((staff_groups::staff_id, staff_groups::group_id))
        .load(conn)?;
    let mut staff_role_sets: HashMap<&str, BTreeSet<StaffRole>> = HashMap::new();
    for (member, role) in &roles {
        if let Some(role) = StaffRole::parse(role) {
            staff_role_sets
                .entry(member.as_str())
                .or_default()
                .insert(role);
        }
    }
    let mut staff_group_sets: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for (member, group) in &taught {
        if let Some(key) = group_key.get(group.as_str()) {
            staff_group_sets
                .entry(member.as_str())
                .or_default()
                .insert((*key).to_owned());
        }
    }

    let mut held = Held::default();
    for g in &group_rows {
        held.groups.push((
            g.id.clone(),
            GroupRecord {
                key: g.las_key.clone(),
                name: g.name.clone(),
                year_group: g.year_group,
                combined: g.is_combined,
            },
        ));
    }
    for p in &pupil_rows {
        if p.left_on.is_some() {
            held.inactive_pupils.insert(p.las_key.clone(), p.id.clone());
            continue;
        }
        held.pupils.push((
            p.id.clone(),
            PupilRecord {
                key: p.las_key.clone(),
                name: name_of(&p.first_name, &p.name_prefix, &p.last_name),
                date_of_birth: p.date_of_birth,
                parents_separated: p.parents_separated,
                groups: pupil_groups.remove(p.id.as_str()).unwrap_or_default(),
            },
        ));
    }
    for g in &guardian_rows {
        if let Some(account) = &g.account_id {
            held.guardian_accounts.insert(g.id.clone(), account.clone());
        }
        held.guardian_emails.insert(g.id.clone(), g.email.clone());
        if g.deactivated_at.is_some() {
            held.inactive_guardians
                .insert(g.las_key.clone(), g.id.clone());
            continue;
        }
        held.guardians.push((
            g.id.clone(),
            GuardianRecord {
                key: g.las_key.clone(),
                name: name_of(&g.first_name, &g.name_prefix, &g.last_name),
                email: g.email.clone(),
                phone: g.phone.clone(),
                children: children.remove(g.id.as_str()).unwrap_or_default(),
            },
        ));
    }
    for s in &staff_rows {
        if s.deactivated_at.is_some() {
            held.inactive_staff.insert(s.las_key.clone(), s.id.clone());
            continue;
        }
        held.staff.push((
            s.id.clone(),
            StaffRecord {
                key: s.las_key.clone(),
                name: name_of(&s.first_name, &s.name_prefix, &s.last_name),
                email: s.email.clone(),
                phone: s.phone.clone(),
                roles: staff_role_sets.remove(s.id.as_str()).unwrap_or_default(),
                groups: staff_group_sets.remove(s.id.as_str()).unwrap_or_default(),
            },
        ));
    }
    Ok(held)
}

impl Held {
    /// What the portal holds, as the LAS would send it: the base a delta or an EDEXML file (which
    /// has no guardians) is merged into.
    pub fn snapshot(&self, school_year: &str) -> Snapshot {
        Snapshot {
            school_year: school_year.to_owned(),
            groups: records(&self.groups),
            pupils: records(&self.pupils),
            guardians: records(&self.guardians),
            staff: records(&self.staff),
        }
    }

    /// Row ids of the active guardians, by LAS key: whose address changes in a sync gets a link at
    /// the new address (whether or not the old address had activated an account).
    pub fn guardian_ids(&self) -> HashMap<&str, &str> {
        self.guardians
            .iter()
            .map(|(id, g)| (g.key.as_str(), id.as_str()))
            .collect()
    }
}

fn records<T: Clone>(held: &[(String, T)]) -> Vec<T> {
    held.iter().map(|(_, r)| r.clone()).collect()
}

fn ids_by_key<T: domain::roster::Keyed>(held: &[(String, T)]) -> HashMap<String, String> {
    held.iter()
        .map(|(id, r)| (r.key().to_owned(), id.clone()))
        .collect()
}

fn person(name: &Name) -> PersonName {
    PersonName {
        first_name: name.first_name.clone(),
        name_prefix: name.name_prefix.clone(),
        last_name: name.last_name.clone(),
    }
}

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

fn apply_guardians(
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

fn apply_staff(
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
