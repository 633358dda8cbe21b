//! Who decides on consent and who reads what consent governs (SPEC §10, seed 001: the group's
//! teacher sees what parents enter; the lunch supervisor and other parents only by the parents'
//! choice). Readers the policy refuses get 403; the scoped queries hold the rest.

use uuid::Uuid;

use super::Code;
use crate::absence::policy::PupilRef;
use crate::actor::Actor;
use crate::policy::SchoolRef;
use crate::roles::StaffRole;

/// Adding, changing and retiring the school's purposes: the school admin (beheerder).
pub fn may_manage_purposes(actor: &Actor, school: SchoolRef) -> bool {
    actor.has_role_at(school.school_id, StaffRole::SchoolAdmin)
}

/// Giving or withdrawing consent for a pupil: a guardian with parental authority (AVG art. 8 with
/// UAVG art. 5: for a child under 16 the holder of parental responsibility consents).
pub fn may_decide_for_pupil(actor: &Actor, pupil_id: Uuid) -> bool {
    actor
        .children()
        .any(|c| c.pupil_id == pupil_id && c.parental_authority)
}

/// The guardian record (at the child's school) through which `actor` decides for the child: one
/// with parental authority for them; `None` when the actor may not decide.
pub fn deciding_guardian(actor: &Actor, school_id: Uuid, pupil_id: Uuid) -> Option<Uuid> {
    actor
        .guardian
        .iter()
        .find(|g| {
            g.school_id == school_id
                && g.children
                    .iter()
                    .any(|c| c.pupil_id == pupil_id && c.parental_authority)
        })
        .map(|g| g.guardian_id)
}

/// Deciding on a guardian's own contact details: that guardian alone.
pub fn may_decide_for_guardian(actor: &Actor, guardian_id: Uuid) -> bool {
    actor.guardian_ids().contains(&guardian_id)
}

/// Staff who keep the school's consent records: the admin, the director and care staff.
fn keeps_records(actor: &Actor, school: SchoolRef) -> bool {
    [
        StaffRole::SchoolAdmin,
        StaffRole::Director,
        StaffRole::CareStaff,
    ]
    .into_iter()
    .any(|role| actor.has_role_at(school.school_id, role))
}

/// Whether `actor` teaches one of `groups` at the school.
fn teaches_any(actor: &Actor, school: SchoolRef, groups: &[Uuid]) -> bool {
    actor
        .staff
        .iter()
        .filter(|m| m.school_id == school.school_id && m.roles.contains(&StaffRole::Teacher))
        .flat_map(|m| m.groups.iter())
        .any(|g| groups.contains(g))
}

/// Reading a pupil's consents and their history: the pupil's guardians, the school's record
/// keepers, and the teacher of one of the pupil's groups (who takes the class photo).
pub fn may_read_pupil_consents(actor: &Actor, pupil: &PupilRef) -> bool {
    actor.is_guardian_of(pupil.pupil_id)
        || keeps_records(actor, pupil.school)
        || teaches_any(actor, pupil.school, pupil.groups)
}

/// Reading a guardian's own consents: that guardian and the school's record keepers.
pub fn may_read_guardian_consents(actor: &Actor, school: SchoolRef, guardian_id: Uuid) -> bool {
    may_decide_for_guardian(actor, guardian_id) || keeps_records(actor, school)
}

/// Which pupils' standing on a purpose a staff member lists (who may appear in the photos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    WholeSchool,
    /// A teacher: the pupils of their groups.
    Groups(Vec<Uuid>),
    Refused,
}

/// The per-purpose pupil list: record keepers the whole school, teachers their groups.
pub fn purpose_listing(actor: &Actor, school: SchoolRef) -> Listing {
    if keeps_records(actor, school) {
        return Listing::WholeSchool;
    }
    let groups: Vec<Uuid> = actor
        .staff
        .iter()
        .filter(|m| m.school_id == school.school_id && m.roles.contains(&StaffRole::Teacher))
        .flat_map(|m| m.groups.iter().copied())
        .collect();
    if groups.is_empty() {
        Listing::Refused
    } else {
        Listing::Groups(groups)
    }
}

/// Whose medical notes a reader gets among pupils of some groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MedicalReach {
    /// Every pupil's: the groups' teacher and care staff (seed 001: the note is for the teacher).
    pub all: bool,
    /// Pupils whose guardians consented to one of these purposes.
    pub consented: Vec<Code>,
    /// The reader's own children.
    pub own: Vec<Uuid>,
}

impl MedicalReach {
    pub fn is_refused(&self) -> bool {
        !self.all && self.consented.is_empty() && self.own.is_empty()
    }
}

/// The medical notes `actor` reads among the pupils of `groups` at `school`, where
/// `children_in_groups` are the actor's own children among them. The director and the admin see
/// none (they need not know; as for the medical detail of a sick report).
pub fn medical_reach(
    actor: &Actor,
    school: SchoolRef,
    groups: &[Uuid],
    children_in_groups: &[Uuid],
) -> MedicalReach {
    let mut reach = MedicalReach {
        all: teaches_any(actor, school, groups)
            || actor.has_role_at(school.school_id, StaffRole::CareStaff),
        ..MedicalReach::default()
    };
    if actor.has_role_at(school.school_id, StaffRole::LunchSupervisor) {
        reach.consented.push(Code::MedicalLunchSupervisor);
    }
    if !children_in_groups.is_empty() {
        reach.consented.push(Code::MedicalOtherParents);
        reach.own = children_in_groups.to_vec();
    }
    reach
}

/// Writing a pupil's medical note: a guardian with parental authority (the note is shared by
/// their choice, seed 001).
pub fn may_write_medical_note(actor: &Actor, pupil_id: Uuid) -> bool {
    may_decide_for_pupil(actor, pupil_id)
}

/// Reading a group's contact list: parents of the group, its teacher and the record keepers.
/// Only guardians who shared their details are on it, whoever reads it.
pub fn may_read_contact_list(
    actor: &Actor,
    school: SchoolRef,
    group: Uuid,
    children_in_group: &[Uuid],
) -> bool {
    !children_in_group.is_empty()
        || teaches_any(actor, school, &[group])
        || keeps_records(actor, school)
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
