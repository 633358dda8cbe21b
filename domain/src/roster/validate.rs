//! Validation of a snapshot: structural faults refuse it whole; invalid records are left out and
//! reported, or keep the version the portal holds.

use std::collections::BTreeSet;

use super::{Keyed, Name, Rejection, Snapshot, StructureError, structure};
use crate::Invalid;
use crate::email::EmailAddress;

pub(super) fn duplicates<'a>(
    kind: &str,
    keys: impl Iterator<Item = &'a str>,
) -> Result<(), StructureError> {
    let mut seen = BTreeSet::new();
    for key in keys {
        if key.trim().is_empty() || key.chars().any(char::is_control) || key.chars().count() > 64 {
            return Err(structure(
                format!("{kind}.key"),
                "a key is empty, too long or has control characters",
            ));
        }
        if !seen.insert(key) {
            return Err(structure(
                format!("{kind}.key"),
                format!("the key `{key}` occurs twice"),
            ));
        }
    }
    Ok(())
}

fn check_name(name: &Name) -> Result<(), (&'static str, Invalid)> {
    if name.first_name.trim().is_empty() {
        return Err(("first_name", Invalid::new("required", "must not be empty")));
    }
    if name.last_name.trim().is_empty() {
        return Err(("last_name", Invalid::new("required", "must not be empty")));
    }
    Ok(())
}

fn check_contact(email: &mut Option<String>) -> Result<(), (&'static str, Invalid)> {
    if let Some(raw) = email.as_deref() {
        // LAS exports carry stray spaces; the address itself must be sound.
        let parsed = EmailAddress::parse(raw.trim()).map_err(|e| ("email", e))?;
        *email = Some(parsed.as_str().to_owned());
    }
    Ok(())
}

/// The snapshot with invalid records taken out (each reported), or a structural fault. Keys must
/// be unique per kind; references to groups and pupils that are not in the snapshot, or were
/// rejected, are dropped from the record and reported.
pub fn validate(snapshot: Snapshot) -> Result<(Snapshot, Vec<Rejection>), StructureError> {
    validate_against(snapshot, &Snapshot::default())
}

/// As [`validate`], but an invalid record the portal already holds keeps its held version: a
/// record the LAS sends with a fault has not left the school (a typo in an address must not end a
/// guardian's access or start a pupil's retention clock). The rejection is reported all the same.
pub fn validate_against(
    mut snapshot: Snapshot,
    held: &Snapshot,
) -> Result<(Snapshot, Vec<Rejection>), StructureError> {
    if crate::school_year::SchoolYear::parse(&snapshot.school_year).is_none() {
        return Err(structure("school_year", "must be like 2026-2027"));
    }
    duplicates("groups", snapshot.groups.iter().map(|g| g.key.as_str()))?;
    duplicates("pupils", snapshot.pupils.iter().map(|p| p.key.as_str()))?;
    duplicates(
        "guardians",
        snapshot.guardians.iter().map(|g| g.key.as_str()),
    )?;
    duplicates("staff", snapshot.staff.iter().map(|s| s.key.as_str()))?;

    let mut rejected = Vec::new();
    snapshot.groups.retain(|group| {
        let ok = !group.name.trim().is_empty();
        if !ok {
            rejected.push(Rejection {
                kind: "group",
                key: group.key.clone(),
                field: "name".to_owned(),
                reason: Invalid::new("required", "must not be empty"),
            });
        }
        ok
    });
    restore_held(&mut snapshot.groups, &held.groups, "group", &rejected);
    let groups: BTreeSet<String> = snapshot.groups.iter().map(|g| g.key.clone()).collect();

    snapshot
        .pupils
        .retain(|pupil| match check_name(&pupil.name) {
            Ok(()) => true,
            Err((field, reason)) => {
                rejected.push(Rejection {
                    kind: "pupil",
                    key: pupil.key.clone(),
                    field: field.to_owned(),
                    reason,
                });
                false
            }
        });
    restore_held(&mut snapshot.pupils, &held.pupils, "pupil", &rejected);
    for pupil in &mut snapshot.pupils {
        drop_unknown(
            &mut pupil.groups,
            &groups,
            "pupil",
            &pupil.key,
            &mut rejected,
        );
    }
    let pupils: BTreeSet<String> = snapshot.pupils.iter().map(|p| p.key.clone()).collect();

    snapshot.guardians.retain_mut(|guardian| {
        match check_name(&guardian.name).and_then(|()| check_contact(&mut guardian.email)) {
            Ok(()) => true,
            Err((field, reason)) => {
                rejected.push(Rejection {
                    kind: "guardian",
                    key: guardian.key.clone(),
                    field: field.to_owned(),
                    reason,
                });
                false
            }
        }
    });
    restore_held(
        &mut snapshot.guardians,
        &held.guardians,
        "guardian",
        &rejected,
    );
    for guardian in &mut snapshot.guardians {
        let unknown: Vec<String> = guardian
            .children
            .keys()
            .filter(|k| !pupils.contains(*k))
            .cloned()
            .collect();
        for key in unknown {
            guardian.children.remove(&key);
            rejected.push(Rejection {
                kind: "guardian",
                key: guardian.key.clone(),
                field: format!("children.{key}"),
                reason: Invalid::new(
                    "unknown_pupil",
                    "is not a pupil of this snapshot; the link is left out",
                ),
            });
        }
    }

    snapshot.staff.retain_mut(|member| {
        match check_name(&member.name).and_then(|()| check_contact(&mut member.email)) {
            Ok(()) => true,
            Err((field, reason)) => {
                rejected.push(Rejection {
                    kind: "staff",
                    key: member.key.clone(),
                    field: field.to_owned(),
                    reason,
                });
                false
            }
        }
    });
    restore_held(&mut snapshot.staff, &held.staff, "staff", &rejected);
    for member in &mut snapshot.staff {
        drop_unknown(
            &mut member.groups,
            &groups,
            "staff",
            &member.key,
            &mut rejected,
        );
    }
    super::consents::check(&mut snapshot, &mut rejected);
    Ok((snapshot, rejected))
}

/// Puts back the held version of records of `kind` that were rejected as a whole.
fn restore_held<T: Keyed + Clone>(
    records: &mut Vec<T>,
    held: &[T],
    kind: &str,
    rejected: &[Rejection],
) {
    let present: BTreeSet<String> = records.iter().map(|r| r.key().to_owned()).collect();
    let dropped: BTreeSet<&str> = rejected
        .iter()
        .filter(|r| r.kind == kind && !present.contains(&r.key))
        .map(|r| r.key.as_str())
        .collect();
    records.extend(held.iter().filter(|h| dropped.contains(h.key())).cloned());
}

fn drop_unknown(
    refs: &mut BTreeSet<String>,
    known: &BTreeSet<String>,
    kind: &'static str,
    key: &str,
    rejected: &mut Vec<Rejection>,
) {
    let unknown: Vec<String> = refs
        .iter()
        .filter(|g| !known.contains(*g))
        .cloned()
        .collect();
    for group in unknown {
        refs.remove(&group);
        rejected.push(Rejection {
            kind,
            key: key.to_owned(),
            field: format!("groups.{group}"),
            reason: Invalid::new(
                "unknown_group",
                "is not a group of this snapshot; the membership is left out",
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::fixtures::{guardian, pupil, snapshot};

    #[test]
    fn a_sound_snapshot_passes_with_addresses_normalised() {
        let (valid, rejected) = validate(snapshot()).unwrap();
        assert!(rejected.is_empty());
        assert_eq!(
            valid.guardians[0].email.as_deref(),
            Some("marieke@example.nl")
        );
    }

    #[test]
    fn duplicate_keys_and_bad_school_years_refuse_the_whole_snapshot() {
        let mut twice = snapshot();
        twice.pupils.push(pupil("L1", "Noah", &[]));
        assert_eq!(
            validate(twice).map_err(|e| e.field),
            Err("pupils.key".to_owned())
        );
        let mut year = snapshot();
        year.school_year = "2026-2028".to_owned();
        assert_eq!(
            validate(year).map_err(|e| e.field),
            Err("school_year".to_owned())
        );
    }

    #[test]
    fn invalid_records_are_left_out_and_reported_with_their_field() {
        let mut input = snapshot();
        input
            .guardians
            .push(guardian("V2", "Jeroen", "not-an-address", &["L1"]));
        input.pupils.push(pupil("L2", " ", &["G1"]));
        input
            .guardians
            .push(guardian("V3", "Sanne", "sanne@example.nl", &["L2"]));
        input.pupils[0].groups.insert("G9".to_owned());
        let (valid, rejected) = validate(input).unwrap();
        let reported: Vec<(&str, &str, &str)> = rejected
            .iter()
            .map(|r| (r.kind, r.key.as_str(), r.field.as_str()))
            .collect();
        assert!(reported.contains(&("guardian", "V2", "email")));
        assert!(reported.contains(&("pupil", "L2", "first_name")));
        assert!(reported.contains(&("pupil", "L1", "groups.G9")));
        assert!(
            reported.contains(&("guardian", "V3", "children.L2")),
            "a link to a rejected pupil is dropped"
        );
        assert_eq!(valid.pupils.len(), 1);
        assert_eq!(
            valid
                .guardians
                .iter()
                .map(|g| g.key.as_str())
                .collect::<Vec<_>>(),
            vec!["V1", "V3"]
        );
        assert!(valid.guardians[1].children.is_empty());
    }

    #[test]
    fn an_invalid_record_the_portal_holds_keeps_its_held_version() {
        let held = snapshot();
        let mut incoming = snapshot();
        incoming.guardians[0].email = Some("geen-adres".to_owned());
        incoming.pupils[0].name.first_name = String::new();
        let (valid, rejected) = validate_against(incoming, &held).unwrap();
        assert_eq!(rejected.len(), 2);
        assert_eq!(valid.pupils, held.pupils, "not a leaver");
        assert_eq!(valid.guardians.len(), 1, "not deactivated");
        assert_eq!(valid.guardians[0].key, "V1");
        // A new record with a fault is simply left out.
        let mut fresh = snapshot();
        fresh.pupils[0].name.first_name = String::new();
        let (valid, _) = validate_against(fresh, &Snapshot::default()).unwrap();
        assert!(valid.pupils.is_empty());
    }
}
