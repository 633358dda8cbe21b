//! Guardians carried over from what the portal holds, for sources that do not describe them.

use std::collections::{BTreeSet, HashMap};

use super::{GuardianRecord, PupilRecord, Snapshot};

/// Guardians the source does not describe (EDEXML has none; a delta names only some), carried
/// over from what the portal holds: links to pupils who are no longer in the snapshot are dropped
/// and a guardian with no child left is left out, so they are deactivated like in a full snapshot.
pub fn carry_guardians(
    pupils: &[PupilRecord],
    guardians: Vec<GuardianRecord>,
) -> Vec<GuardianRecord> {
    let present: BTreeSet<&str> = pupils.iter().map(|p| p.key.as_str()).collect();
    guardians
        .into_iter()
        .filter_map(|mut g| {
            let had_children = !g.children.is_empty();
            g.children
                .retain(|pupil, _| present.contains(pupil.as_str()));
            // Only a guardian who lost their last child here goes; one the LAS lists without
            // children (as a JSON snapshot may) stays as it was.
            (!had_children || !g.children.is_empty()).then_some(g)
        })
        .collect()
}

/// A snapshot from a source without guardians (EDEXML): the pupils, groups and staff it carries,
/// with the guardians and the `parents_separated` flags the portal holds from the JSON snapshot,
/// matched by the pupils' LAS keys.
pub fn merge_without_guardians(mut incoming: Snapshot, held: Snapshot) -> Snapshot {
    let separated: BTreeSet<&str> = held
        .pupils
        .iter()
        .filter(|p| p.parents_separated)
        .map(|p| p.key.as_str())
        .collect();
    for pupil in &mut incoming.pupils {
        pupil.parents_separated = separated.contains(pupil.key.as_str());
    }
    // EDEXML has no phone numbers for staff: keep the ones the JSON side gave.
    let phones: HashMap<&str, &Option<String>> = held
        .staff
        .iter()
        .map(|s| (s.key.as_str(), &s.phone))
        .collect();
    for member in &mut incoming.staff {
        if member.phone.is_none()
            && let Some(phone) = phones.get(member.key.as_str())
        {
            member.phone = (*phone).clone();
        }
    }
    incoming.guardians = carry_guardians(&incoming.pupils, held.guardians);
    incoming
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::fixtures::{group, guardian, keys, pupil, snapshot};

    #[test]
    fn a_guardian_without_children_is_carried_but_one_whose_last_child_left_is_not() {
        let pupils = vec![pupil("L1", "Emma", &[])];
        let carried = carry_guardians(
            &pupils,
            vec![
                guardian("V1", "Marieke", "m@example.nl", &[]),
                guardian("V2", "Bas", "b@example.nl", &["L2"]),
                guardian("V3", "Sanne", "s@example.nl", &["L1", "L2"]),
            ],
        );
        assert_eq!(keys(&carried), vec!["V1", "V3"]);
    }

    #[test]
    fn a_source_without_guardians_keeps_the_held_guardians_and_flags() {
        let mut held = snapshot();
        held.pupils[0].parents_separated = true;
        held.pupils.push(pupil("L2", "Noah", &[]));
        held.guardians
            .push(guardian("V2", "Sanne", "sanne@example.nl", &["L2"]));
        let incoming = Snapshot {
            school_year: "2027-2028".to_owned(),
            groups: vec![group("G5")],
            pupils: vec![pupil("L1", "Emma", &["G5"])],
            guardians: vec![],
            staff: vec![],
            consents: vec![],
        };
        let merged = merge_without_guardians(incoming, held);
        assert!(merged.pupils[0].parents_separated);
        assert_eq!(keys(&merged.guardians), vec!["V1"], "L2 left, so did V2");
        assert_eq!(merged.school_year, "2027-2028");
    }
}
