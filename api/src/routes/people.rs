//! How people appear in answers. Names of people come from the LAS; contact details are included
//! only where the policy allows (staff contacts never reach guardians).

use chrono::NaiveDate;
use domain::roles::StaffRole;
use persistence::groups::GroupRow;
use persistence::pupil_card::{CardGuardian, CardLink};
use persistence::pupils::PupilRow;
use persistence::staff::StaffRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routes::fields::Role;

/// A pupil in a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PupilSummary {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200)]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    pub last_name: String,
}

impl From<&PupilRow> for PupilSummary {
    fn from(row: &PupilRow) -> Self {
        PupilSummary {
            id: row.id.clone(),
            first_name: row.first_name.clone(),
            name_prefix: row.name_prefix.clone(),
            last_name: row.last_name.clone(),
        }
    }
}

/// A group a pupil is in.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GroupRef {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 100)]
    pub name: String,
}

/// A pupil with groups and the guardians the caller may see.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Pupil {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    #[schema(max_length = 200)]
    pub first_name: String,
    #[schema(max_length = 50)]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
    /// The two households are invited and informed separately.
    pub parents_separated: bool,
    #[schema(max_items = 20)]
    pub groups: Vec<GroupRef>,
    #[schema(max_items = 20)]
    pub guardians: Vec<PupilGuardian>,
}

/// A guardian as seen from a pupil.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PupilGuardian {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200)]
    pub first_name: String,
    #[schema(max_length = 50)]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    pub last_name: String,
    /// As the LAS records it, e.g. `mother`, `father`, `guardian`.
    #[schema(max_length = 50)]
    pub relationship: String,
    pub parental_authority: bool,
    /// The LAS's household key: guardians with the same key live together.
    #[schema(max_length = 100)]
    pub household: String,
    /// Only for staff who may contact guardians, and for the guardian themselves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

/// E-mail address and phone number.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Contact {
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    pub phone: Option<String>,
}

impl PupilGuardian {
    pub fn from_card(row: &CardGuardian, link: &CardLink, with_contact: bool) -> Self {
        PupilGuardian {
            id: row.id.clone(),
            first_name: row.first_name.clone(),
            name_prefix: row.name_prefix.clone(),
            last_name: row.last_name.clone(),
            relationship: link.relationship.clone(),
            parental_authority: link.parental_authority,
            household: link.household.clone(),
            contact: with_contact.then(|| Contact {
                email: row.email.clone(),
                phone: row.phone.clone(),
            }),
        }
    }
}

/// A guardian with their children at the school.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Guardian {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    #[schema(max_length = 200)]
    pub first_name: String,
    #[schema(max_length = 50)]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[schema(max_items = 20)]
    pub children: Vec<GuardianChild>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GuardianChild {
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    #[schema(max_length = 50)]
    pub relationship: String,
    pub parental_authority: bool,
}

/// A staff member. Contact details only for colleagues and board admins, never for guardians.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StaffMember {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200)]
    pub first_name: String,
    #[schema(max_length = 50)]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    pub last_name: String,
    #[schema(max_items = 5)]
    pub roles: Vec<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

impl StaffMember {
    pub fn new(row: StaffRow, roles: &[String], with_contact: bool) -> Self {
        StaffMember {
            id: row.id,
            first_name: row.first_name,
            name_prefix: row.name_prefix,
            last_name: row.last_name,
            roles: roles
                .iter()
                .filter_map(|r| StaffRole::parse(r))
                .map(Role::from)
                .collect(),
            contact: with_contact.then_some(Contact {
                email: row.email,
                phone: row.phone,
            }),
        }
    }
}

/// A group of a school.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Group {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 100)]
    pub name: String,
    /// Jaargroep 1–8, absent for groups that are not one year.
    #[schema(minimum = 1, maximum = 8)]
    pub year_group: Option<i32>,
    /// A combined group (samengestelde groep), e.g. 3/4.
    pub is_combined: bool,
    /// The school year, e.g. `2026-2027`.
    #[schema(max_length = 9)]
    pub school_year: String,
}

impl From<(GroupRow, String)> for Group {
    fn from((row, school_year): (GroupRow, String)) -> Self {
        Group {
            id: row.id,
            name: row.name,
            year_group: row.year_group,
            is_combined: row.is_combined,
            school_year,
        }
    }
}
