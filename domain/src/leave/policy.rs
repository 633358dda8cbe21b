//! Who may do what with leave (SPEC §1, §7). The director (schoolleider, `StaffRole::Director`)
//! decides; a school admin (beheerder) does not, unless they also hold the director's role.

use crate::absence::policy::{PupilRef, guardian_link, teaches};
use crate::actor::Actor;
use crate::policy::SchoolRef;
use crate::roles::StaffRole;

/// Requesting leave for a child: a guardian of the child with parental authority (the law's
/// "ouders" who answer for the child's schooling, Leerplichtwet art. 2).
pub fn may_request(actor: &Actor, pupil: &PupilRef) -> bool {
    guardian_link(actor, pupil).is_some_and(|c| c.parental_authority)
}

/// Withdrawing a request before a decision: whoever may request leave for the child.
pub fn may_withdraw(actor: &Actor, pupil: &PupilRef) -> bool {
    may_request(actor, pupil)
}

/// Deciding a request and forwarding it to the attendance officer: the director.
pub fn may_decide(actor: &Actor, school: SchoolRef) -> bool {
    actor.has_role_at(school.school_id, StaffRole::Director)
}

/// Recording the attendance officer's decision (the officer has no account): the director and the
/// school admin.
pub fn may_record_officer_decision(actor: &Actor, school: SchoolRef) -> bool {
    may_decide(actor, school) || actor.has_role_at(school.school_id, StaffRole::SchoolAdmin)
}

/// Reading a pupil's leave: the pupil's guardians (with or without authority: they see their own
/// child's leave), the director, the school admin, care staff, and the teacher of the pupil's
/// group (who must know the child is away). Never other parents (seed 001).
pub fn may_read(actor: &Actor, pupil: &PupilRef) -> bool {
    let school = pupil.school.school_id;
    guardian_link(actor, pupil).is_some()
        || teaches(actor, pupil)
        || [
            StaffRole::Director,
            StaffRole::SchoolAdmin,
            StaffRole::CareStaff,
        ]
        .into_iter()
        .any(|role| actor.has_role_at(school, role))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::absence::policy::tests::{GROUP, PUPIL, guardian, pupil, school, staff};
    use uuid::Uuid;

    #[test]
    fn guardians_with_authority_request_and_the_director_decides() {
        let p = pupil();
        assert!(may_request(&guardian(PUPIL, true), &p));
        assert!(
            !may_request(&guardian(PUPIL, false), &p),
            "no parental authority"
        );
        assert!(may_read(&guardian(PUPIL, false), &p));
        let other = guardian(Uuid::from_u128(999), true);
        assert!(
            !may_request(&other, &p) && !may_read(&other, &p),
            "seed 001"
        );
        assert!(may_decide(&staff(&[StaffRole::Director], &[]), school()));
        for role in [
            StaffRole::SchoolAdmin,
            StaffRole::Teacher,
            StaffRole::CareStaff,
        ] {
            assert!(!may_decide(&staff(&[role], &[GROUP]), school()), "{role:?}");
        }
        assert!(may_record_officer_decision(
            &staff(&[StaffRole::SchoolAdmin], &[]),
            school()
        ));
        assert!(may_read(&staff(&[StaffRole::Teacher], &[GROUP]), &p));
        assert!(!may_read(
            &staff(&[StaffRole::Teacher], &[Uuid::from_u128(5)]),
            &p
        ));
        assert!(!may_read(
            &staff(&[StaffRole::LunchSupervisor], &[GROUP]),
            &p
        ));
    }
}
