//! Applying a roster snapshot: load what the portal holds for a school and school year as domain
//! records, and write the domain's diff in the caller's transaction. Loads take a fixed number of
//! queries; writes are batched where the backend allows.

mod apply;
mod guardians;
mod load;
mod staff;

use std::collections::HashMap;

use domain::roster::{
    Diff, GroupRecord, GuardianRecord, Name, PupilRecord, Snapshot, StaffRecord, diff,
};

use crate::roster::PersonName;

pub use self::apply::apply;
pub use self::load::load_held;

/// Ids per `IN (…)` list: well under SQLite's 32,766 bound parameters, whatever a source sends.
const IDS_PER_STATEMENT: usize = 5_000;

/// What the portal holds for one school and school year, by LAS key, with row ids.
#[derive(Debug, Default)]
pub struct Held {
    pub groups: Vec<(String, GroupRecord)>,
    pub pupils: Vec<(String, PupilRecord)>,
    pub guardians: Vec<(String, GuardianRecord)>,
    pub staff: Vec<(String, StaffRecord)>,
    /// Records no longer active (left, removed), by key: a snapshot that lists them again
    /// reactivates them.
    inactive_pupils: HashMap<String, String>,
    inactive_guardians: HashMap<String, String>,
    inactive_staff: HashMap<String, String>,
    /// Guardian row id to the account signing in as that guardian.
    guardian_accounts: HashMap<String, String>,
    /// Guardian row id to the address held now (active and inactive records), so an update knows
    /// whether the address changes without reading the row again.
    guardian_emails: HashMap<String, Option<String>>,
}

/// Counts of one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
}

impl<T> From<&Diff<T>> for Counts {
    fn from(d: &Diff<T>) -> Self {
        Counts {
            created: d.create.len(),
            updated: d.update.len(),
            deactivated: d.deactivate.len(),
            unchanged: d.unchanged,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncCounts {
    pub groups: Counts,
    pub pupils: Counts,
    pub guardians: Counts,
    pub staff: Counts,
}

impl SyncCounts {
    /// What applying `incoming` over `held` (both as snapshots) would do, without doing it: the
    /// counts of a held sync.
    pub fn preview(held: &Snapshot, incoming: &Snapshot) -> SyncCounts {
        SyncCounts {
            groups: Counts::from(&diff(&held.groups, &incoming.groups)),
            pupils: Counts::from(&diff(&held.pupils, &incoming.pupils)),
            guardians: Counts::from(&diff(&held.guardians, &incoming.guardians)),
            staff: Counts::from(&diff(&held.staff, &incoming.staff)),
        }
    }
}

fn records<T: Clone>(held: &[(String, T)]) -> Vec<T> {
    held.iter().map(|(_, r)| r.clone()).collect()
}

fn ids_by_key<T: domain::roster::Keyed>(held: &[(String, T)]) -> HashMap<String, String> {
    held.iter()
        .map(|(id, r)| (r.key().to_owned(), id.clone()))
        .collect()
}

fn person(name: &Name) -> PersonName {
    PersonName {
        first_name: name.first_name.clone(),
        name_prefix: name.name_prefix.clone(),
        last_name: name.last_name.clone(),
    }
}
