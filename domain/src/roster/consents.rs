//! Consent the LAS keeps (seed 001: some schools record photo consent in the administration):
//! sent with a pupil's record, imported read-only. Only the purposes about a pupil can come this
//! way; a guardian decides on their own contact details in the portal.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Rejection, Snapshot};
use crate::Invalid;
use crate::consent::{Code, Subject};

/// One pupil's consent for one of the default purposes, as the LAS holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LasConsent {
    /// The pupil's LAS key.
    pub pupil: String,
    pub purpose: Code,
    pub given: bool,
}

/// Leaves out, and reports, consents the portal cannot take: a purpose about guardians, a purpose
/// named twice for one pupil, and those of pupils not accepted in this snapshot (a rejected record
/// brings nothing of its own, even when its held version stays).
pub(super) fn check(snapshot: &mut Snapshot, rejected: &mut Vec<Rejection>) {
    let refused: BTreeSet<String> = rejected
        .iter()
        .filter(|r| r.kind == "pupil" && !r.field.starts_with("groups."))
        .map(|r| r.key.clone())
        .collect();
    let pupils: BTreeSet<&str> = snapshot.pupils.iter().map(|p| p.key.as_str()).collect();
    let mut seen = BTreeSet::new();
    let mut kept = Vec::with_capacity(snapshot.consents.len());
    for consent in std::mem::take(&mut snapshot.consents) {
        if refused.contains(&consent.pupil) || !pupils.contains(consent.pupil.as_str()) {
            continue;
        }
        let field = format!("consents.{}", consent.purpose.as_str());
        let reason = if consent.purpose.subject() != Subject::Pupil {
            Some(Invalid::new(
                "not_a_pupil_purpose",
                "is the guardian's own decision, taken in the portal; left out",
            ))
        } else if !seen.insert((consent.pupil.clone(), consent.purpose)) {
            Some(Invalid::new("duplicate", "is named twice; left out"))
        } else {
            None
        };
        match reason {
            Some(reason) => rejected.push(Rejection {
                kind: "pupil",
                key: consent.pupil,
                field,
                reason,
            }),
            None => kept.push(consent),
        }
    }
    // A purpose named twice is left out entirely: which of the two the LAS meant is unknown.
    let twice: BTreeSet<(String, Code)> = rejected
        .iter()
        .filter(|r| r.reason.code == "duplicate")
        .filter_map(|r| {
            let code = Code::parse(r.field.strip_prefix("consents.")?)?;
            Some((r.key.clone(), code))
        })
        .collect();
    kept.retain(|c| !twice.contains(&(c.pupil.clone(), c.purpose)));
    snapshot.consents = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::fixtures::{pupil, snapshot};
    use crate::roster::{validate, validate_against};

    fn consent(pupil: &str, purpose: Code, given: bool) -> LasConsent {
        LasConsent {
            pupil: pupil.to_owned(),
            purpose,
            given,
        }
    }

    #[test]
    fn pupil_purposes_of_accepted_pupils_pass() {
        let mut input = snapshot();
        input.consents = vec![
            consent("L1", Code::PhotosWebsite, true),
            consent("L1", Code::MedicalLunchSupervisor, false),
        ];
        let (valid, rejected) = validate(input.clone()).unwrap();
        assert!(rejected.is_empty());
        assert_eq!(valid.consents, input.consents);
    }

    #[test]
    fn guardian_purposes_duplicates_and_refused_pupils_are_left_out() {
        let mut input = snapshot();
        input.pupils.push(pupil("L2", " ", &[]));
        input.consents = vec![
            consent("L1", Code::ContactDetailsGroup, true),
            consent("L1", Code::PhotosNewsletter, true),
            consent("L1", Code::PhotosNewsletter, false),
            consent("L1", Code::PhotosWebsite, true),
            consent("L2", Code::PhotosWebsite, true),
            consent("L9", Code::PhotosWebsite, true),
        ];
        let (valid, rejected) = validate(input).unwrap();
        assert_eq!(
            valid.consents,
            vec![consent("L1", Code::PhotosWebsite, true)]
        );
        let reported: Vec<(&str, &str, &str)> = rejected
            .iter()
            .map(|r| (r.key.as_str(), r.field.as_str(), r.reason.code))
            .collect();
        assert!(reported.contains(&(
            "L1",
            "consents.contact_details_group",
            "not_a_pupil_purpose"
        )));
        assert!(reported.contains(&("L1", "consents.photos_newsletter", "duplicate")));
    }

    #[test]
    fn a_rejected_pupil_held_before_brings_no_consents() {
        let held = snapshot();
        let mut incoming = snapshot();
        incoming.pupils[0].name.first_name = String::new();
        incoming.consents = vec![consent("L1", Code::PhotosWebsite, true)];
        let (valid, _) = validate_against(incoming, &held).unwrap();
        assert_eq!(valid.pupils.len(), 1, "the held version stays");
        assert!(valid.consents.is_empty());
    }
}
