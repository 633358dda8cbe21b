//! Loading what the portal holds for a school and school year as domain records.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use diesel::prelude::*;
use domain::roles::StaffRole;
use domain::roster::{
    ChildLink, GroupRecord, GuardianRecord, Name, PupilRecord, Snapshot, StaffRecord,
};

use super::{Held, records};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::groups::GroupRow;
use crate::guardians::{GuardianPupilRow, GuardianRow};
use crate::pupils::PupilRow;
use crate::schema::{
    enrolments, guardian_pupils, guardians, pupils, school_groups, staff, staff_groups, staff_roles,
};
use crate::staff::StaffRow;

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
            consents: Vec::new(),
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
