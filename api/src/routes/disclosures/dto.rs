//! The disclosure register's shapes in the contract, and their conversion into the domain's.

use chrono::{DateTime, Utc};
use domain::disclosures::{self as register, DisclosureEdit};
use persistence::disclosures::StoredDisclosure;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::error::ApiError;
use crate::routes::consent::LegalBasisKind;
use crate::services::disclosures::refusals_to_fields;

/// One row of a board's disclosure register (seed 002, appendix 3).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01937c4e-8a10-7d2f-9c3b-2b6f1e0a4d60",
    "board_id": "01937c4e-8a10-7d2f-9c3b-2b6f1e0a4d55",
    "recipient": "Leerplicht Gemeente",
    "purpose": "Controle verzuim",
    "legal_basis": "legal_obligation",
    "data_categories": "naam, BSN, verzuim",
    "created_at": "2026-08-01T09:30:00Z",
    "updated_at": "2026-08-01T09:30:00Z"
}))]
pub struct Disclosure {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub board_id: String,
    /// To whom the data is given.
    #[schema(max_length = 200, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub recipient: String,
    /// What for.
    #[schema(max_length = 500, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub purpose: String,
    pub legal_basis: LegalBasisKind,
    /// Which data goes; absent when the register does not say.
    #[schema(max_length = 500, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub data_categories: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<StoredDisclosure> for Disclosure {
    fn from(stored: StoredDisclosure) -> Self {
        Disclosure {
            id: stored.id,
            board_id: stored.board_id,
            recipient: stored.disclosure.recipient,
            purpose: stored.disclosure.purpose,
            legal_basis: stored.disclosure.legal_basis.into(),
            data_categories: stored.disclosure.data_categories,
            created_at: stored.created_at.and_utc(),
            updated_at: stored.updated_at.and_utc(),
        }
    }
}

/// A row to add to the register. Texts are trimmed; none may be spaces only or hold control
/// characters.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "recipient": "Leerplicht Gemeente",
    "purpose": "Controle verzuim",
    "legal_basis": "legal_obligation",
    "data_categories": "naam, BSN, verzuim"
}))]
pub struct NewDisclosure {
    /// To whom the data is given.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    #[validate(length(min = 1, max = 200))]
    pub recipient: String,
    /// What for.
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    #[validate(length(min = 1, max = 500))]
    pub purpose: String,
    pub legal_basis: LegalBasisKind,
    /// Which data goes, e.g. "naam, BSN, verzuim"; blank is none.
    #[schema(max_length = 500, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    #[validate(length(max = 500))]
    pub data_categories: Option<String>,
}

impl NewDisclosure {
    /// The checked row: 422 naming every refused field.
    pub fn command(&self) -> Result<register::Disclosure, ApiError> {
        register::Disclosure::parse(register::DisclosureInput {
            recipient: &self.recipient,
            purpose: &self.purpose,
            legal_basis: self.legal_basis.into(),
            data_categories: self.data_categories.as_deref(),
        })
        .map_err(|refusals| ApiError::Validation(refusals_to_fields(refusals)))
    }
}

/// Changes to a row: a field left out stays as it is. Texts as for a new row.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"purpose": "Controle verzuim en verlof", "data_categories": "naam, BSN, verzuim, verlof"}))]
pub struct DisclosureChanges {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    #[validate(length(min = 1, max = 200))]
    pub recipient: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    #[validate(length(min = 1, max = 500))]
    pub purpose: Option<String>,
    pub legal_basis: Option<LegalBasisKind>,
    /// An empty text removes them.
    #[schema(max_length = 500, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    #[validate(length(max = 500))]
    pub data_categories: Option<String>,
}

impl From<DisclosureChanges> for DisclosureEdit {
    fn from(changes: DisclosureChanges) -> Self {
        DisclosureEdit {
            recipient: changes.recipient,
            purpose: changes.purpose,
            legal_basis: changes.legal_basis.map(Into::into),
            data_categories: changes.data_categories,
        }
    }
}
