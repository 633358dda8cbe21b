//! Who is making a request, with every role and relation that decides what they may see and do.
//! The API builds an `Actor` from a verified token and the database once per request.

use uuid::Uuid;

use crate::roles::StaffRole;

/// A signed-in person (or, later, an integration client) and their relations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub account_id: Uuid,
    /// Runs the service: manages boards and integration clients, reads no personal data.
    pub platform_operator: bool,
    /// Boards this person administers (all their schools).
    pub board_admin_of: Vec<Uuid>,
    pub staff: Vec<StaffMembership>,
    pub guardian: Vec<GuardianLink>,
}

/// Work at one school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMembership {
    pub board_id: Uuid,
    pub school_id: Uuid,
    pub staff_id: Uuid,
    pub roles: Vec<StaffRole>,
    /// The groups a teacher is linked to (any school year).
    pub groups: Vec<Uuid>,
}

/// Being a guardian known to one school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianLink {
    pub board_id: Uuid,
    pub school_id: Uuid,
    pub guardian_id: Uuid,
    pub children: Vec<Child>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Child {
    pub pupil_id: Uuid,
    pub parental_authority: bool,
}

impl Actor {
    pub fn operator(account_id: Uuid) -> Actor {
        Actor {
            account_id,
            platform_operator: true,
            ..Actor::default()
        }
    }

    /// Creating and listing boards (tenants) is the platform operator's task alone.
    pub fn may_manage_boards(&self) -> bool {
        self.platform_operator
    }

    /// The person's roles at a school (empty when they work elsewhere).
    pub fn roles_at(&self, school_id: Uuid) -> Vec<StaffRole> {
        self.staff
            .iter()
            .filter(|m| m.school_id == school_id)
            .flat_map(|m| m.roles.iter().copied())
            .collect()
    }

    pub fn has_role_at(&self, school_id: Uuid, role: StaffRole) -> bool {
        self.roles_at(school_id).contains(&role)
    }

    pub fn administers_board(&self, board_id: Uuid) -> bool {
        self.board_admin_of.contains(&board_id)
    }

    pub fn is_guardian_at(&self, school_id: Uuid) -> bool {
        self.guardian
            .iter()
            .any(|g| g.school_id == school_id && !g.children.is_empty())
    }

    pub fn guardian_ids(&self) -> Vec<Uuid> {
        self.guardian.iter().map(|g| g.guardian_id).collect()
    }

    pub fn children(&self) -> impl Iterator<Item = &Child> {
        self.guardian.iter().flat_map(|g| g.children.iter())
    }

    pub fn is_guardian_of(&self, pupil_id: Uuid) -> bool {
        self.children().any(|c| c.pupil_id == pupil_id)
    }

    /// Has no role or relation at all (an account whose links were all removed).
    pub fn is_nobody(&self) -> bool {
        !self.platform_operator
            && self.board_admin_of.is_empty()
            && self.staff.is_empty()
            && self.guardian.iter().all(|g| g.children.is_empty())
    }
}
