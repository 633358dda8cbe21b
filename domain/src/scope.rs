//! What a person may read, as sets of ids that persistence turns into SQL filters. Built here from
//! the actor's roles, so the rule "who sees which pupils" lives in one place.

use uuid::Uuid;

use crate::actor::Actor;
use crate::roles::StaffRole;

/// The pupils an actor may see: every pupil of some boards or schools, the pupils of some groups,
/// and some pupils by id. Empty means none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PupilScope {
    pub boards: Vec<Uuid>,
    pub schools: Vec<Uuid>,
    pub groups: Vec<Uuid>,
    pub pupils: Vec<Uuid>,
}

/// The schools an actor has any role or relation at (board admins: every school of their boards).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolScope {
    pub boards: Vec<Uuid>,
    pub schools: Vec<Uuid>,
}

/// The guardians an actor may see: those of the pupils its staff roles cover (not lunch
/// supervisors), and its own guardian records. Guardians do not see each other (a separated parent
/// does not get the other parent's details).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuardianScope {
    pub via_pupils: PupilScope,
    pub own: Vec<Uuid>,
}

impl PupilScope {
    pub fn is_empty(&self) -> bool {
        self.boards.is_empty()
            && self.schools.is_empty()
            && self.groups.is_empty()
            && self.pupils.is_empty()
    }
}

impl Actor {
    /// Board admins see their boards' pupils; school admins, directors, care staff and lunch
    /// supervisors their school's; teachers their groups'; guardians their own children. The
    /// platform operator sees no personal data.
    pub fn pupil_scope(&self) -> PupilScope {
        let mut scope = PupilScope {
            boards: self.board_admin_of.clone(),
            ..PupilScope::default()
        };
        for membership in &self.staff {
            if membership.roles.iter().any(|r| r.sees_whole_school()) {
                scope.schools.push(membership.school_id);
            } else if membership.roles.contains(&StaffRole::Teacher) {
                scope.groups.extend(membership.groups.iter().copied());
            }
        }
        scope.pupils.extend(self.children().map(|c| c.pupil_id));
        dedup(&mut scope.schools);
        dedup(&mut scope.groups);
        dedup(&mut scope.pupils);
        scope
    }

    pub fn guardian_scope(&self) -> GuardianScope {
        let mut via_pupils = PupilScope {
            boards: self.board_admin_of.clone(),
            ..PupilScope::default()
        };
        for membership in &self.staff {
            let roles = &membership.roles;
            if roles
                .iter()
                .any(|r| r.sees_whole_school() && *r != StaffRole::LunchSupervisor)
            {
                via_pupils.schools.push(membership.school_id);
            } else if roles.contains(&StaffRole::Teacher) {
                via_pupils.groups.extend(membership.groups.iter().copied());
            }
        }
        dedup(&mut via_pupils.schools);
        dedup(&mut via_pupils.groups);
        let mut own = self.guardian_ids();
        dedup(&mut own);
        GuardianScope { via_pupils, own }
    }

    pub fn school_scope(&self) -> SchoolScope {
        let mut schools: Vec<Uuid> = self.staff.iter().map(|m| m.school_id).collect();
        schools.extend(
            self.guardian
                .iter()
                .filter(|g| !g.children.is_empty())
                .map(|g| g.school_id),
        );
        dedup(&mut schools);
        SchoolScope {
            boards: self.board_admin_of.clone(),
            schools,
        }
    }
}

fn dedup(ids: &mut Vec<Uuid>) {
    ids.sort_unstable();
    ids.dedup();
}
