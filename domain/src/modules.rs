//! Module switches (seed 004: the school decides which functions each user group gets). A module
//! that is off for the caller's audience answers as if it does not exist (404), and sends nothing.

use uuid::Uuid;

use crate::actor::Actor;
use crate::roles::StaffRole;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Module {
    News,
    Absence,
    Planner,
    Forms,
    ChangeRequests,
    Consent,
}

impl Module {
    pub const ALL: [Module; 6] = [
        Module::News,
        Module::Absence,
        Module::Planner,
        Module::Forms,
        Module::ChangeRequests,
        Module::Consent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Module::News => "news",
            Module::Absence => "absence",
            Module::Planner => "planner",
            Module::Forms => "forms",
            Module::ChangeRequests => "change_requests",
            Module::Consent => "consent",
        }
    }

    pub fn parse(value: &str) -> Option<Module> {
        Module::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

/// Who a module is switched on for: guardians, or staff of one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Audience {
    Guardian,
    Staff(StaffRole),
}

impl Audience {
    pub fn all() -> Vec<Audience> {
        std::iter::once(Audience::Guardian)
            .chain(StaffRole::ALL.into_iter().map(Audience::Staff))
            .collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Guardian => "guardian",
            Audience::Staff(role) => role.as_str(),
        }
    }

    pub fn parse(value: &str) -> Option<Audience> {
        if value == "guardian" {
            Some(Audience::Guardian)
        } else {
            StaffRole::parse(value).map(Audience::Staff)
        }
    }
}

/// A school's switches: the (module, audience) pairs that are on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleSettings {
    pub on: Vec<(Module, Audience)>,
}

impl ModuleSettings {
    /// A new school starts with every module on for everyone; the school switches off what it does
    /// not use.
    pub fn all_on() -> ModuleSettings {
        ModuleSettings {
            on: Module::ALL
                .into_iter()
                .flat_map(|m| Audience::all().into_iter().map(move |a| (m, a)))
                .collect(),
        }
    }

    pub fn is_on(&self, module: Module, audience: Audience) -> bool {
        self.on.contains(&(module, audience))
    }

    /// Whether the module exists for this actor at this school: on for one of their audiences
    /// there. Board admins see what the school's admins see.
    pub fn is_on_for(
        &self,
        module: Module,
        actor: &Actor,
        board_id: Uuid,
        school_id: Uuid,
    ) -> bool {
        [Capacity::Staff, Capacity::Guardian]
            .into_iter()
            .any(|capacity| self.is_on_as(module, actor, board_id, school_id, capacity))
    }

    /// Whether the module exists for this actor acting in this capacity: a teacher who is also a
    /// parent at the school reads news as a parent only where news is on for guardians, and posts
    /// only where it is on for teachers.
    pub fn is_on_as(
        &self,
        module: Module,
        actor: &Actor,
        board_id: Uuid,
        school_id: Uuid,
        capacity: Capacity,
    ) -> bool {
        let audiences: Vec<Audience> = match capacity {
            Capacity::Guardian if actor.is_guardian_at(school_id) => vec![Audience::Guardian],
            Capacity::Guardian => Vec::new(),
            Capacity::Staff => {
                let mut roles: Vec<Audience> = actor
                    .roles_at(school_id)
                    .into_iter()
                    .map(Audience::Staff)
                    .collect();
                if actor.administers_board(board_id) {
                    roles.push(Audience::Staff(StaffRole::SchoolAdmin));
                }
                roles
            }
        };
        audiences.into_iter().any(|a| self.is_on(module, a))
    }
}

/// In which capacity a caller uses a module at a school: as its staff (their roles there; a board
/// admin as the school's admin), or as a guardian of its pupils.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    Staff,
    Guardian,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::{Child, GuardianLink, StaffMembership};

    const BOARD: Uuid = Uuid::from_u128(1);
    const SCHOOL: Uuid = Uuid::from_u128(2);

    fn guardian() -> Actor {
        Actor {
            guardian: vec![GuardianLink {
                board_id: BOARD,
                school_id: SCHOOL,
                guardian_id: Uuid::from_u128(3),
                children: vec![Child {
                    pupil_id: Uuid::from_u128(4),
                    parental_authority: true,
                }],
            }],
            ..Actor::default()
        }
    }

    fn teacher() -> Actor {
        Actor {
            staff: vec![StaffMembership {
                board_id: BOARD,
                school_id: SCHOOL,
                staff_id: Uuid::from_u128(5),
                roles: vec![StaffRole::Teacher],
                groups: vec![],
            }],
            ..Actor::default()
        }
    }

    #[test]
    fn a_module_switched_off_for_guardians_is_gone_for_them_only() {
        // Seed 004: the school decides per user group.
        let mut settings = ModuleSettings::all_on();
        settings
            .on
            .retain(|&(m, a)| !(m == Module::Planner && a == Audience::Guardian));
        assert!(!settings.is_on_for(Module::Planner, &guardian(), BOARD, SCHOOL));
        assert!(settings.is_on_for(Module::Planner, &teacher(), BOARD, SCHOOL));
        assert!(settings.is_on_for(Module::News, &guardian(), BOARD, SCHOOL));
    }

    #[test]
    fn nothing_is_on_at_a_school_the_actor_has_no_part_in() {
        let settings = ModuleSettings::all_on();
        assert!(!settings.is_on_for(Module::News, &guardian(), BOARD, Uuid::from_u128(99)));
    }

    #[test]
    fn names_round_trip() {
        for module in Module::ALL {
            assert_eq!(Module::parse(module.as_str()), Some(module));
        }
        for audience in Audience::all() {
            assert_eq!(Audience::parse(audience.as_str()), Some(audience));
        }
    }

    #[test]
    fn a_teacher_who_is_a_parent_uses_a_module_only_in_the_capacity_it_is_on_for() {
        let mut actor = guardian();
        actor.staff.push(StaffMembership {
            board_id: BOARD,
            school_id: SCHOOL,
            staff_id: Uuid::from_u128(9),
            roles: vec![StaffRole::Teacher],
            groups: Vec::new(),
        });
        let mut settings = ModuleSettings::default();
        settings.on.retain(|(m, _)| *m != Module::News);
        settings.on.push((Module::News, Audience::Guardian));
        assert!(settings.is_on_as(Module::News, &actor, BOARD, SCHOOL, Capacity::Guardian));
        assert!(!settings.is_on_as(Module::News, &actor, BOARD, SCHOOL, Capacity::Staff));
        assert!(settings.is_on_for(Module::News, &actor, BOARD, SCHOOL));
        settings.on.retain(|(m, _)| *m != Module::News);
        settings
            .on
            .push((Module::News, Audience::Staff(StaffRole::Teacher)));
        assert!(!settings.is_on_as(Module::News, &actor, BOARD, SCHOOL, Capacity::Guardian));
        assert!(settings.is_on_as(Module::News, &actor, BOARD, SCHOOL, Capacity::Staff));
    }
}
