//! The contract's shapes of consent: purposes, where a subject stands, decisions and their
//! history, the per-purpose pupil list, medical notes and the group's contact list.

use chrono::{DateTime, Utc};
use domain::consent::{Code, NewPurpose, PurposeChanges, State, Subject};
use domain::legal_basis::LegalBasis;
use persistence::consent::{
    Contact, HistoryEntry, MedicalNote as StoredNote, Purpose, StandingRow,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::ApiError;
use crate::services::consent::Standing;

/// Whose consent a purpose asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentSubject {
    /// The pupil's: decided by a guardian with parental authority.
    Pupil,
    /// The guardian's own (their contact details).
    Guardian,
}
same_enum!(ConsentSubject, Subject, [Pupil, Guardian]);

/// The lawful basis (AVG art. 6 lid 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasisKind {
    Consent,
    Contract,
    LegalObligation,
    VitalInterest,
    PublicTask,
    LegitimateInterest,
}
same_enum!(
    LegalBasisKind,
    LegalBasis,
    [
        Consent,
        Contract,
        LegalObligation,
        VitalInterest,
        PublicTask,
        LegitimateInterest
    ]
);

/// A default purpose the portal enforces (absent on a school's own purposes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentCode {
    PhotosWebsite,
    PhotosNewsletter,
    PhotosSocialMedia,
    /// The medical note reaches the lunch supervisors.
    MedicalLunchSupervisor,
    /// The medical note reaches the other parents of the group.
    MedicalOtherParents,
    /// The guardian is on the group's contact list.
    ContactDetailsGroup,
}
same_enum!(
    ConsentCode,
    Code,
    [
        PhotosWebsite,
        PhotosNewsletter,
        PhotosSocialMedia,
        MedicalLunchSupervisor,
        MedicalOtherParents,
        ContactDetailsGroup
    ]
);

/// Where a subject stands: only `given` lets data be shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    Given,
    Withdrawn,
    NotAsked,
    /// Given in an earlier school year for a purpose asked again each year: not given.
    Expired,
}
same_enum!(ConsentState, State, [Given, Withdrawn, NotAsked, Expired]);

/// A purpose the school asks consent for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentPurpose {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<ConsentCode>,
    pub subject: ConsentSubject,
    #[schema(max_length = 120, example = "Foto's op de website")]
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    pub legal_basis: LegalBasisKind,
    /// Asked again each school year (from 1 August); an older "yes" counts as not given.
    pub yearly_renewal: bool,
    /// Kept in the school's administration system (LAS): read-only here.
    pub from_las: bool,
    /// When the LAS last sent this purpose's decisions (with a roster sync).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_imported_at: Option<DateTime<Utc>>,
    /// No longer asked; decisions and history stay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired_at: Option<DateTime<Utc>>,
}

impl From<Purpose> for ConsentPurpose {
    fn from(p: Purpose) -> Self {
        ConsentPurpose {
            id: p.id,
            code: p.code.map(ConsentCode::from),
            subject: p.subject.into(),
            title: p.title,
            description: p.description,
            legal_basis: p.legal_basis.into(),
            yearly_renewal: p.yearly_renewal,
            from_las: p.from_las,
            last_imported_at: p.las_imported_at.map(|at| at.and_utc()),
            retired_at: p.retired_at.map(|at| at.and_utc()),
        }
    }
}

/// A purpose of the school's own.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentPurposeInput {
    #[schema(max_length = 120, example = "Foto's in het jaarboek")]
    #[validate(length(max = 120))]
    pub title: String,
    #[schema(max_length = 2000)]
    #[validate(length(max = 2000))]
    pub description: Option<String>,
    pub subject: ConsentSubject,
    pub legal_basis: LegalBasisKind,
    /// Ask again each school year (photo consent: the regulator expects it).
    #[serde(default)]
    pub yearly_renewal: bool,
}

impl ConsentPurposeInput {
    pub fn command(self) -> Result<NewPurpose, ApiError> {
        let title = domain::consent::check_title(&self.title);
        let description = self
            .description
            .as_deref()
            .map(domain::consent::check_description)
            .transpose();
        match (title, description) {
            (Ok(title), Ok(description)) => Ok(NewPurpose {
                title,
                description: description.flatten(),
                subject: self.subject.into(),
                legal_basis: self.legal_basis.into(),
                yearly_renewal: self.yearly_renewal,
            }),
            (title, description) => Err(refused(
                [title.err(), description.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            )),
        }
    }
}

fn refused(refusals: Vec<domain::change_request::Refusal>) -> ApiError {
    crate::services::consent::ConsentError::Refused(refusals).into()
}

/// A change to a purpose; fields left out stay as they are.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentPurposeChanges {
    #[schema(max_length = 120)]
    #[validate(length(max = 120))]
    pub title: Option<String>,
    /// A new description; an empty one removes it.
    #[schema(max_length = 2000)]
    #[validate(length(max = 2000))]
    pub description: Option<String>,
    pub yearly_renewal: Option<bool>,
    /// `true` retires the purpose (no longer asked), `false` brings it back.
    pub retired: Option<bool>,
}

impl ConsentPurposeChanges {
    pub fn command(self) -> Result<PurposeChanges, ApiError> {
        let title = self
            .title
            .as_deref()
            .map(domain::consent::check_title)
            .transpose();
        let description = self
            .description
            .as_deref()
            .map(domain::consent::check_description)
            .transpose();
        match (title, description) {
            (Ok(title), Ok(description)) => Ok(PurposeChanges {
                title,
                description,
                yearly_renewal: self.yearly_renewal,
                retired: self.retired,
            }),
            (title, description) => Err(refused(
                [title.err(), description.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            )),
        }
    }
}

/// Where the subject stands on one purpose.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Consent {
    pub purpose: ConsentPurpose,
    pub state: ConsentState,
    /// When the decision that holds was taken (or, from the LAS, last imported).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    /// The guardian who took it (absent when it came from the LAS).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub decided_by: Option<String>,
    /// Imported from the LAS: shown, not changed here.
    pub from_las: bool,
}

impl From<Standing> for Consent {
    fn from(s: Standing) -> Self {
        Consent {
            state: s.state.into(),
            decided_at: s.decided.as_ref().map(|d| d.decided_at.and_utc()),
            decided_by: s.decided.as_ref().and_then(|d| d.decided_by.clone()),
            from_las: s.decided.as_ref().is_some_and(|d| d.from_las) || s.purpose.from_las,
            purpose: s.purpose.into(),
        }
    }
}

/// A decision: give (`true`) or withdraw (`false`).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentDecision {
    pub given: bool,
}

/// One past decision, kept as proof.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentHistoryEntry {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub purpose_id: String,
    #[schema(max_length = 120)]
    pub purpose_title: String,
    pub given: bool,
    pub decided_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub decided_by: Option<String>,
    pub from_las: bool,
}

impl From<HistoryEntry> for ConsentHistoryEntry {
    fn from(e: HistoryEntry) -> Self {
        ConsentHistoryEntry {
            id: e.id,
            purpose_id: e.purpose_id,
            purpose_title: e.purpose_title,
            given: e.decided.given,
            decided_at: e.decided.decided_at.and_utc(),
            decided_by: e.decided.decided_by,
            from_las: e.decided.from_las,
        }
    }
}

/// A pupil on the school's list for one purpose.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PupilConsentStanding {
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    #[schema(max_length = 200)]
    pub name: String,
    pub state: ConsentState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<(StandingRow, State)> for PupilConsentStanding {
    fn from((row, state): (StandingRow, State)) -> Self {
        PupilConsentStanding {
            pupil_id: row.pupil_id,
            name: row.name,
            state: state.into(),
            decided_at: row.decided_at.map(|at| at.and_utc()),
        }
    }
}

/// `?group_id=&allowed=&limit=&cursor=` of a purpose's pupil list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StandingParams {
    /// Only this group's pupils (a teacher: one of their groups).
    pub group_id: Option<Uuid>,
    /// Only those who may (`true`) or may not (`false`).
    pub allowed: Option<bool>,
    /// How many to return, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(format = Uuid, max_length = 36)]
    pub cursor: Option<Uuid>,
}

/// A pupil's medical note, as a guardian wrote it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MedicalNote {
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    #[schema(max_length = 200)]
    pub pupil_name: String,
    #[schema(
        max_length = 2000,
        example = "Allergisch voor pinda's; EpiPen in de tas."
    )]
    pub note: String,
    pub updated_at: DateTime<Utc>,
}

impl From<StoredNote> for MedicalNote {
    fn from(n: StoredNote) -> Self {
        MedicalNote {
            pupil_id: n.pupil_id,
            pupil_name: n.pupil_name,
            note: n.note,
            updated_at: n.updated_at.and_utc(),
        }
    }
}

/// A medical note to write.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MedicalNoteInput {
    #[schema(
        max_length = 2000,
        example = "Allergisch voor pinda's; EpiPen in de tas."
    )]
    #[validate(length(max = 2000))]
    pub note: String,
}

/// A guardian on the group's contact list (they shared their details with the group).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupContact {
    #[schema(format = Uuid, max_length = 36)]
    pub guardian_id: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    /// Their children in the group.
    #[schema(max_items = 20, max_length = 200)]
    pub children: Vec<String>,
}

impl From<Contact> for GroupContact {
    fn from(c: Contact) -> Self {
        GroupContact {
            guardian_id: c.guardian_id,
            name: c.name,
            email: c.email,
            phone: c.phone,
            children: c.children,
        }
    }
}
