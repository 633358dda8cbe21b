//! Records for the roster tests.

use super::{ChildLink, GroupRecord, GuardianRecord, Keyed, Name, PupilRecord, Snapshot};

pub(super) fn name(first: &str, last: &str) -> Name {
    Name {
        first_name: first.to_owned(),
        name_prefix: None,
        last_name: last.to_owned(),
    }
}

pub(super) fn pupil(key: &str, first: &str, groups: &[&str]) -> PupilRecord {
    PupilRecord {
        key: key.to_owned(),
        name: name(first, "Jansen"),
        date_of_birth: None,
        parents_separated: false,
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
    }
}

pub(super) fn guardian(key: &str, first: &str, email: &str, children: &[&str]) -> GuardianRecord {
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

pub(super) fn group(key: &str) -> GroupRecord {
    GroupRecord {
        key: key.to_owned(),
        name: format!("Groep {key}"),
        year_group: None,
        combined: false,
    }
}

pub(super) fn snapshot() -> Snapshot {
    Snapshot {
        school_year: "2026-2027".to_owned(),
        groups: vec![group("G1")],
        pupils: vec![pupil("L1", "Emma", &["G1"])],
        guardians: vec![guardian("V1", "Marieke", " Marieke@Example.NL ", &["L1"])],
        staff: vec![],
        consents: vec![],
    }
}

pub(super) fn keys<T: Keyed>(records: &[T]) -> Vec<&str> {
    records.iter().map(Keyed::key).collect()
}
