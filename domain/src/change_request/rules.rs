//! The pure rules of change requests: what a submission may hold, how a value compares, when a
//! request is done and which decisions are valid.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, ChildRequests, Decision, Field, Outcome, Refusal, Status, SubjectKind};
use super::{MAX_NAME_LENGTH, MAX_TEXT_LENGTH, refusal};
use crate::Invalid;
use crate::email::EmailAddress;

/// A value as compared: names and addresses trimmed with inner runs of spaces made one, e-mail
/// lower-cased, phone numbers without spaces, dashes and parentheses. `None` and empty are equal.
pub fn normalise(field: Field, value: Option<&str>) -> Option<String> {
    let value = value?.split_whitespace().collect::<Vec<_>>().join(" ");
    let value = match field {
        Field::Email => value.to_lowercase(),
        Field::Phone => value
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect(),
        _ => value,
    };
    (!value.is_empty()).then_some(value)
}

/// Checks a proposed value and returns it as it will be stored.
pub fn check_value(field: Field, value: Option<&str>) -> Result<Option<String>, Invalid> {
    let trimmed = value.map(str::trim).filter(|v| !v.is_empty());
    let Some(v) = trimmed else {
        return match field {
            Field::NamePrefix | Field::Phone | Field::Email => Ok(None),
            _ => Err(Invalid::new("required", "must not be empty")),
        };
    };
    if v.chars().any(char::is_control) {
        return Err(Invalid::new(
            "invalid_characters",
            "contains control characters",
        ));
    }
    let limit = match field {
        Field::Address => MAX_TEXT_LENGTH,
        Field::NamePrefix | Field::Phone => 50,
        _ => MAX_NAME_LENGTH,
    };
    if v.chars().count() > limit {
        return Err(Invalid::new(
            "too_long",
            format!("is longer than {limit} characters"),
        ));
    }
    match field {
        Field::Email => Ok(Some(EmailAddress::parse(v)?.as_str().to_owned())),
        Field::Phone => {
            let digits = v.chars().filter(char::is_ascii_digit).count();
            let allowed = v
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'));
            if allowed && (6..=15).contains(&digits) {
                Ok(Some(v.to_owned()))
            } else {
                Err(Invalid::new("invalid_phone", "is not a phone number"))
            }
        }
        _ => Ok(Some(v.to_owned())),
    }
}

/// Checks a submission against what the portal holds (`current`, by field) and the school's
/// allowed fields. Refused: fields that do not exist for the subject, fields the school does not
/// let guardians request, invalid values, a field twice, and a submission that would change
/// nothing (every value equal to the current one).
pub fn check_submission(
    kind: SubjectKind,
    proposed: &[(Field, Option<String>)],
    current: &BTreeMap<Field, Option<String>>,
    allowed: &BTreeSet<Field>,
) -> Result<Vec<Change>, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let mut changes = Vec::new();
    let mut seen = BTreeSet::new();
    for (field, value) in proposed {
        let name = format!("changes.{}", field.as_str());
        if !seen.insert(*field) {
            refusals.push(refusal(
                name,
                Invalid::new("duplicate", "is proposed twice"),
            ));
            continue;
        }
        if !field.applies_to(kind) {
            refusals.push(refusal(
                name,
                Invalid::new("not_applicable", "does not exist for this person"),
            ));
            continue;
        }
        if !allowed.contains(field) {
            refusals.push(refusal(
                name,
                Invalid::new(
                    "not_requestable",
                    "cannot be requested at this school; contact the school",
                ),
            ));
            continue;
        }
        match check_value(*field, value.as_deref()) {
            Err(reason) => refusals.push(refusal(name, reason)),
            Ok(proposed) => {
                let held = current.get(field).cloned().flatten();
                let same = field.held_by_portal()
                    && normalise(*field, held.as_deref()) == normalise(*field, proposed.as_deref());
                if !same {
                    changes.push(Change {
                        field: *field,
                        current: held,
                        proposed,
                    });
                }
            }
        }
    }
    if refusals.is_empty() && changes.is_empty() {
        refusals.push(refusal(
            "changes",
            Invalid::new(
                "no_change",
                "every proposed value equals what the school holds; nothing to request",
            ),
        ));
    }
    if refusals.is_empty() {
        Ok(changes)
    } else {
        Err(refusals)
    }
}

/// The request's status from its fields' outcomes: open while any field waits; otherwise
/// rejected when all were rejected, resolved when a sync brought all, processed when none was
/// rejected, partly processed when some were.
pub fn status_of(outcomes: &[Outcome]) -> Status {
    if outcomes.is_empty() || outcomes.contains(&Outcome::Pending) {
        return Status::Open;
    }
    let rejected = outcomes.iter().filter(|o| **o == Outcome::Rejected).count();
    if rejected == outcomes.len() {
        Status::Rejected
    } else if outcomes.iter().all(|o| *o == Outcome::AppliedBySync) {
        Status::Resolved
    } else if rejected == 0 {
        Status::Processed
    } else {
        Status::PartlyProcessed
    }
}

/// Whether a sync has brought the proposed value of a pending field (SPEC §4: the request is then
/// resolved automatically). Fields the portal does not hold never resolve this way.
pub fn applied_by_sync(field: Field, proposed: Option<&str>, now_held: Option<&str>) -> bool {
    field.held_by_portal() && normalise(field, proposed) == normalise(field, now_held)
}

/// Whether the LAS value changed since the request was made: staff should look again before they
/// act on it (the guardian may have asked against an old value).
pub fn is_stale(field: Field, recorded: Option<&str>, now_held: Option<&str>) -> bool {
    field.held_by_portal() && normalise(field, recorded) != normalise(field, now_held)
}

/// Checks staff decisions against a request's fields (`(field, outcome so far)`): each decision is
/// for a field of the request that is still pending, once, and a rejection carries a reason the
/// guardian can read (seed 000: the guardian sees the outcome). Refusals name `decisions[i].field`
/// or `decisions[i].reason`.
pub fn check_decisions(
    fields: &[(Field, Outcome)],
    decisions: &[Decision],
) -> Result<Vec<Decision>, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let mut accepted = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, (field, outcome, reason)) in decisions.iter().enumerate() {
        let at = |name: &str| format!("decisions[{i}].{name}");
        let reason = reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        let current = fields.iter().find(|(f, _)| f == field).map(|(_, o)| *o);
        let refused = if !seen.insert(*field) {
            Some(("field", Invalid::new("duplicate", "is decided twice")))
        } else if current.is_none() {
            Some((
                "field",
                Invalid::new("not_requested", "is not part of this request"),
            ))
        } else if current != Some(Outcome::Pending) {
            Some((
                "field",
                Invalid::new("already_decided", "was decided before"),
            ))
        } else if *outcome == Outcome::Rejected && reason.is_none() {
            Some((
                "reason",
                Invalid::new(
                    "required",
                    "a rejection needs a reason the guardian can read",
                ),
            ))
        } else {
            None
        };
        match refused {
            Some((name, reason)) => refusals.push(refusal(at(name), reason)),
            None => accepted.push((*field, *outcome, reason)),
        }
    }
    if refusals.is_empty() {
        Ok(accepted)
    } else {
        Err(refusals)
    }
}

pub fn child_requests(parents_separated: bool, household: &str) -> ChildRequests {
    if parents_separated {
        ChildRequests::OfHousehold(household.to_owned())
    } else {
        ChildRequests::All
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change_request::{Change, Field, Outcome, Status, SubjectKind};
    use std::collections::{BTreeMap, BTreeSet};

    fn all() -> BTreeSet<Field> {
        Field::ALL.into_iter().collect()
    }

    fn held(pairs: &[(Field, &str)]) -> BTreeMap<Field, Option<String>> {
        pairs
            .iter()
            .map(|(f, v)| (*f, Some((*v).to_owned())))
            .collect()
    }

    #[test]
    fn a_request_keeps_the_value_it_was_made_against() {
        let current = held(&[(Field::Email, "oud@example.nl")]);
        let changes = check_submission(
            SubjectKind::Guardian,
            &[(Field::Email, Some("Nieuw@Example.nl".into()))],
            &current,
            &all(),
        );
        assert_eq!(
            changes,
            Ok(vec![Change {
                field: Field::Email,
                current: Some("oud@example.nl".into()),
                proposed: Some("nieuw@example.nl".into()),
            }])
        );
    }

    #[test]
    fn a_submission_that_changes_nothing_is_refused() {
        let current = held(&[(Field::LastName, "Jansen"), (Field::Phone, "06 1234 5678")]);
        let refused = check_submission(
            SubjectKind::Guardian,
            &[
                (Field::LastName, Some(" Jansen ".into())),
                (Field::Phone, Some("06-12345678".into())),
            ],
            &current,
            &all(),
        );
        let codes: Vec<_> = refused
            .err()
            .unwrap_or_default()
            .iter()
            .map(|r| (r.field.clone(), r.reason.code))
            .collect();
        assert_eq!(codes, vec![("changes".to_owned(), "no_change")]);
    }

    #[test]
    fn fields_the_school_does_not_allow_are_refused() {
        let allowed: BTreeSet<Field> = [Field::Phone].into_iter().collect();
        let refused = check_submission(
            SubjectKind::Guardian,
            &[(Field::LastName, Some("Jansen".into()))],
            &BTreeMap::new(),
            &allowed,
        )
        .err()
        .unwrap_or_default();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].field, "changes.last_name");
        assert_eq!(refused[0].reason.code, "not_requestable");
    }

    #[test]
    fn a_childs_contact_details_cannot_be_requested_and_values_are_checked() {
        let refused = check_submission(
            SubjectKind::Pupil,
            &[
                (Field::Email, Some("kind@example.nl".into())),
                (Field::FirstName, Some("".into())),
                (Field::LastName, Some("x".repeat(201))),
            ],
            &BTreeMap::new(),
            &all(),
        )
        .err()
        .unwrap_or_default();
        let codes: Vec<_> = refused.iter().map(|r| r.reason.code).collect();
        assert_eq!(codes, vec!["not_applicable", "required", "too_long"]);
        assert!(check_value(Field::Phone, Some("bel me")).is_err());
        assert!(check_value(Field::Phone, Some("+31 6 1234 5678")).is_ok());
    }

    #[test]
    fn an_address_always_counts_as_a_change() {
        // The portal does not hold addresses, so there is nothing to compare with.
        let changes = check_submission(
            SubjectKind::Pupil,
            &[(Field::Address, Some("Dorpsstraat 1, 1234 AB Ergens".into()))],
            &BTreeMap::new(),
            &all(),
        );
        assert!(changes.is_ok());
        assert!(!applied_by_sync(Field::Address, Some("x"), Some("x")));
    }

    #[test]
    fn status_follows_the_fields() {
        use Outcome::*;
        assert_eq!(status_of(&[Pending, Processed]), Status::Open);
        assert_eq!(status_of(&[Processed, AppliedBySync]), Status::Processed);
        assert_eq!(status_of(&[Rejected, Rejected]), Status::Rejected);
        assert_eq!(status_of(&[Processed, Rejected]), Status::PartlyProcessed);
        assert_eq!(status_of(&[AppliedBySync, AppliedBySync]), Status::Resolved);
    }

    #[test]
    fn sync_resolution_and_staleness_compare_normalised_values() {
        assert!(applied_by_sync(
            Field::Email,
            Some("a@b.nl"),
            Some("A@B.nl")
        ));
        assert!(!applied_by_sync(
            Field::LastName,
            Some("Jansen"),
            Some("Janssen")
        ));
        assert!(is_stale(
            Field::Phone,
            Some("0612345678"),
            Some("0687654321")
        ));
        assert!(!is_stale(
            Field::Phone,
            Some("06 1234 5678"),
            Some("0612345678")
        ));
    }

    #[test]
    fn separated_parents_see_only_their_households_requests_about_a_child() {
        assert_eq!(child_requests(false, "H1"), ChildRequests::All);
        assert_eq!(
            child_requests(true, "H1"),
            ChildRequests::OfHousehold("H1".to_owned())
        );
    }

    #[test]
    fn decisions_are_for_pending_fields_once_and_rejections_give_a_reason() {
        use Outcome::*;
        let fields = [(Field::Phone, Pending), (Field::Email, Processed)];
        let ok = check_decisions(
            &fields,
            &[(Field::Phone, Rejected, Some(" Graag met bewijs ".into()))],
        );
        assert_eq!(
            ok,
            Ok(vec![(
                Field::Phone,
                Rejected,
                Some("Graag met bewijs".into())
            )])
        );
        let refused = check_decisions(
            &fields,
            &[
                (Field::Phone, Rejected, Some("  ".into())),
                (Field::Email, Processed, None),
                (Field::LastName, Processed, None),
                (Field::Email, Processed, None),
            ],
        )
        .err()
        .unwrap_or_default();
        let got: Vec<(String, &str)> = refused
            .iter()
            .map(|r| (r.field.clone(), r.reason.code))
            .collect();
        assert_eq!(
            got,
            vec![
                ("decisions[0].reason".to_owned(), "required"),
                ("decisions[1].field".to_owned(), "already_decided"),
                ("decisions[2].field".to_owned(), "not_requested"),
                ("decisions[3].field".to_owned(), "duplicate"),
            ]
        );
    }
}
