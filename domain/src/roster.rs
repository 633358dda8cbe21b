//! Roster sync rules (SPEC §3, seeds 000 and 003): the LAS is leading. A snapshot is compared with
//! what the portal holds, record by record on the LAS key, into what to create, update and
//! deactivate; applying it makes every personal-data field equal to the LAS value. Pure: the
//! database work lives in persistence.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::email::EmailAddress;
use crate::roles::StaffRole;

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

/// A full roster of one school for one school year, as the LAS sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub school_year: String,
    pub groups: Vec<GroupRecord>,
    pub pupils: Vec<PupilRecord>,
    pub guardians: Vec<GuardianRecord>,
    pub staff: Vec<StaffRecord>,
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

fn duplicates<'a>(kind: &str, keys: impl Iterator<Item = &'a str>) -> Result<(), StructureError> {
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
    })
}

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

    fn name(first: &str, last: &str) -> Name {
        Name {
            first_name: first.to_owned(),
            name_prefix: None,
            last_name: last.to_owned(),
        }
    }

    fn pupil(key: &str, first: &str, groups: &[&str]) -> PupilRecord {
        PupilRecord {
            key: key.to_owned(),
            name: name(first, "Jansen"),
            date_of_birth: None,
            parents_separated: false,
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        }
    }

    fn guardian(key: &str, first: &str, email: &str, children: &[&str]) -> GuardianRecord {
        GuardianRecord {
            key: key.to_owned(),
            name: name(first, "Jansen"),
            email: Some(email.to_owned()),
            phone: None,
            children: children
                .iter()
                .map(|c| {
                    let link = ChildLink {
                        relationship: "parent".to_owned(),
                        parental_authority: true,
                        household: "H1".to_owned(),
                    };
                    ((*c).to_owned(), link)
                })
                .collect(),
        }
    }

    fn group(key: &str) -> GroupRecord {
        GroupRecord {
            key: key.to_owned(),
            name: format!("Groep {key}"),
            year_group: None,
            combined: false,
        }
    }

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

    fn snapshot() -> Snapshot {
        Snapshot {
            school_year: "2026-2027".to_owned(),
            groups: vec![group("G1")],
            pupils: vec![pupil("L1", "Emma", &["G1"])],
            guardians: vec![guardian("V1", "Marieke", " Marieke@Example.NL ", &["L1"])],
            staff: vec![],
        }
    }

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

    fn keys<T: Keyed>(records: &[T]) -> Vec<&str> {
        records.iter().map(Keyed::key).collect()
    }

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
        };
        let merged = merge_without_guardians(incoming, held);
        assert!(merged.pupils[0].parents_separated);
        assert_eq!(keys(&merged.guardians), vec!["V1"], "L2 left, so did V2");
        assert_eq!(merged.school_year, "2027-2028");
    }
}
