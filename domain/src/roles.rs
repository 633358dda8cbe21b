//! Roles a person can hold (SPEC §1).

use serde::{Deserialize, Serialize};

/// A staff member's role at one school. A person can hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Beheerder: runs the school's portal; the only role that deletes pupils and guardians (seed 003).
    SchoolAdmin,
    /// Schoolleider: decides leave requests.
    Director,
    /// Leerkracht: works with the groups they are linked to.
    Teacher,
    /// Intern begeleider: pupil care across the school.
    CareStaff,
    /// Overblijfkracht: lunch supervision.
    LunchSupervisor,
}

impl StaffRole {
    pub const ALL: [StaffRole; 5] = [
        StaffRole::SchoolAdmin,
        StaffRole::Director,
        StaffRole::Teacher,
        StaffRole::CareStaff,
        StaffRole::LunchSupervisor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::SchoolAdmin => "school_admin",
            StaffRole::Director => "director",
            StaffRole::Teacher => "teacher",
            StaffRole::CareStaff => "care_staff",
            StaffRole::LunchSupervisor => "lunch_supervisor",
        }
    }

    pub fn parse(value: &str) -> Option<StaffRole> {
        StaffRole::ALL
            .into_iter()
            .find(|role| role.as_str() == value)
    }

    /// Roles that work with every pupil of the school rather than with some groups.
    pub fn sees_whole_school(self) -> bool {
        !matches!(self, StaffRole::Teacher)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(StaffRole::parse("principal"), None);
    }
}
