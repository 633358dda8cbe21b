//! Who is making a request. The API turns a verified token into an `Actor`; rules and repositories
//! decide from it what may be seen and done.

use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Runs the service: manages boards and integration clients, reads no personal data.
    PlatformOperator { account_id: Uuid },
}

impl Actor {
    pub fn account_id(&self) -> Uuid {
        match self {
            Actor::PlatformOperator { account_id } => *account_id,
        }
    }

    /// Creating and listing boards (tenants) is the platform operator's task alone.
    pub fn may_manage_boards(&self) -> bool {
        matches!(self, Actor::PlatformOperator { .. })
    }
}
