//! What a snapshot changes against what the portal holds: records to create, update and
//! deactivate, and guardians whose e-mail address changes.

use std::collections::{BTreeSet, HashMap};

use super::{GuardianRecord, Keyed};

/// What applying a snapshot does to one kind of record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff<T> {
    pub create: Vec<T>,
    /// (what the portal holds, what the LAS says)
    pub update: Vec<(T, T)>,
    /// Held by the portal, absent from the LAS: left the school.
    pub deactivate: Vec<T>,
    pub unchanged: usize,
}

/// Compares what the portal holds (active records) with a full snapshot, by key. Records equal in
/// every field are unchanged, so the same snapshot twice changes nothing the second time.
pub fn diff<T: Keyed + PartialEq + Clone>(held: &[T], snapshot: &[T]) -> Diff<T> {
    let by_key: HashMap<&str, &T> = held.iter().map(|r| (r.key(), r)).collect();
    let incoming: BTreeSet<&str> = snapshot.iter().map(Keyed::key).collect();
    let mut result = Diff {
        create: Vec::new(),
        update: Vec::new(),
        deactivate: Vec::new(),
        unchanged: 0,
    };
    for record in snapshot {
        match by_key.get(record.key()) {
            None => result.create.push(record.clone()),
            Some(current) if *current == record => result.unchanged += 1,
            Some(current) => result.update.push(((*current).clone(), record.clone())),
        }
    }
    result.deactivate = held
        .iter()
        .filter(|r| !incoming.contains(r.key()))
        .cloned()
        .collect();
    result
}

/// Guardians the portal holds whose e-mail address the snapshot changes, with the new address
/// (seed 000: an account belongs to whoever holds the address; the person at the new address gets
/// a new activation link).
pub fn readdressed<'a>(
    held: &[GuardianRecord],
    snapshot: &'a [GuardianRecord],
) -> Vec<(&'a str, Option<&'a str>)> {
    let before: HashMap<&str, Option<&str>> = held
        .iter()
        .map(|g| (g.key.as_str(), g.email.as_deref()))
        .collect();
    snapshot
        .iter()
        .filter(|g| {
            before
                .get(g.key.as_str())
                .is_some_and(|old| *old != g.email.as_deref())
        })
        .map(|g| (g.key.as_str(), g.email.as_deref()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::fixtures::{guardian, pupil};

    #[test]
    fn a_snapshot_is_split_into_creates_updates_deactivations_and_unchanged() {
        let held = vec![
            pupil("L1", "Emma", &["G1"]),
            pupil("L2", "Noah", &["G1"]),
            pupil("L3", "Sem", &["G2"]),
        ];
        let snapshot = vec![
            pupil("L1", "Emma", &["G1"]),
            pupil("L2", "Noah", &["G2"]),
            pupil("L4", "Tess", &["G1"]),
        ];
        let result = diff(&held, &snapshot);
        assert_eq!(result.unchanged, 1);
        assert_eq!(
            result
                .create
                .iter()
                .map(|p| p.key.as_str())
                .collect::<Vec<_>>(),
            vec!["L4"]
        );
        assert_eq!(result.update.len(), 1);
        assert_eq!(
            result.update[0].1.groups,
            ["G2".to_owned()].into_iter().collect()
        );
        assert_eq!(
            result
                .deactivate
                .iter()
                .map(|p| p.key.as_str())
                .collect::<Vec<_>>(),
            vec!["L3"],
            "L3 left"
        );
    }

    #[test]
    fn the_same_snapshot_twice_changes_nothing_the_second_time() {
        let snapshot = vec![pupil("L1", "Emma", &["G1"]), pupil("L2", "Noah", &["G1"])];
        let first = diff(&[], &snapshot);
        assert_eq!(first.create.len(), 2);
        let second = diff(&first.create, &snapshot);
        assert_eq!(
            (
                second.create.len(),
                second.update.len(),
                second.deactivate.len(),
                second.unchanged
            ),
            (0, 0, 0, 2)
        );
    }

    #[test]
    fn a_guardian_changed_in_the_portal_is_restored_to_the_las_values() {
        // Seed 000: a father's account had been changed to the mother's details; the LAS is leading.
        let held = vec![guardian("V1", "Marieke", "marieke@example.nl", &["L1"])];
        let las = vec![guardian("V1", "Jeroen", "jeroen@example.nl", &["L1"])];
        let result = diff(&held, &las);
        assert_eq!(result.update.len(), 1);
        let (before, after) = &result.update[0];
        assert_eq!(before.email.as_deref(), Some("marieke@example.nl"));
        assert_eq!(after.email.as_deref(), Some("jeroen@example.nl"));
        assert_eq!(after.name.first_name, "Jeroen");
    }

    #[test]
    fn guardians_whose_address_changes_are_found() {
        let held = vec![
            guardian("V1", "Marieke", "marieke@example.nl", &[]),
            guardian("V2", "Bas", "bas@example.nl", &[]),
        ];
        let snapshot = vec![
            guardian("V1", "Marieke", "marieke@example.nl", &[]),
            guardian("V2", "Bas", "bas.nieuw@example.nl", &[]),
            guardian("V3", "Sanne", "sanne@example.nl", &[]),
        ];
        assert_eq!(
            readdressed(&held, &snapshot),
            vec![("V2", Some("bas.nieuw@example.nl"))]
        );
    }
}
