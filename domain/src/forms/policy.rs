//! Who may do what with sign-up forms (seed 003: "formulieren … van schoolbrede activiteiten worden
//! centraal aangemaakt; formulieren voor hulpouders en opgaves voor groepsactiviteiten regelt de
//! leerkracht zelf"). The school admin makes forms for the whole school or any groups and manages
//! every form of the school; a teacher makes forms for groups they teach and manages their own
//! while they still teach those groups. Results hold families' answers: nobody else reads them
//! (our reading; the director and board admins are left out, as for the planner). Whether a
//! guardian is in a form's audience is the scoped query's.

use uuid::Uuid;

use crate::actor::Actor;
use crate::news::Audience;
use crate::policy::SchoolRef;
use crate::roles::StaffRole;

fn is_admin(actor: &Actor, school: SchoolRef) -> bool {
    actor.has_role_at(school.school_id, StaffRole::SchoolAdmin)
}

fn teaches_all(actor: &Actor, school: SchoolRef, groups: &[Uuid]) -> bool {
    let own: Vec<Uuid> = actor
        .staff
        .iter()
        .filter(|m| m.school_id == school.school_id && m.roles.contains(&StaffRole::Teacher))
        .flat_map(|m| m.groups.iter().copied())
        .collect();
    !groups.is_empty() && groups.iter().all(|g| own.contains(g))
}

/// Making a form for `audience` at `school`: the school admin for any audience, a teacher for
/// groups they all teach.
pub fn may_create(actor: &Actor, school: SchoolRef, audience: &Audience) -> bool {
    is_admin(actor, school)
        || match audience {
            Audience::School => false,
            Audience::Groups(groups) => teaches_all(actor, school, groups),
        }
}

/// Whether the actor makes forms at the school at all (before their form is read): the school
/// admin, or a teacher there. Which audience is theirs is [`may_create`]'s.
pub fn makes_forms(actor: &Actor, school: SchoolRef) -> bool {
    is_admin(actor, school) || actor.has_role_at(school.school_id, StaffRole::Teacher)
}

/// Whether the actor sees every form of the school in its list (the school admin); a teacher
/// sees the forms they made.
pub fn lists_all(actor: &Actor, school: SchoolRef) -> bool {
    is_admin(actor, school)
}

/// Reading a form's results, reminding and allocating: the school admin, or the form's author
/// (`author`, an account id) while they may still make a form for its audience (a teacher who no
/// longer teaches the group has no more say over it, nor its families' answers).
pub fn may_manage(
    actor: &Actor,
    school: SchoolRef,
    author: Option<Uuid>,
    audience: &Audience,
) -> bool {
    is_admin(actor, school)
        || (author == Some(actor.account_id) && may_create(actor, school, audience))
}

/// The guardian id under which the actor responds at the school: any guardian of a child the
/// form reaches (a helper parent needs no parental authority); `None` for others.
pub fn responds_as(actor: &Actor, school_id: Uuid) -> Option<Uuid> {
    actor
        .guardian
        .iter()
        .find(|g| g.school_id == school_id)
        .map(|g| g.guardian_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::absence::policy::tests::{GROUP, PUPIL, guardian, school, staff};

    const OTHER_GROUP: Uuid = Uuid::from_u128(301);

    #[test]
    fn the_admin_makes_forms_for_anyone_and_a_teacher_for_their_own_groups_only() {
        let admin = staff(&[StaffRole::SchoolAdmin], &[]);
        let teacher = staff(&[StaffRole::Teacher], &[GROUP]);
        let whole = Audience::School;
        let own = Audience::Groups(vec![GROUP]);
        let mixed = Audience::Groups(vec![GROUP, OTHER_GROUP]);
        assert!(may_create(&admin, school(), &whole));
        assert!(may_create(&admin, school(), &mixed));
        assert!(may_create(&teacher, school(), &own));
        assert!(!may_create(&teacher, school(), &whole));
        assert!(!may_create(&teacher, school(), &mixed));
        for role in [
            StaffRole::Director,
            StaffRole::CareStaff,
            StaffRole::LunchSupervisor,
        ] {
            assert!(
                !may_create(&staff(&[role], &[GROUP]), school(), &own),
                "{role:?}"
            );
        }
        assert!(!may_create(&guardian(PUPIL, true), school(), &own));
        let board = Actor {
            board_admin_of: vec![school().board_id],
            ..Actor::default()
        };
        assert!(!may_create(&board, school(), &whole));
        assert!(makes_forms(&admin, school()) && makes_forms(&teacher, school()));
        assert!(!makes_forms(
            &staff(&[StaffRole::CareStaff], &[GROUP]),
            school()
        ));
        assert!(lists_all(&admin, school()) && !lists_all(&teacher, school()));
    }

    #[test]
    fn a_teacher_manages_their_own_form_while_teaching_its_groups() {
        let teacher = staff(&[StaffRole::Teacher], &[GROUP]);
        let own = Audience::Groups(vec![GROUP]);
        assert!(may_manage(
            &teacher,
            school(),
            Some(teacher.account_id),
            &own
        ));
        // Another teacher's form of the same group is not theirs.
        assert!(!may_manage(
            &teacher,
            school(),
            Some(Uuid::from_u128(77)),
            &own
        ));
        assert!(!may_manage(&teacher, school(), None, &own));
        // After moving to another group, their old form is no longer theirs.
        let moved = staff(&[StaffRole::Teacher], &[OTHER_GROUP]);
        assert!(!may_manage(&moved, school(), Some(moved.account_id), &own));
        let admin = staff(&[StaffRole::SchoolAdmin], &[]);
        assert!(may_manage(
            &admin,
            school(),
            Some(Uuid::from_u128(77)),
            &own
        ));
    }

    #[test]
    fn guardians_respond_under_their_guardian_id_at_that_school_only() {
        let parent = guardian(PUPIL, false);
        assert_eq!(
            responds_as(&parent, school().school_id),
            Some(Uuid::from_u128(201))
        );
        assert_eq!(responds_as(&parent, Uuid::from_u128(11)), None);
        assert_eq!(
            responds_as(&staff(&[StaffRole::SchoolAdmin], &[]), school().school_id),
            None
        );
    }
}
