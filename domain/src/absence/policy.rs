//! Who may do what with absence (SPEC §7; seed 001: a pupil's absence is visible to that pupil's
//! guardians and the school, never to other parents). Whether the pupil exists for the caller at
//! all is the scoped query's; these answer the actions. Board admins are left out: absence is the
//! school's business, not the board office's (our reading of seed 001).

use uuid::Uuid;

use crate::actor::{Actor, Child};
use crate::policy::SchoolRef;
use crate::roles::StaffRole;

/// The pupil an action is about, with the groups they are in this school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PupilRef<'a> {
    pub school: SchoolRef,
    pub pupil_id: Uuid,
    pub groups: &'a [Uuid],
}

/// The actor's link to the pupil as their guardian at the pupil's school.
pub(crate) fn guardian_link(actor: &Actor, pupil: &PupilRef) -> Option<Child> {
    actor
        .guardian
        .iter()
        .filter(|g| g.school_id == pupil.school.school_id)
        .flat_map(|g| g.children.iter().copied())
        .find(|c| c.pupil_id == pupil.pupil_id)
}

/// Whether the actor teaches one of the pupil's groups.
pub(crate) fn teaches(actor: &Actor, pupil: &PupilRef) -> bool {
    actor
        .staff
        .iter()
        .filter(|m| m.school_id == pupil.school.school_id && m.roles.contains(&StaffRole::Teacher))
        .flat_map(|m| m.groups.iter())
        .any(|g| pupil.groups.contains(g))
}

fn has(actor: &Actor, pupil: &PupilRef, role: StaffRole) -> bool {
    actor.has_role_at(pupil.school.school_id, role)
}

/// Reporting a child absent: any guardian of the child (parental authority is not needed to say a
/// child is ill; a leave request does need it, see `crate::leave::policy`).
pub fn may_report(actor: &Actor, pupil: &PupilRef) -> bool {
    guardian_link(actor, pupil).is_some()
}

/// Registering absence and its kind (SPEC §7, staff): the teacher of one of the pupil's groups,
/// the director, the school admin and care staff. Not the lunch supervisor.
pub fn may_register(actor: &Actor, pupil: &PupilRef) -> bool {
    teaches(actor, pupil)
        || has(actor, pupil, StaffRole::Director)
        || has(actor, pupil, StaffRole::SchoolAdmin)
        || has(actor, pupil, StaffRole::CareStaff)
}

/// Reading the pupil's absence: the pupil's guardians and the staff who register it (teachers
/// only for their groups: "teachers see today's absences for their groups", SPEC §7).
pub fn may_read(actor: &Actor, pupil: &PupilRef) -> bool {
    guardian_link(actor, pupil).is_some() || may_register(actor, pupil)
}

/// Reading the medical detail of a sick report (its note): the pupil's guardians, the teacher of
/// the pupil's group and care staff only (SPEC §7 with seed 001: medical information reaches the
/// group's teacher). The director and school admin see that the pupil is sick, not why.
pub fn may_read_medical_detail(actor: &Actor, pupil: &PupilRef) -> bool {
    guardian_link(actor, pupil).is_some()
        || teaches(actor, pupil)
        || has(actor, pupil, StaffRole::CareStaff)
}

/// Reading the DUO, long-absence and luxury-absence signals of the school and marking a pupil
/// reported: the director and the school admin (the head of the school reports, art. 21a).
pub fn may_handle_signals(actor: &Actor, school: SchoolRef) -> bool {
    actor.has_role_at(school.school_id, StaffRole::Director)
        || actor.has_role_at(school.school_id, StaffRole::SchoolAdmin)
}

/// Whose absences a staff member's list of a school's day holds (SPEC §7: "teachers see today's
/// absences for their groups").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayList {
    /// The director, the school admin and care staff: every pupil of the school.
    WholeSchool,
    /// A teacher: the pupils of these groups.
    Groups(Vec<Uuid>),
    /// Nobody's: not theirs to read (403).
    Refused,
}

/// The day list `actor` gets at `school`.
pub fn day_list(actor: &Actor, school: SchoolRef) -> DayList {
    let whole = [
        StaffRole::Director,
        StaffRole::SchoolAdmin,
        StaffRole::CareStaff,
    ]
    .into_iter()
    .any(|role| actor.has_role_at(school.school_id, role));
    let taught = taught_groups(actor, school);
    match (whole, taught.is_empty()) {
        (true, _) => DayList::WholeSchool,
        (false, false) => DayList::Groups(taught),
        (false, true) => DayList::Refused,
    }
}

/// The groups the actor teaches at the school.
pub fn taught_groups(actor: &Actor, school: SchoolRef) -> Vec<Uuid> {
    actor
        .staff
        .iter()
        .filter(|m| m.school_id == school.school_id && m.roles.contains(&StaffRole::Teacher))
        .flat_map(|m| m.groups.iter().copied())
        .collect()
}

/// Whether the actor registers absence at the school at all (some of its pupils): the roles of
/// [`may_register`], before the pupils are known.
pub fn registers_at(actor: &Actor, school: SchoolRef) -> bool {
    [
        StaffRole::Teacher,
        StaffRole::Director,
        StaffRole::SchoolAdmin,
        StaffRole::CareStaff,
    ]
    .into_iter()
    .any(|role| actor.has_role_at(school.school_id, role))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::actor::{GuardianLink, StaffMembership};

    pub(crate) fn school() -> SchoolRef {
        SchoolRef {
            board_id: Uuid::from_u128(1),
            school_id: Uuid::from_u128(10),
        }
    }

    pub(crate) const PUPIL: Uuid = Uuid::from_u128(202);
    pub(crate) const GROUP: Uuid = Uuid::from_u128(300);

    pub(crate) fn staff(roles: &[StaffRole], groups: &[Uuid]) -> Actor {
        Actor {
            account_id: Uuid::from_u128(100),
            staff: vec![StaffMembership {
                board_id: school().board_id,
                school_id: school().school_id,
                staff_id: Uuid::from_u128(101),
                roles: roles.to_vec(),
                groups: groups.to_vec(),
            }],
            ..Actor::default()
        }
    }

    pub(crate) fn guardian(pupil: Uuid, parental_authority: bool) -> Actor {
        Actor {
            account_id: Uuid::from_u128(200),
            guardian: vec![GuardianLink {
                board_id: school().board_id,
                school_id: school().school_id,
                guardian_id: Uuid::from_u128(201),
                children: vec![Child {
                    pupil_id: pupil,
                    parental_authority,
                }],
            }],
            ..Actor::default()
        }
    }

    pub(crate) fn pupil() -> PupilRef<'static> {
        PupilRef {
            school: school(),
            pupil_id: PUPIL,
            groups: &[GROUP],
        }
    }

    #[test]
    fn guardians_of_the_child_report_and_read_and_other_parents_do_not() {
        let p = pupil();
        assert!(may_report(&guardian(PUPIL, false), &p));
        assert!(may_read(&guardian(PUPIL, false), &p));
        let other = guardian(Uuid::from_u128(999), true);
        assert!(!may_report(&other, &p) && !may_read(&other, &p), "seed 001");
        assert!(!may_register(&guardian(PUPIL, true), &p));
    }

    #[test]
    fn teachers_see_their_groups_and_medical_detail_stays_with_teacher_and_care() {
        let p = pupil();
        let own = staff(&[StaffRole::Teacher], &[GROUP]);
        let other = staff(&[StaffRole::Teacher], &[Uuid::from_u128(301)]);
        assert!(may_read(&own, &p) && may_register(&own, &p) && may_read_medical_detail(&own, &p));
        assert!(!may_read(&other, &p) && !may_read_medical_detail(&other, &p));
        let care = staff(&[StaffRole::CareStaff], &[]);
        assert!(may_read_medical_detail(&care, &p));
        for role in [StaffRole::Director, StaffRole::SchoolAdmin] {
            let s = staff(&[role], &[]);
            assert!(
                may_read(&s, &p) && !may_read_medical_detail(&s, &p),
                "{role:?}"
            );
            assert!(may_handle_signals(&s, school()));
        }
        let lunch = staff(&[StaffRole::LunchSupervisor], &[GROUP]);
        assert!(!may_read(&lunch, &p) && !may_read_medical_detail(&lunch, &p));
        assert!(!may_handle_signals(&own, school()));
        // A board admin of the school's board is not the school.
        let board = Actor {
            board_admin_of: vec![school().board_id],
            ..Actor::default()
        };
        assert!(!may_read(&board, &p));
    }

    #[test]
    fn the_day_list_is_the_whole_school_for_its_office_and_care_and_a_teachers_groups() {
        for role in [
            StaffRole::Director,
            StaffRole::SchoolAdmin,
            StaffRole::CareStaff,
        ] {
            assert_eq!(
                day_list(&staff(&[role], &[]), school()),
                DayList::WholeSchool
            );
            assert!(registers_at(&staff(&[role], &[]), school()));
        }
        let teacher = staff(&[StaffRole::Teacher], &[GROUP]);
        assert_eq!(day_list(&teacher, school()), DayList::Groups(vec![GROUP]));
        assert!(registers_at(&teacher, school()));
        let lunch = staff(&[StaffRole::LunchSupervisor], &[]);
        assert_eq!(day_list(&lunch, school()), DayList::Refused);
        assert!(!registers_at(&lunch, school()));
        let parent = guardian(PUPIL, true);
        assert_eq!(day_list(&parent, school()), DayList::Refused);
        assert!(!registers_at(&parent, school()));
        let elsewhere = SchoolRef {
            board_id: school().board_id,
            school_id: Uuid::from_u128(11),
        };
        assert_eq!(day_list(&teacher, elsewhere), DayList::Refused);
    }
}
