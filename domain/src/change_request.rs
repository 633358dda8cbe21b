//! Change requests (wijzigingsverzoeken, SPEC §4, seed 000). A guardian never edits personal data:
//! they propose values, the school processes them in its LAS, and the next roster sync brings them
//! into the portal. These rules decide what may be requested, by whom, who sees it, and when a
//! request is done.

use std::collections::{BTreeMap, BTreeSet};

use crate::Invalid;
use crate::email::EmailAddress;

/// Longest free-text remark or address.
pub const MAX_TEXT_LENGTH: usize = 500;
/// Longest proposed name part.
pub const MAX_NAME_LENGTH: usize = 200;

/// Whose data a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectKind {
    /// The requester's own guardian record.
    Guardian,
    /// A child of the requester.
    Pupil,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Guardian => "guardian",
            SubjectKind::Pupil => "pupil",
        }
    }

    pub fn parse(value: &str) -> Option<SubjectKind> {
        [SubjectKind::Guardian, SubjectKind::Pupil]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// A field a guardian can ask the school to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    FirstName,
    NamePrefix,
    LastName,
    Email,
    Phone,
    /// Postal address. The portal does not hold addresses (data minimisation: it has no use for
    /// them), so the request carries only the proposal and a sync never resolves it.
    Address,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::FirstName,
        Field::NamePrefix,
        Field::LastName,
        Field::Email,
        Field::Phone,
        Field::Address,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::NamePrefix => "name_prefix",
            Field::LastName => "last_name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Address => "address",
        }
    }

    pub fn parse(value: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == value)
    }

    /// Whether the field exists for the subject: a pupil's contact details are the guardians'.
    pub fn applies_to(self, kind: SubjectKind) -> bool {
        match kind {
            SubjectKind::Guardian => true,
            SubjectKind::Pupil => !matches!(self, Field::Email | Field::Phone),
        }
    }

    /// Whether the portal holds the field, so that a sync can show it was processed.
    pub fn held_by_portal(self) -> bool {
        self != Field::Address
    }
}

/// The fields a school lets guardians request, stored comma-separated; unknown names are ignored
/// so that a field withdrawn in a later version does not break old settings.
pub fn parse_field_list(stored: Option<&str>) -> BTreeSet<Field> {
    match stored {
        None => Field::ALL.into_iter().collect(),
        Some(list) => list
            .split(',')
            .filter_map(|f| Field::parse(f.trim()))
            .collect(),
    }
}

pub fn field_list(fields: &BTreeSet<Field>) -> String {
    fields
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

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

/// One proposed change, with the value the portal held when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: Field,
    pub current: Option<String>,
    pub proposed: Option<String>,
}

/// Why a submission is refused, per field (`changes.<field>`) or as a whole (`changes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: String,
    pub reason: Invalid,
}

fn refusal(field: impl Into<String>, reason: Invalid) -> Refusal {
    Refusal {
        field: field.into(),
        reason,
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

/// What became of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pending,
    /// Staff say it was changed in the LAS.
    Processed,
    Rejected,
    /// A sync brought the proposed value: the LAS has it.
    AppliedBySync,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Processed => "processed",
            Outcome::Rejected => "rejected",
            Outcome::AppliedBySync => "applied_by_sync",
        }
    }

    pub fn parse(value: &str) -> Option<Outcome> {
        [
            Outcome::Pending,
            Outcome::Processed,
            Outcome::Rejected,
            Outcome::AppliedBySync,
        ]
        .into_iter()
        .find(|o| o.as_str() == value)
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Processed,
    PartlyProcessed,
    Rejected,
    /// Every field came in with a sync before staff decided.
    Resolved,
    /// A newer submission for the same subject took its place.
    Replaced,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Open,
        Status::Processed,
        Status::PartlyProcessed,
        Status::Rejected,
        Status::Resolved,
        Status::Replaced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Processed => "processed",
            Status::PartlyProcessed => "partly_processed",
            Status::Rejected => "rejected",
            Status::Resolved => "resolved",
            Status::Replaced => "replaced",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
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

/// What the guardian is told about a request in this status (SPEC §4: that the school processes
/// it in its administration, and later what came of it).
pub fn status_message(status: Status, language: crate::mail::Language) -> &'static str {
    use crate::mail::Language::{Dutch, English};
    match (status, language) {
        (Status::Open, Dutch) => {
            "De school verwerkt uw verzoek in haar leerlingadministratie. Daarna ziet u de nieuwe gegevens hier."
        }
        (Status::Open, English) => {
            "The school will process your request in its student administration. Once it has, the new details show here."
        }
        (Status::Processed, Dutch) => "De school heeft uw verzoek verwerkt.",
        (Status::Processed, English) => "The school has processed your request.",
        (Status::PartlyProcessed, Dutch) => {
            "De school heeft uw verzoek gedeeltelijk verwerkt; bij elk gegeven ziet u wat er is gebeurd."
        }
        (Status::PartlyProcessed, English) => {
            "The school has processed part of your request; each detail shows what happened."
        }
        (Status::Rejected, Dutch) => {
            "De school heeft uw verzoek afgewezen; de reden staat bij elk gegeven."
        }
        (Status::Rejected, English) => {
            "The school has rejected your request; each detail gives the reason."
        }
        (Status::Resolved, Dutch) => "De nieuwe gegevens staan in de administratie van de school.",
        (Status::Resolved, English) => "The school's administration now holds the new details.",
        (Status::Replaced, Dutch) => "Dit verzoek is vervangen door een nieuwer verzoek.",
        (Status::Replaced, English) => "A newer request has replaced this one.",
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

/// A guardian's relation to the subject of a request, as the access rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub guardian_id: String,
    /// For a pupil: whether this guardian has parental authority over them.
    pub parental_authority: bool,
}

/// Who may submit: any guardian for their own record; for a child, a guardian with parental
/// authority (seed 000: the other parent must not change what the school holds).
pub fn may_submit(kind: SubjectKind, subject_is_self: bool, parental_authority: bool) -> bool {
    match kind {
        SubjectKind::Guardian => subject_is_self,
        SubjectKind::Pupil => parental_authority,
    }
}

/// A staff decision on one field: processed or rejected, with a reason.
pub type Decision = (Field, Outcome, Option<String>);

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

/// Which requests about one of their children a guardian sees (besides their own): all of them,
/// or, when the child's parents are separated, only those made from the guardian's own household
/// (a new address must not reach the other parent through the portal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildRequests {
    All,
    OfHousehold(String),
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
    fn only_guardians_with_authority_ask_for_a_child() {
        assert!(may_submit(SubjectKind::Guardian, true, false));
        assert!(!may_submit(SubjectKind::Guardian, false, true));
        assert!(may_submit(SubjectKind::Pupil, false, true));
        assert!(!may_submit(SubjectKind::Pupil, false, false));
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

    #[test]
    fn allowed_fields_round_trip() {
        let fields: BTreeSet<Field> = [Field::Phone, Field::Email].into_iter().collect();
        assert_eq!(parse_field_list(Some(&field_list(&fields))), fields);
        assert_eq!(parse_field_list(None).len(), Field::ALL.len());
    }
}
