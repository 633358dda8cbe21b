//! A delta (upserts and removals) turned into the full snapshot it amounts to.

use std::collections::BTreeSet;

use super::merge::carry_guardians;
use super::validate::duplicates;
use super::{Delta, Keyed, Snapshot, StructureError, structure};

fn merge_kind<T: Keyed + Clone>(
    kind: &str,
    held: Vec<T>,
    upsert: &[T],
    remove: &[String],
) -> Result<Vec<T>, StructureError> {
    duplicates(kind, upsert.iter().map(Keyed::key))?;
    let removed: BTreeSet<&str> = remove.iter().map(String::as_str).collect();
    if let Some(both) = upsert.iter().find(|r| removed.contains(r.key())) {
        return Err(structure(
            format!("remove.{kind}"),
            format!("the key `{}` is both upserted and removed", both.key()),
        ));
    }
    let replaced: BTreeSet<&str> = upsert.iter().map(Keyed::key).collect();
    let mut merged: Vec<T> = held
        .into_iter()
        .filter(|r| !removed.contains(r.key()) && !replaced.contains(r.key()))
        .collect();
    merged.extend(upsert.iter().cloned());
    Ok(merged)
}

/// The full snapshot a delta amounts to, given what the portal holds: applying that snapshot
/// applies the delta, with the same validation and the same counts. Removing a key the portal does
/// not hold is no error (a vendor may send a removal twice). Guardians the delta does not name
/// lose their links to removed pupils, and are gone with their last child.
pub fn apply_delta(held: Snapshot, delta: &Delta) -> Result<Snapshot, StructureError> {
    let groups = merge_kind(
        "groups",
        held.groups,
        &delta.upsert.groups,
        &delta.remove.groups,
    )?;
    let pupils = merge_kind(
        "pupils",
        held.pupils,
        &delta.upsert.pupils,
        &delta.remove.pupils,
    )?;
    let upserted: BTreeSet<&str> = delta.upsert.guardians.iter().map(Keyed::key).collect();
    let (named, carried): (Vec<_>, Vec<_>) = held
        .guardians
        .into_iter()
        .partition(|g| upserted.contains(g.key.as_str()));
    drop(named);
    let carried = carry_guardians(&pupils, carried);
    let guardians = merge_kind(
        "guardians",
        carried,
        &delta.upsert.guardians,
        &delta.remove.guardians,
    )?;
    let staff = merge_kind(
        "staff",
        held.staff,
        &delta.upsert.staff,
        &delta.remove.staff,
    )?;
    Ok(Snapshot {
        school_year: delta.school_year.clone(),
        groups,
        pupils,
        guardians,
        staff,
        consents: delta.upsert.consents.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::Removals;
    use crate::roster::fixtures::{guardian, keys, pupil, snapshot};

    #[test]
    fn a_delta_is_the_held_snapshot_with_upserts_and_removals() {
        let mut held = snapshot();
        held.pupils.push(pupil("L2", "Noah", &["G1"]));
        held.guardians
            .push(guardian("V2", "Sanne", "sanne@example.nl", &["L2"]));
        held.guardians
            .push(guardian("V3", "Bas", "bas@example.nl", &["L1", "L2"]));
        let delta = Delta {
            school_year: "2026-2027".to_owned(),
            upsert: Snapshot {
                pupils: vec![pupil("L1", "Emma-Lou", &["G1"]), pupil("L3", "Mo", &[])],
                ..Snapshot::default()
            },
            remove: Removals {
                pupils: vec!["L2".to_owned(), "L9".to_owned()],
                ..Removals::default()
            },
        };
        let merged = apply_delta(held.clone(), &delta).unwrap();
        assert_eq!(keys(&merged.pupils), vec!["L1", "L3"]);
        assert_eq!(merged.pupils[0].name.first_name, "Emma-Lou");
        // V2's only child left: V2 goes; V3 keeps L1 only.
        assert_eq!(keys(&merged.guardians), vec!["V1", "V3"]);
        assert_eq!(
            merged.guardians[1].children.keys().collect::<Vec<_>>(),
            vec!["L1"]
        );
        // Applying the merged snapshot twice: the second diff is empty.
        let again = apply_delta(merged.clone(), &delta).unwrap();
        assert_eq!(again, merged);
    }

    #[test]
    fn a_key_both_upserted_and_removed_refuses_the_delta() {
        let delta = Delta {
            school_year: "2026-2027".to_owned(),
            upsert: Snapshot {
                staff: vec![],
                pupils: vec![pupil("L1", "Emma", &[])],
                ..Snapshot::default()
            },
            remove: Removals {
                pupils: vec!["L1".to_owned()],
                ..Removals::default()
            },
        };
        assert_eq!(
            apply_delta(snapshot(), &delta).map_err(|e| e.field),
            Err("remove.pupils".to_owned())
        );
    }
}
