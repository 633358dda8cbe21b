//! Roster sync rules (SPEC §3, seeds 000 and 003): the LAS is leading. A snapshot is compared with
//! what the portal holds, record by record on the LAS key, into what to create, update and
//! deactivate; applying it makes every personal-data field equal to the LAS value. Pure: the
//! database work lives in persistence.

mod consents;
mod delta;
mod diff;
#[cfg(test)]
mod fixtures;
mod merge;
mod validate;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::roles::StaffRole;

pub use consents::LasConsent;
pub use delta::apply_delta;
pub use diff::{Diff, diff, readdressed};
pub use merge::{carry_guardians, merge_without_guardians};
pub use validate::{validate, validate_against};

/// A record the LAS identifies by its own stable key (never by name).
pub trait Keyed {
    fn key(&self) -> &str;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecord {
    pub key: String,
    pub name: String,
    pub year_group: Option<i32>,
    pub combined: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilRecord {
    pub key: String,
    pub name: Name,
    pub date_of_birth: Option<NaiveDate>,
    pub parents_separated: bool,
    /// Keys of the groups the pupil is in this school year.
    pub groups: BTreeSet<String>,
}

/// A guardian's relation to one pupil.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildLink {
    pub relationship: String,
    pub parental_authority: bool,
    pub household: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardianRecord {
    pub key: String,
    pub name: Name,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// By pupil key.
    pub children: BTreeMap<String, ChildLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRecord {
    pub key: String,
    pub name: Name,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub roles: BTreeSet<StaffRole>,
    pub groups: BTreeSet<String>,
}

macro_rules! keyed {
    ($($t:ty),*) => {$(
        impl Keyed for $t {
            fn key(&self) -> &str {
                &self.key
            }
        }
    )*};
}
keyed!(GroupRecord, PupilRecord, GuardianRecord, StaffRecord);

/// A full roster of one school for one school year, as the LAS sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub school_year: String,
    pub groups: Vec<GroupRecord>,
    pub pupils: Vec<PupilRecord>,
    pub guardians: Vec<GuardianRecord>,
    pub staff: Vec<StaffRecord>,
    /// Consent the LAS keeps, per pupil and purpose; imported read-only. Absent in EDEXML.
    #[serde(default)]
    pub consents: Vec<LasConsent>,
}

/// A record left out of a sync, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// `group`, `pupil`, `guardian`, `staff`.
    pub kind: &'static str,
    pub key: String,
    /// The field at fault, e.g. `email`, `children.L7`.
    pub field: String,
    pub reason: Invalid,
}

/// A fault that makes the whole snapshot unusable; nothing is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct StructureError {
    pub field: String,
    pub message: String,
}

fn structure(field: impl Into<String>, message: impl Into<String>) -> StructureError {
    StructureError {
        field: field.into(),
        message: message.into(),
    }
}

/// Changes a vendor sends instead of a full snapshot: records to create or replace, and keys of
/// records that are gone. Records not named keep what the portal holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    pub school_year: String,
    pub upsert: Snapshot,
    pub remove: Removals,
}

/// LAS keys of records that are gone (pupils who left, guardians and staff no longer present).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removals {
    pub groups: Vec<String>,
    pub pupils: Vec<String>,
    pub guardians: Vec<String>,
    pub staff: Vec<String>,
}
