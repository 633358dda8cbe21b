//! What roster pushes send and what they answer: the JSON snapshot and delta, the counts, the
//! records left out, and the EDEXML document type of the contract.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use domain::roles::StaffRole;
use domain::roster::{
    ChildLink, Delta, GroupRecord, GuardianRecord, LasConsent, Name, PupilRecord, Removals,
    Snapshot, StaffRecord,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::routes::consent::dto::ConsentCode;
use crate::routes::fields::{LasKey, Role, SchoolYearName};

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterGroup {
    /// The LAS's key of the group.
    pub key: LasKey,
    #[schema(min_length = 1, max_length = 100)]
    #[validate(length(min = 1, max = 100))]
    pub name: String,
    #[schema(minimum = 1, maximum = 8)]
    #[serde(
        default,
        deserialize_with = "crate::routes::fields::optional_whole_number"
    )]
    pub year_group: Option<i32>,
    /// A combined group (samengestelde groep).
    #[serde(default)]
    pub combined: bool,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterPupil {
    pub key: LasKey,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
    /// Required, never assumed: it decides what each parent sees (a delta that left it out would
    /// otherwise silently join separated households).
    pub parents_separated: bool,
    /// Keys of the pupil's groups this school year.
    #[schema(max_items = 10)]
    #[validate(length(max = 10))]
    #[serde(default)]
    pub groups: Vec<LasKey>,
    /// Consent the LAS keeps for this pupil: the purposes named become read-only in the portal,
    /// showing the time of the last import. Purposes left out keep what the portal holds.
    #[schema(max_items = 10)]
    #[validate(length(max = 10))]
    #[serde(default)]
    pub consents: Vec<RosterConsent>,
}

/// A pupil's consent for one of the default purposes about pupils, as the LAS holds it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterConsent {
    /// A purpose about the pupil (`contact_details_group` is the guardian's own decision and is
    /// left out, reported).
    pub purpose: ConsentCode,
    pub given: bool,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterChild {
    /// The pupil's key.
    pub pupil: LasKey,
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub relationship: String,
    pub parental_authority: bool,
    /// Guardians with the same household key live together.
    #[schema(max_length = 100)]
    #[validate(length(max = 100))]
    pub household: String,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterGuardian {
    pub key: LasKey,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub last_name: String,
    #[schema(max_length = 254)]
    #[validate(length(max = 254))]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub phone: Option<String>,
    #[schema(max_items = 20)]
    #[validate(length(max = 20), nested)]
    #[serde(default)]
    pub children: Vec<RosterChild>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterStaff {
    pub key: LasKey,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub last_name: String,
    #[schema(max_length = 254)]
    #[validate(length(max = 254))]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub phone: Option<String>,
    #[schema(max_items = 5)]
    #[validate(length(max = 5))]
    #[serde(default)]
    pub roles: Vec<Role>,
    #[schema(max_items = 50)]
    #[validate(length(max = 50))]
    #[serde(default)]
    pub groups: Vec<LasKey>,
}

/// A full roster of one school for one school year. Everything the portal holds for the school
/// and not in the snapshot is deactivated.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterSnapshot {
    /// e.g. `2026-2027`.
    pub school_year: SchoolYearName,
    #[schema(max_items = 500)]
    #[validate(length(max = 500), nested)]
    pub groups: Vec<RosterGroup>,
    #[schema(max_items = 10000)]
    #[validate(length(max = 10000), nested)]
    pub pupils: Vec<RosterPupil>,
    #[schema(max_items = 20000)]
    #[validate(length(max = 20000), nested)]
    pub guardians: Vec<RosterGuardian>,
    #[schema(max_items = 2000)]
    #[validate(length(max = 2000), nested)]
    pub staff: Vec<RosterStaff>,
}

fn name(first_name: String, name_prefix: Option<String>, last_name: String) -> Name {
    Name {
        first_name,
        name_prefix,
        last_name,
    }
}

impl From<RosterSnapshot> for Snapshot {
    fn from(input: RosterSnapshot) -> Self {
        snapshot_of(
            input.school_year.0,
            input.groups,
            input.pupils,
            input.guardians,
            input.staff,
        )
    }
}

fn snapshot_of(
    school_year: String,
    groups: Vec<RosterGroup>,
    pupils: Vec<RosterPupil>,
    guardians: Vec<RosterGuardian>,
    staff: Vec<RosterStaff>,
) -> Snapshot {
    let consents = pupils
        .iter()
        .flat_map(|p| {
            p.consents.iter().map(|c| LasConsent {
                pupil: p.key.0.clone(),
                purpose: c.purpose.into(),
                given: c.given,
            })
        })
        .collect();
    Snapshot {
        consents,
        school_year,
        groups: groups
            .into_iter()
            .map(|g| GroupRecord {
                key: g.key.0,
                name: g.name,
                year_group: g.year_group,
                combined: g.combined,
            })
            .collect(),
        pupils: pupils
            .into_iter()
            .map(|p| PupilRecord {
                key: p.key.0,
                name: name(p.first_name, p.name_prefix, p.last_name),
                date_of_birth: p.date_of_birth,
                parents_separated: p.parents_separated,
                groups: p.groups.into_iter().map(|g| g.0).collect(),
            })
            .collect(),
        guardians: guardians
            .into_iter()
            .map(|g| GuardianRecord {
                key: g.key.0,
                name: name(g.first_name, g.name_prefix, g.last_name),
                email: g.email,
                phone: g.phone,
                children: g
                    .children
                    .into_iter()
                    .map(|c| {
                        let link = ChildLink {
                            relationship: c.relationship,
                            parental_authority: c.parental_authority,
                            household: c.household,
                        };
                        (c.pupil.0, link)
                    })
                    .collect::<BTreeMap<_, _>>(),
            })
            .collect(),
        staff: staff
            .into_iter()
            .map(|s| StaffRecord {
                key: s.key.0,
                name: name(s.first_name, s.name_prefix, s.last_name),
                email: s.email,
                phone: s.phone,
                roles: s
                    .roles
                    .into_iter()
                    .map(StaffRole::from)
                    .collect::<BTreeSet<_>>(),
                groups: s.groups.into_iter().map(|g| g.0).collect(),
            })
            .collect(),
    }
}

/// Records to create or replace, by key. Lists left out are empty. An upserted record replaces
/// the held one entirely: send it whole (a pupil's groups, a guardian's children, a staff
/// member's roles and groups).
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterUpserts {
    #[schema(max_items = 500)]
    #[validate(length(max = 500), nested)]
    #[serde(default)]
    pub groups: Vec<RosterGroup>,
    #[schema(max_items = 10000)]
    #[validate(length(max = 10000), nested)]
    #[serde(default)]
    pub pupils: Vec<RosterPupil>,
    #[schema(max_items = 20000)]
    #[validate(length(max = 20000), nested)]
    #[serde(default)]
    pub guardians: Vec<RosterGuardian>,
    #[schema(max_items = 2000)]
    #[validate(length(max = 2000), nested)]
    #[serde(default)]
    pub staff: Vec<RosterStaff>,
}

/// LAS keys of records that are gone: pupils who left, guardians and staff no longer present.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterRemovals {
    #[schema(max_items = 500)]
    #[validate(length(max = 500))]
    #[serde(default)]
    pub groups: Vec<LasKey>,
    #[schema(max_items = 10000)]
    #[validate(length(max = 10000))]
    #[serde(default)]
    pub pupils: Vec<LasKey>,
    #[schema(max_items = 20000)]
    #[validate(length(max = 20000))]
    #[serde(default)]
    pub guardians: Vec<LasKey>,
    #[schema(max_items = 2000)]
    #[validate(length(max = 2000))]
    #[serde(default)]
    pub staff: Vec<LasKey>,
}

/// Changes since the last sync, for vendors that send changes rather than snapshots.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterDelta {
    /// e.g. `2026-2027`.
    pub school_year: SchoolYearName,
    #[validate(nested)]
    #[serde(default)]
    pub upsert: RosterUpserts,
    #[validate(nested)]
    #[serde(default)]
    pub remove: RosterRemovals,
}

impl From<RosterDelta> for Delta {
    fn from(input: RosterDelta) -> Self {
        let keys = |keys: Vec<LasKey>| keys.into_iter().map(|k| k.0).collect();
        let u = input.upsert;
        Delta {
            school_year: input.school_year.0.clone(),
            upsert: snapshot_of(
                input.school_year.0,
                u.groups,
                u.pupils,
                u.guardians,
                u.staff,
            ),
            remove: Removals {
                groups: keys(input.remove.groups),
                pupils: keys(input.remove.pupils),
                guardians: keys(input.remove.guardians),
                staff: keys(input.remove.staff),
            },
        }
    }
}

/// An EDEXML 2.1 document (root `EDEX`), UTF-8, at most the roster size limit (64 MiB by
/// default).
#[derive(Debug)]
pub struct EdexmlDocument;

impl utoipa::PartialSchema for EdexmlDocument {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(64 * 1024 * 1024))
            .into()
    }
}

impl ToSchema for EdexmlDocument {}
