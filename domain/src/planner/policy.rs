//! Who may do what in the conversation planner (SPEC §8, seed 003): the school's office runs
//! rounds, teachers keep their own desks, guardians book for their own children. Whether a round
//! exists for the caller at all is the scoped query's; these answer the actions. Board admins are
//! left out: a round is the school's business (our reading, as for absence).

use uuid::Uuid;

use crate::actor::Actor;
use crate::policy::SchoolRef;
use crate::roles::StaffRole;

/// Creating, publishing and changing rounds, and every desk in them: the school admin or the
/// director at that school (seed 003: a round is created centrally).
pub fn may_manage_rounds(actor: &Actor, school: SchoolRef) -> bool {
    actor.has_role_at(school.school_id, StaffRole::SchoolAdmin)
        || actor.has_role_at(school.school_id, StaffRole::Director)
}

/// Seeing a round and its bookings as staff: those who manage rounds, and the teachers of one of
/// the round's groups (their conversations are in it). Other teachers do not see who booked.
pub fn may_see_round_as_staff(actor: &Actor, school: SchoolRef, round_groups: &[Uuid]) -> bool {
    may_manage_rounds(actor, school)
        || actor
            .staff
            .iter()
            .filter(|m| m.school_id == school.school_id && m.roles.contains(&StaffRole::Teacher))
            .flat_map(|m| m.groups.iter())
            .any(|g| round_groups.contains(g))
}

/// Whether the actor is one of the staff at the desk (a duo sharing a desk are both there).
pub fn sits_at_desk(actor: &Actor, school: SchoolRef, desk_staff: &[Uuid]) -> bool {
    actor
        .staff
        .iter()
        .any(|m| m.school_id == school.school_id && desk_staff.contains(&m.staff_id))
}

/// Checking, blocking and adding a desk's times: the staff at the desk, or those who manage
/// rounds (they stand in for a teacher who is ill). When is `rules::may_edit_availability`'s.
pub fn may_edit_desk(actor: &Actor, school: SchoolRef, desk_staff: &[Uuid]) -> bool {
    sits_at_desk(actor, school, desk_staff) || may_manage_rounds(actor, school)
}

/// The actor's guardian id at the school when `pupil` is one of their children there, the id a
/// booking is made under; `None` when they may not book for the pupil. Any guardian of the child:
/// parental authority is not needed to talk with the teacher about how the child is doing (seed
/// 003 invites both parents, also separated ones; a leave request does need it).
pub fn may_book_for(actor: &Actor, school_id: Uuid, pupil: Uuid) -> Option<Uuid> {
    actor
        .guardian
        .iter()
        .find(|g| g.school_id == school_id && g.children.iter().any(|c| c.pupil_id == pupil))
        .map(|g| g.guardian_id)
}

/// Whether the actor meets the planner at this school as its staff (any role there) rather than
/// as a guardian: staff who are also parents at their own school act as staff here.
pub fn acts_as_staff(actor: &Actor, school_id: Uuid) -> bool {
    !actor.roles_at(school_id).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::absence::policy::tests::{GROUP, PUPIL, guardian, school, staff};
    use crate::actor::StaffMembership;

    const STAFF_ID: Uuid = Uuid::from_u128(101);

    #[test]
    fn the_school_admin_and_director_manage_rounds_and_nobody_else() {
        // Seed 003: a round is created centrally, by the school.
        for role in [StaffRole::SchoolAdmin, StaffRole::Director] {
            let actor = staff(&[role], &[]);
            assert!(may_manage_rounds(&actor, school()), "{role:?}");
            assert!(may_see_round_as_staff(&actor, school(), &[GROUP]));
            assert!(may_edit_desk(&actor, school(), &[Uuid::from_u128(999)]));
        }
        for role in [
            StaffRole::Teacher,
            StaffRole::CareStaff,
            StaffRole::LunchSupervisor,
        ] {
            assert!(!may_manage_rounds(&staff(&[role], &[GROUP]), school()));
        }
        assert!(!may_manage_rounds(&guardian(PUPIL, true), school()));
        let board = Actor {
            board_admin_of: vec![school().board_id],
            ..Actor::default()
        };
        assert!(!may_manage_rounds(&board, school()));
        let elsewhere = SchoolRef {
            board_id: school().board_id,
            school_id: Uuid::from_u128(11),
        };
        assert!(!may_manage_rounds(
            &staff(&[StaffRole::SchoolAdmin], &[]),
            elsewhere
        ));
    }

    #[test]
    fn teachers_see_rounds_of_their_groups_and_edit_their_own_desk() {
        let teacher = staff(&[StaffRole::Teacher], &[GROUP]);
        assert!(may_see_round_as_staff(&teacher, school(), &[GROUP]));
        assert!(!may_see_round_as_staff(
            &teacher,
            school(),
            &[Uuid::from_u128(301)]
        ));
        assert!(sits_at_desk(&teacher, school(), &[STAFF_ID]));
        assert!(may_edit_desk(
            &teacher,
            school(),
            &[Uuid::from_u128(7), STAFF_ID]
        ));
        assert!(!may_edit_desk(&teacher, school(), &[Uuid::from_u128(7)]));
        // Linked to the group without the teacher role (lunch supervision): not the round's.
        let lunch = staff(&[StaffRole::LunchSupervisor], &[GROUP]);
        assert!(!may_see_round_as_staff(&lunch, school(), &[GROUP]));
        // The same staff id at another school is not this desk.
        let elsewhere = Actor {
            staff: vec![StaffMembership {
                school_id: Uuid::from_u128(11),
                ..teacher.staff[0].clone()
            }],
            ..teacher.clone()
        };
        assert!(!sits_at_desk(&elsewhere, school(), &[STAFF_ID]));
        assert!(!may_see_round_as_staff(&elsewhere, school(), &[GROUP]));
    }

    #[test]
    fn any_guardian_of_the_child_books_and_gets_their_guardian_id() {
        // Parental authority is not needed to book a conversation.
        for authority in [true, false] {
            let parent = guardian(PUPIL, authority);
            assert_eq!(
                may_book_for(&parent, school().school_id, PUPIL),
                Some(Uuid::from_u128(201))
            );
        }
        let parent = guardian(PUPIL, true);
        assert_eq!(
            may_book_for(&parent, school().school_id, Uuid::from_u128(999)),
            None
        );
        assert_eq!(may_book_for(&parent, Uuid::from_u128(11), PUPIL), None);
        let teacher = staff(&[StaffRole::Teacher, StaffRole::SchoolAdmin], &[GROUP]);
        assert_eq!(may_book_for(&teacher, school().school_id, PUPIL), None);
        assert!(!sits_at_desk(&parent, school(), &[Uuid::from_u128(201)]));
    }
}
