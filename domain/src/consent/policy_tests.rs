use uuid::Uuid;

use super::*;
use crate::absence::policy::tests::{GROUP, PUPIL, guardian, school, staff};

fn pupil() -> PupilRef<'static> {
    const GROUPS: &[Uuid] = &[GROUP];
    PupilRef {
        school: school(),
        pupil_id: PUPIL,
        groups: GROUPS,
    }
}

#[test]
fn only_a_guardian_with_parental_authority_decides_for_a_child() {
    assert!(may_decide_for_pupil(&guardian(PUPIL, true), PUPIL));
    assert!(!may_decide_for_pupil(&guardian(PUPIL, false), PUPIL));
    assert!(!may_decide_for_pupil(
        &guardian(Uuid::from_u128(999), true),
        PUPIL
    ));
    assert!(!may_decide_for_pupil(
        &staff(&[StaffRole::SchoolAdmin], &[]),
        PUPIL
    ));
    // The guardian's own details: theirs alone (guardian() is guardian 201).
    assert!(may_decide_for_guardian(
        &guardian(PUPIL, false),
        Uuid::from_u128(201)
    ));
    assert!(!may_decide_for_guardian(
        &guardian(PUPIL, true),
        Uuid::from_u128(202)
    ));
    assert!(may_write_medical_note(&guardian(PUPIL, true), PUPIL));
    let school_id = school().school_id;
    assert_eq!(
        deciding_guardian(&guardian(PUPIL, true), school_id, PUPIL),
        Some(Uuid::from_u128(201))
    );
    assert_eq!(
        deciding_guardian(&guardian(PUPIL, false), school_id, PUPIL),
        None
    );
    assert_eq!(
        deciding_guardian(&guardian(PUPIL, true), Uuid::from_u128(11), PUPIL),
        None
    );
    assert!(!may_write_medical_note(&guardian(PUPIL, false), PUPIL));
}

#[test]
fn consents_are_read_by_the_family_the_record_keepers_and_the_groups_teacher() {
    let p = pupil();
    assert!(may_read_pupil_consents(&guardian(PUPIL, false), &p));
    for role in [
        StaffRole::SchoolAdmin,
        StaffRole::Director,
        StaffRole::CareStaff,
    ] {
        assert!(
            may_read_pupil_consents(&staff(&[role], &[]), &p),
            "{role:?}"
        );
        assert_eq!(
            purpose_listing(&staff(&[role], &[]), school()),
            Listing::WholeSchool
        );
    }
    assert!(may_read_pupil_consents(
        &staff(&[StaffRole::Teacher], &[GROUP]),
        &p
    ));
    let elsewhere = staff(&[StaffRole::Teacher], &[Uuid::from_u128(301)]);
    assert!(!may_read_pupil_consents(&elsewhere, &p));
    let lunch = staff(&[StaffRole::LunchSupervisor], &[]);
    assert!(!may_read_pupil_consents(&lunch, &p));
    assert_eq!(purpose_listing(&lunch, school()), Listing::Refused);
    assert_eq!(
        purpose_listing(&staff(&[StaffRole::Teacher], &[GROUP]), school()),
        Listing::Groups(vec![GROUP])
    );
    assert!(!may_read_pupil_consents(
        &guardian(Uuid::from_u128(999), true),
        &p
    ));
    assert!(!may_read_guardian_consents(
        &lunch,
        school(),
        Uuid::from_u128(201)
    ));
    assert!(may_read_guardian_consents(
        &staff(&[StaffRole::Director], &[]),
        school(),
        Uuid::from_u128(201)
    ));
}

#[test]
fn medical_notes_reach_teacher_and_care_always_and_others_by_consent() {
    let groups = [GROUP];
    let teacher = medical_reach(
        &staff(&[StaffRole::Teacher], &[GROUP]),
        school(),
        &groups,
        &[],
    );
    assert!(teacher.all);
    let care = medical_reach(&staff(&[StaffRole::CareStaff], &[]), school(), &groups, &[]);
    assert!(care.all);
    let lunch = medical_reach(
        &staff(&[StaffRole::LunchSupervisor], &[]),
        school(),
        &groups,
        &[],
    );
    assert!(!lunch.all && lunch.consented == vec![Code::MedicalLunchSupervisor]);
    let parent = medical_reach(&guardian(PUPIL, false), school(), &groups, &[PUPIL]);
    assert!(!parent.all && parent.consented == vec![Code::MedicalOtherParents]);
    assert_eq!(parent.own, vec![PUPIL]);
    for role in [StaffRole::SchoolAdmin, StaffRole::Director] {
        assert!(medical_reach(&staff(&[role], &[]), school(), &groups, &[]).is_refused());
    }
    let other_group = staff(&[StaffRole::Teacher], &[Uuid::from_u128(301)]);
    assert!(medical_reach(&other_group, school(), &groups, &[]).is_refused());
}

#[test]
fn the_contact_list_is_for_the_groups_parents_teacher_and_record_keepers() {
    assert!(may_read_contact_list(
        &guardian(PUPIL, false),
        school(),
        GROUP,
        &[PUPIL]
    ));
    assert!(!may_read_contact_list(
        &guardian(PUPIL, false),
        school(),
        GROUP,
        &[]
    ));
    assert!(may_read_contact_list(
        &staff(&[StaffRole::Teacher], &[GROUP]),
        school(),
        GROUP,
        &[]
    ));
    assert!(!may_read_contact_list(
        &staff(&[StaffRole::LunchSupervisor], &[]),
        school(),
        GROUP,
        &[]
    ));
    assert!(may_read_contact_list(
        &staff(&[StaffRole::Director], &[]),
        school(),
        GROUP,
        &[]
    ));
}
