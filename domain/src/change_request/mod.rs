//! Change requests (wijzigingsverzoeken, SPEC §4, seed 000). A guardian never edits personal data:
//! they propose values, the school processes them in its LAS, and the next roster sync brings them
//! into the portal. These rules decide what may be requested, by whom, who sees it, and when a
//! request is done.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;

use crate::Invalid;

pub mod policy;
pub mod rules;
pub mod scope;

pub use policy::{may_submit, queue_schools};
pub use rules::{
    applied_by_sync, check_decisions, check_submission, check_value, child_requests, is_stale,
    normalise, status_of,
};
pub use scope::{HouseholdLink, RequestScope};

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

pub(crate) fn refusal(field: impl Into<String>, reason: Invalid) -> Refusal {
    Refusal {
        field: field.into(),
        reason,
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

/// A staff decision on one field: processed or rejected, with a reason.
pub type Decision = (Field, Outcome, Option<String>);

/// Which requests about one of their children a guardian sees (besides their own): all of them,
/// or, when the child's parents are separated, only those made from the guardian's own household
/// (a new address must not reach the other parent through the portal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildRequests {
    All,
    OfHousehold(String),
}

/// A guardian asks the school to change details of theirs (`Guardian`, their own record) or of a
/// child (`Pupil`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitChange {
    pub subject_kind: SubjectKind,
    pub subject_id: uuid::Uuid,
    /// The proposed values; `None` (or empty) clears an optional detail.
    pub changes: Vec<(Field, Option<String>)>,
    /// Anything the school should know, in the guardian's words.
    pub remark: Option<String>,
}

/// A change request as stored, with what the portal holds for its subject now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequest {
    pub id: String,
    pub school_id: String,
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    /// The guardian record of the requester.
    pub requested_by: String,
    /// The requester's household with the pupil, for separated parents.
    pub household: Option<String>,
    pub status: Status,
    pub remark: Option<String>,
    /// The language the requester asked in: their mail about it is in it too.
    pub language: crate::mail::Language,
    pub fields: Vec<FieldChange>,
    /// The subject's values now, by field (for the stale check).
    pub held_now: HashMap<Field, Option<String>>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

/// One field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: Field,
    /// What the school held when the request was made.
    pub current: Option<String>,
    pub proposed: Option<String>,
    pub outcome: Outcome,
    /// Why it was rejected.
    pub reason: Option<String>,
}

impl ChangeRequest {
    /// What the school holds now for `field` (nothing for details the portal does not hold).
    pub fn held_now(&self, field: Field) -> Option<&str> {
        if !field.held_by_portal() {
            return None;
        }
        self.held_now.get(&field).and_then(Option::as_deref)
    }

    /// Whether a pending field's value changed in the LAS since the request was made.
    pub fn is_stale(&self, change: &FieldChange) -> bool {
        change.outcome == Outcome::Pending
            && is_stale(
                change.field,
                change.current.as_deref(),
                self.held_now(change.field),
            )
    }

    /// Each field with its outcome so far, as staff decisions are checked against.
    pub fn outcomes(&self) -> Vec<(Field, Outcome)> {
        self.fields.iter().map(|f| (f.field, f.outcome)).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_fields_round_trip() {
        let fields: BTreeSet<Field> = [Field::Phone, Field::Email].into_iter().collect();
        assert_eq!(parse_field_list(Some(&field_list(&fields))), fields);
        assert_eq!(parse_field_list(None).len(), Field::ALL.len());
    }
}
