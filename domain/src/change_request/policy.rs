//! Who may do what with change requests. Visibility (a request exists for the caller at all) is
//! the scope's; these answer the actions.

use crate::actor::Actor;
use crate::policy::{SchoolAction, SchoolRef};

use super::SubjectKind;

/// Who may submit: any guardian for their own record; for a child, a guardian with parental
/// authority (seed 000: the other parent must not change what the school holds).
pub fn may_submit(kind: SubjectKind, subject_is_self: bool, parental_authority: bool) -> bool {
    match kind {
        SubjectKind::Guardian => subject_is_self,
        SubjectKind::Pupil => parental_authority,
    }
}

/// The schools among `candidates` whose queue the actor works (SPEC §4: the school's
/// administration), as the policy says; whether the module is on there is the caller's to add.
pub fn queue_schools(actor: &Actor, candidates: &[SchoolRef]) -> Vec<SchoolRef> {
    candidates
        .iter()
        .copied()
        .filter(|school| actor.may(SchoolAction::ProcessChangeRequests, *school))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::StaffMembership;
    use crate::roles::StaffRole;
    use uuid::Uuid;

    fn school(n: u128) -> SchoolRef {
        SchoolRef {
            board_id: Uuid::from_u128(1),
            school_id: Uuid::from_u128(n),
        }
    }

    fn staff_at(n: u128, role: StaffRole) -> StaffMembership {
        StaffMembership {
            board_id: Uuid::from_u128(1),
            school_id: Uuid::from_u128(n),
            staff_id: Uuid::from_u128(100 + n),
            roles: vec![role],
            groups: vec![],
        }
    }

    #[test]
    fn the_queue_is_the_school_admins_and_the_boards() {
        let candidates = [school(10), school(11)];
        let admin_and_teacher = Actor {
            staff: vec![
                staff_at(10, StaffRole::SchoolAdmin),
                staff_at(11, StaffRole::Teacher),
            ],
            ..Actor::default()
        };
        assert_eq!(
            queue_schools(&admin_and_teacher, &candidates),
            vec![school(10)]
        );
        let board_admin = Actor {
            board_admin_of: vec![Uuid::from_u128(1)],
            ..Actor::default()
        };
        assert_eq!(
            queue_schools(&board_admin, &candidates),
            candidates.to_vec()
        );
        let operator = Actor::operator(Uuid::from_u128(9));
        assert!(queue_schools(&operator, &candidates).is_empty());
    }

    #[test]
    fn only_guardians_with_authority_ask_for_a_child() {
        assert!(may_submit(SubjectKind::Guardian, true, false));
        assert!(!may_submit(SubjectKind::Guardian, false, true));
        assert!(may_submit(SubjectKind::Pupil, false, true));
        assert!(!may_submit(SubjectKind::Pupil, false, false));
    }
}
