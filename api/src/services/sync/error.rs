//! What a sync answers when it does not run, and how that reads as a problem and in the record.

use persistence::RepoError;

use crate::error::{ApiError, FieldError};

/// Why a sync did not run or failed. Nothing of it was applied.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The roster (or the file, or the fetch) is not valid where `field` says.
    #[error("{field}: {message}")]
    Invalid {
        field: String,
        code: &'static str,
        message: String,
    },
    /// A valid roster of the wrong moment (an old export, a year too early).
    #[error("{0}")]
    WrongMoment(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("{0}")]
    Internal(String),
}

impl SyncError {
    pub fn invalid(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        SyncError::Invalid {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// The reason as recorded with the run: what the client was told, or, for anything else,
    /// nothing that may carry database text.
    pub fn failure_text(&self) -> String {
        match self {
            SyncError::Invalid { field, message, .. } => format!("{field}: {message}"),
            SyncError::WrongMoment(detail) => detail.clone(),
            SyncError::Repo(_) | SyncError::Internal(_) => {
                "internal error; nothing was changed".to_owned()
            }
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(err: SyncError) -> Self {
        match err {
            SyncError::Invalid {
                field,
                code,
                message,
            } => ApiError::Validation(vec![FieldError::new(field, code, message)]),
            SyncError::WrongMoment(detail) => ApiError::Conflict(detail),
            SyncError::Repo(err) => ApiError::from(err),
            SyncError::Internal(cause) => ApiError::internal(cause),
        }
    }
}
