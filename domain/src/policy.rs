//! The one place that answers "may this actor do this to that school's data". Visibility (whether an
//! object exists for the actor at all, 404) is settled first by scoped queries; this decides what a
//! visible actor may do (403 when not).

use uuid::Uuid;

use crate::actor::Actor;
use crate::roles::StaffRole;

/// Something done with a school's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolAction {
    /// The school's name and code.
    ReadSchool,
    ListGroups,
    /// The school's pupils (teachers: their groups' pupils).
    ListPupils,
    /// Staff names and roles.
    ListStaff,
    /// Staff e-mail addresses and phone numbers; never for guardians (seed 003).
    ReadStaffContacts,
    /// A guardian's contact details.
    ReadGuardianContacts,
    /// The school's audit log.
    ReadAuditLog,
    /// Delete a pupil or a guardian: school admins only, not teachers (seed 003).
    DeletePeople,
    /// Create schools, change school settings.
    ManageSchool,
    /// Send a guardian or staff member the link to activate their account.
    InvitePeople,
    /// Import the roster (EDEXML upload), set where the LAS publishes it, read the sync runs.
    ManageRoster,
    /// Work the queue of change requests: read them with old and new values, decide them, set
    /// which fields guardians may request (SPEC §4: the school administration).
    ProcessChangeRequests,
    /// Write news posts (SPEC §5): teachers to their own groups, which `news::policy` checks;
    /// those who may also [`SchoolAction::ManageNews`] to the whole school or any group.
    PostNews,
    /// Post to the whole school or any group, and edit, delete and hide comments of any post of
    /// the school (SPEC §5: the whole school is the admins').
    ManageNews,
    /// Register, change and remove the school's webhook endpoints, read their deliveries and
    /// replay them: they tell an integrator of the school's events (SPEC §6), so they are the
    /// school's administration's, like its other settings.
    ManageWebhooks,
}

impl SchoolAction {
    /// The action's name in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            SchoolAction::ReadSchool => "read_school",
            SchoolAction::ListGroups => "list_groups",
            SchoolAction::ListPupils => "list_pupils",
            SchoolAction::ListStaff => "list_staff",
            SchoolAction::ReadStaffContacts => "read_staff_contacts",
            SchoolAction::ReadGuardianContacts => "read_guardian_contacts",
            SchoolAction::ReadAuditLog => "read_audit_log",
            SchoolAction::DeletePeople => "delete_people",
            SchoolAction::ManageSchool => "manage_school",
            SchoolAction::InvitePeople => "invite_people",
            SchoolAction::ManageRoster => "manage_roster",
            SchoolAction::ProcessChangeRequests => "process_change_requests",
            SchoolAction::PostNews => "post_news",
            SchoolAction::ManageNews => "manage_news",
            SchoolAction::ManageWebhooks => "manage_webhooks",
        }
    }
}

/// Where the data belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolRef {
    pub board_id: Uuid,
    pub school_id: Uuid,
}

impl Actor {
    /// Whether the actor may do `action` at `school`.
    pub fn may(&self, action: SchoolAction, school: SchoolRef) -> bool {
        let board_admin = self.administers_board(school.board_id);
        let roles = self.roles_at(school.school_id);
        let staff = !roles.is_empty();
        let has = |role: StaffRole| roles.contains(&role);
        let guardian = self.is_guardian_at(school.school_id);
        match action {
            SchoolAction::ReadSchool | SchoolAction::ListStaff => board_admin || staff || guardian,
            SchoolAction::ListGroups
            | SchoolAction::ListPupils
            | SchoolAction::ReadStaffContacts => board_admin || staff,
            SchoolAction::ReadGuardianContacts => {
                board_admin
                    || has(StaffRole::SchoolAdmin)
                    || has(StaffRole::Director)
                    || has(StaffRole::CareStaff)
                    || has(StaffRole::Teacher)
            }
            SchoolAction::ReadAuditLog => board_admin || has(StaffRole::SchoolAdmin),
            SchoolAction::DeletePeople => has(StaffRole::SchoolAdmin),
            SchoolAction::ManageSchool
            | SchoolAction::InvitePeople
            | SchoolAction::ManageRoster
            | SchoolAction::ProcessChangeRequests
            | SchoolAction::ManageNews
            | SchoolAction::ManageWebhooks => board_admin || has(StaffRole::SchoolAdmin),
            SchoolAction::PostNews => {
                board_admin || has(StaffRole::SchoolAdmin) || has(StaffRole::Teacher)
            }
        }
    }

    /// The schools among `candidates` where the actor may do `action` (for reads by id of objects
    /// that belong to a school: what is not in these does not exist for the actor).
    pub fn schools_where(&self, action: SchoolAction, candidates: &[SchoolRef]) -> Vec<SchoolRef> {
        candidates
            .iter()
            .copied()
            .filter(|school| self.may(action, *school))
            .collect()
    }

    /// Whether the actor may read a guardian's e-mail and phone: their own record, or as staff
    /// allowed guardians' contact details at the guardian's school (seed 003: never another
    /// guardian, so a separated parent does not get the other's address).
    pub fn may_read_contact_of(&self, guardian_id: Uuid, school: SchoolRef) -> bool {
        self.guardian_ids().contains(&guardian_id)
            || self.may(SchoolAction::ReadGuardianContacts, school)
    }

    /// Setting up a board (its schools; listing and revoking its integration clients): the
    /// platform operator sets up tenants, board admins their own.
    pub fn may_set_up_board(&self, board_id: Uuid) -> bool {
        self.platform_operator || self.administers_board(board_id)
    }

    /// Creating an integration client: the board's admins alone. A client writes the board's
    /// rosters, which name guardians; the platform operator, who sees no personal data, must not
    /// be able to give itself that way in.
    pub fn may_create_integration_client(&self, board_id: Uuid) -> bool {
        self.administers_board(board_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::{Child, GuardianLink, StaffMembership};

    fn school() -> SchoolRef {
        SchoolRef {
            board_id: Uuid::from_u128(1),
            school_id: Uuid::from_u128(10),
        }
    }

    fn staff(roles: &[StaffRole]) -> Actor {
        Actor {
            account_id: Uuid::from_u128(100),
            staff: vec![StaffMembership {
                board_id: school().board_id,
                school_id: school().school_id,
                staff_id: Uuid::from_u128(101),
                roles: roles.to_vec(),
                groups: vec![],
            }],
            ..Actor::default()
        }
    }

    fn guardian() -> Actor {
        Actor {
            account_id: Uuid::from_u128(200),
            guardian: vec![GuardianLink {
                board_id: school().board_id,
                school_id: school().school_id,
                guardian_id: Uuid::from_u128(201),
                children: vec![Child {
                    pupil_id: Uuid::from_u128(202),
                    parental_authority: true,
                }],
            }],
            ..Actor::default()
        }
    }

    #[test]
    fn only_school_admins_delete_pupils_and_guardians() {
        // Seed 003: "Beheerders kunnen leerlingen en ouders verwijderen. Een leerkracht niet."
        assert!(staff(&[StaffRole::SchoolAdmin]).may(SchoolAction::DeletePeople, school()));
        for role in [
            StaffRole::Teacher,
            StaffRole::Director,
            StaffRole::CareStaff,
            StaffRole::LunchSupervisor,
        ] {
            assert!(
                !staff(&[role]).may(SchoolAction::DeletePeople, school()),
                "{role:?}"
            );
        }
        assert!(!guardian().may(SchoolAction::DeletePeople, school()));
    }

    #[test]
    fn news_is_written_by_admins_and_teachers_and_managed_by_admins_only() {
        // SPEC §5: the whole school is the admins'; teachers write to their own groups.
        let board_admin = Actor {
            board_admin_of: vec![school().board_id],
            ..Actor::default()
        };
        for actor in [staff(&[StaffRole::SchoolAdmin]), board_admin] {
            assert!(actor.may(SchoolAction::PostNews, school()));
            assert!(actor.may(SchoolAction::ManageNews, school()));
        }
        assert!(staff(&[StaffRole::Teacher]).may(SchoolAction::PostNews, school()));
        assert!(!staff(&[StaffRole::Teacher]).may(SchoolAction::ManageNews, school()));
        for role in [
            StaffRole::Director,
            StaffRole::CareStaff,
            StaffRole::LunchSupervisor,
        ] {
            assert!(
                !staff(&[role]).may(SchoolAction::PostNews, school()),
                "{role:?}"
            );
        }
        let operator = Actor::operator(Uuid::from_u128(9));
        for action in [SchoolAction::PostNews, SchoolAction::ManageNews] {
            assert!(!guardian().may(action, school()));
            assert!(!operator.may(action, school()));
        }
    }

    #[test]
    fn webhooks_are_the_school_admins_and_the_boards() {
        let board_admin = Actor {
            board_admin_of: vec![school().board_id],
            ..Actor::default()
        };
        assert!(board_admin.may(SchoolAction::ManageWebhooks, school()));
        assert!(staff(&[StaffRole::SchoolAdmin]).may(SchoolAction::ManageWebhooks, school()));
        for role in [
            StaffRole::Director,
            StaffRole::Teacher,
            StaffRole::CareStaff,
            StaffRole::LunchSupervisor,
        ] {
            assert!(!staff(&[role]).may(SchoolAction::ManageWebhooks, school()));
        }
        assert!(!guardian().may(SchoolAction::ManageWebhooks, school()));
        let operator = Actor::operator(Uuid::from_u128(9));
        assert!(!operator.may(SchoolAction::ManageWebhooks, school()));
        let elsewhere = SchoolRef {
            board_id: Uuid::from_u128(2),
            school_id: Uuid::from_u128(20),
        };
        assert_eq!(
            board_admin.schools_where(SchoolAction::ManageWebhooks, &[school(), elsewhere]),
            vec![school()]
        );
    }

    #[test]
    fn guardians_never_see_staff_contact_details() {
        // Seed 003: "Persoonlijke contactgegevens worden niet beschikbaar gesteld voor ouders."
        assert!(guardian().may(SchoolAction::ListStaff, school()));
        assert!(!guardian().may(SchoolAction::ReadStaffContacts, school()));
        assert!(staff(&[StaffRole::Teacher]).may(SchoolAction::ReadStaffContacts, school()));
    }

    #[test]
    fn nobody_acts_at_a_school_they_have_no_relation_with() {
        let other = SchoolRef {
            board_id: Uuid::from_u128(2),
            school_id: Uuid::from_u128(20),
        };
        for action in [
            SchoolAction::ReadSchool,
            SchoolAction::ListPupils,
            SchoolAction::ReadAuditLog,
        ] {
            assert!(!staff(&[StaffRole::SchoolAdmin]).may(action, other));
            assert!(!guardian().may(action, other));
            assert!(!Actor::operator(Uuid::from_u128(9)).may(action, other));
        }
    }

    #[test]
    fn the_platform_operator_reads_no_personal_data() {
        let operator = Actor::operator(Uuid::from_u128(9));
        assert!(operator.pupil_scope().is_empty());
        assert!(!operator.may(SchoolAction::ListPupils, school()));
        assert!(operator.may_set_up_board(school().board_id));
        assert!(!operator.may_create_integration_client(school().board_id));
    }

    #[test]
    fn teachers_see_their_groups_and_whole_school_roles_the_school() {
        let mut teacher = staff(&[StaffRole::Teacher]);
        teacher.staff[0].groups = vec![Uuid::from_u128(50)];
        let scope = teacher.pupil_scope();
        assert_eq!(scope.groups, vec![Uuid::from_u128(50)]);
        assert!(scope.schools.is_empty());
        let care = staff(&[StaffRole::CareStaff]).pupil_scope();
        assert_eq!(care.schools, vec![school().school_id]);
        assert_eq!(guardian().pupil_scope().pupils, vec![Uuid::from_u128(202)]);
    }

    #[test]
    fn a_guardians_contact_is_for_themselves_and_staff_not_for_the_other_parent() {
        let me = guardian();
        let own = me.guardian[0].guardian_id;
        assert!(me.may_read_contact_of(own, school()));
        assert!(!me.may_read_contact_of(Uuid::from_u128(999), school()));
        assert!(staff(&[StaffRole::Teacher]).may_read_contact_of(own, school()));
        assert!(!staff(&[StaffRole::LunchSupervisor]).may_read_contact_of(own, school()));
        let elsewhere = SchoolRef {
            board_id: Uuid::from_u128(2),
            school_id: Uuid::from_u128(20),
        };
        assert!(!staff(&[StaffRole::SchoolAdmin]).may_read_contact_of(own, elsewhere));
    }
}
