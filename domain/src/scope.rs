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

/// Where a current pupil belongs, as the scopes judge it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilPlace {
    pub pupil_id: Uuid,
    pub school_id: Uuid,
    pub board_id: Uuid,
    /// The groups the pupil is enrolled in (any school year, as the SQL filter counts them).
    pub groups: Vec<Uuid>,
}

impl PupilPlace {
    /// The pupil's school, for the policy.
    pub fn school(&self) -> crate::policy::SchoolRef {
        crate::policy::SchoolRef {
            board_id: self.board_id,
            school_id: self.school_id,
        }
    }
}

impl GuardianScope {
    /// Whether the scope reaches `guardian`, a guardian of the (current) pupil at `place`: their
    /// own record, or all of the pupil's guardians when the staff part reaches the pupil. The same
    /// rule as the SQL guardian filter, for one pupil's guardians read by key.
    pub fn reaches_guardian_of(&self, place: &PupilPlace, guardian: Uuid) -> bool {
        self.own.contains(&guardian) || self.via_pupils.reaches(place)
    }
}

impl PupilScope {
    /// Whether the scope reaches this (current) pupil: the same rule as the SQL filter persistence
    /// builds from the scope, for reading one pupil by id with a statement prepared once.
    pub fn reaches(&self, place: &PupilPlace) -> bool {
        self.boards.contains(&place.board_id)
            || self.schools.contains(&place.school_id)
            || self.pupils.contains(&place.pupil_id)
            || place.groups.iter().any(|g| self.groups.contains(g))
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn a_scope_reaches_a_pupil_by_board_school_group_or_id_and_nothing_else() {
        let place = PupilPlace {
            pupil_id: id(1),
            school_id: id(10),
            board_id: id(100),
            groups: vec![id(20), id(21)],
        };
        let reaches = |scope: PupilScope| scope.reaches(&place);
        assert!(reaches(PupilScope {
            boards: vec![id(100)],
            ..PupilScope::default()
        }));
        assert!(reaches(PupilScope {
            schools: vec![id(10)],
            ..PupilScope::default()
        }));
        assert!(reaches(PupilScope {
            groups: vec![id(21)],
            ..PupilScope::default()
        }));
        assert!(reaches(PupilScope {
            pupils: vec![id(1)],
            ..PupilScope::default()
        }));
        // Another board, another school of the same board, another group, another child.
        assert!(!reaches(PupilScope {
            boards: vec![id(101)],
            schools: vec![id(11)],
            groups: vec![id(22)],
            pupils: vec![id(2)],
        }));
        assert!(!reaches(PupilScope::default()));
    }

    #[test]
    fn of_a_pupils_guardians_a_guardian_reaches_only_themselves_and_staff_all() {
        let place = PupilPlace {
            pupil_id: id(1),
            school_id: id(10),
            board_id: id(100),
            groups: vec![id(20)],
        };
        let parent = GuardianScope {
            own: vec![id(50)],
            ..GuardianScope::default()
        };
        assert!(parent.reaches_guardian_of(&place, id(50)));
        assert!(!parent.reaches_guardian_of(&place, id(51)));
        let teacher = GuardianScope {
            via_pupils: PupilScope {
                groups: vec![id(20)],
                ..PupilScope::default()
            },
            ..GuardianScope::default()
        };
        assert!(teacher.reaches_guardian_of(&place, id(51)));
        let other_teacher = GuardianScope {
            via_pupils: PupilScope {
                groups: vec![id(21)],
                ..PupilScope::default()
            },
            ..GuardianScope::default()
        };
        assert!(!other_teacher.reaches_guardian_of(&place, id(51)));
        assert_eq!(place.school().board_id, id(100));
    }
}
