//! Loads who a signed-in account is: its roles and relations, in a fixed number of queries.

use std::collections::HashMap;

use diesel::prelude::*;
use domain::actor::{Actor, Child, GuardianLink, StaffMembership};
use domain::roles::StaffRole;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::uuid;
use crate::schema::{
    accounts, board_admins, guardian_pupils, guardians, pupils, school_groups, school_years,
    schools, staff, staff_groups, staff_roles,
};

/// The actor behind an enabled account, or `None` when the account is unknown or disabled.
/// Deactivated staff and guardian records, and pupils who left, give no relations.
pub fn load(conn: &mut AnyConnection, account_id: &str) -> Result<Option<Actor>, RepoError> {
    let account: Option<(String, bool)> = accounts::table
        .find(account_id)
        .filter(accounts::disabled_at.is_null())
        .select((accounts::id, accounts::is_platform_operator))
        .first(conn)
        .optional()?;
    let Some((id, platform_operator)) = account else {
        return Ok(None);
    };

    let board_admin_of: Vec<String> = board_admins::table
        .filter(board_admins::account_id.eq(&id))
        .select(board_admins::board_id)
        .load(conn)?;

    let memberships: Vec<(String, String, String)> = staff::table
        .inner_join(schools::table)
        .filter(staff::account_id.eq(&id))
        .filter(staff::deactivated_at.is_null())
        .select((staff::id, staff::school_id, schools::board_id))
        .load(conn)?;
    let staff_ids: Vec<&String> = memberships.iter().map(|(s, _, _)| s).collect();
    let mut roles: HashMap<String, Vec<StaffRole>> = HashMap::new();
    for (staff_id, role) in staff_roles::table
        .filter(staff_roles::staff_id.eq_any(&staff_ids))
        .select((staff_roles::staff_id, staff_roles::role))
        .load::<(String, String)>(conn)?
    {
        if let Some(role) = StaffRole::parse(&role) {
            roles.entry(staff_id).or_default().push(role);
        }
    }
    // A teacher reads the pupils of their groups of the school year that has not ended: after the
    // roll-over, last year's groups are the school's (admins, for the retention period), not the
    // former teacher's (SPEC §3, AVG art. 5(1)(c): no more than the task needs).
    let today = domain::schedule::school_date(chrono::Utc::now());
    let mut groups: HashMap<String, Vec<uuid::Uuid>> = HashMap::new();
    for (staff_id, group_id) in staff_groups::table
        .inner_join(school_groups::table.inner_join(school_years::table))
        .filter(staff_groups::staff_id.eq_any(&staff_ids))
        .filter(school_years::ends_on.ge(today))
        .select((staff_groups::staff_id, staff_groups::group_id))
        .load::<(String, String)>(conn)?
    {
        groups.entry(staff_id).or_default().push(uuid(&group_id));
    }

    let links: Vec<(String, String, String)> = guardians::table
        .inner_join(schools::table)
        .filter(guardians::account_id.eq(&id))
        .filter(guardians::deactivated_at.is_null())
        .select((guardians::id, guardians::school_id, schools::board_id))
        .load(conn)?;
    let guardian_ids: Vec<&String> = links.iter().map(|(g, _, _)| g).collect();
    let mut children: HashMap<String, Vec<Child>> = HashMap::new();
    for (guardian_id, pupil_id, parental_authority) in guardian_pupils::table
        .inner_join(pupils::table)
        .filter(guardian_pupils::guardian_id.eq_any(&guardian_ids))
        .filter(pupils::left_on.is_null())
        .select((
            guardian_pupils::guardian_id,
            guardian_pupils::pupil_id,
            guardian_pupils::parental_authority,
        ))
        .load::<(String, String, bool)>(conn)?
    {
        children.entry(guardian_id).or_default().push(Child {
            pupil_id: uuid(&pupil_id),
            parental_authority,
        });
    }

    Ok(Some(Actor {
        account_id: uuid(&id),
        platform_operator,
        board_admin_of: board_admin_of.iter().map(|b| uuid(b)).collect(),
        staff: memberships
            .iter()
            .map(|(staff_id, school_id, board_id)| StaffMembership {
                board_id: uuid(board_id),
                school_id: uuid(school_id),
                staff_id: uuid(staff_id),
                roles: roles.remove(staff_id).unwrap_or_default(),
                groups: groups.remove(staff_id).unwrap_or_default(),
            })
            .collect(),
        guardian: links
            .iter()
            .map(|(guardian_id, school_id, board_id)| GuardianLink {
                board_id: uuid(board_id),
                school_id: uuid(school_id),
                guardian_id: uuid(guardian_id),
                children: children.remove(guardian_id).unwrap_or_default(),
            })
            .collect(),
    }))
}
