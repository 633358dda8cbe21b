use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What a repository call can fail with. Callers map these to HTTP; the messages are for logs only.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("record not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the write; the string names the constraint
    /// (PostgreSQL) or the columns (SQLite).
    #[error("constraint violated: {0}")]
    Conflict(String),
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    /// A stored value this version does not know (a bad enum value, say): an error, never a
    /// default that would answer something the database does not hold.
    #[error("unreadable stored value: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(DieselError),
    #[error("migration failed: {0}")]
    Migration(String),
}

impl From<DieselError> for RepoError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => RepoError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                RepoError::Conflict(
                    info.constraint_name()
                        .map_or_else(|| info.message().to_owned(), str::to_owned),
                )
            }
            other => RepoError::Database(other),
        }
    }
}

impl RepoError {
    /// True when the cause is the database being unreachable or overloaded rather than the request.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, RepoError::Pool(_))
    }
}
