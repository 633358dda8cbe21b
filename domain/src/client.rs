//! Integration clients (LAS vendors) and what their scopes let them do.

use uuid::Uuid;

/// A permission an integration client can hold (OAuth2 scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Push the roster (pupils, guardians, staff, groups) of its school or board.
    RosterWrite,
}

impl Scope {
    pub const ALL: [Scope; 1] = [Scope::RosterWrite];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::RosterWrite => "roster:write",
        }
    }

    pub fn parse(value: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Parses a space-separated scope list (RFC 6749 §3.3); `None` when one is unknown.
    pub fn parse_list(value: &str) -> Option<Vec<Scope>> {
        let mut scopes: Vec<Scope> = value
            .split_whitespace()
            .map(Scope::parse)
            .collect::<Option<_>>()?;
        scopes.sort();
        scopes.dedup();
        Some(scopes)
    }

    pub fn join(scopes: &[Scope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A verified integration client: its board, optionally one school of it, and its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPrincipal {
    pub client_id: Uuid,
    pub board_id: Uuid,
    pub school_id: Option<Uuid>,
    pub scopes: Vec<Scope>,
}

impl ClientPrincipal {
    /// Whether the client may do what `scope` allows at this school of this board.
    pub fn may(&self, scope: Scope, board_id: Uuid, school_id: Uuid) -> bool {
        self.scopes.contains(&scope)
            && self.board_id == board_id
            && self.school_id.is_none_or(|own| own == school_id)
    }
}

/// The scopes to put in a token: those asked for (all granted ones when none are asked), and
/// `None` when one asked for is not granted (`invalid_scope`, RFC 6749 §5.2).
pub fn token_scopes(granted: &[Scope], requested: Option<&[Scope]>) -> Option<Vec<Scope>> {
    match requested {
        None => Some(granted.to_vec()),
        Some(requested) if requested.iter().all(|s| granted.contains(s)) => {
            Some(requested.to_vec())
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(school: Option<u128>) -> ClientPrincipal {
        ClientPrincipal {
            client_id: Uuid::from_u128(1),
            board_id: Uuid::from_u128(10),
            school_id: school.map(Uuid::from_u128),
            scopes: vec![Scope::RosterWrite],
        }
    }

    #[test]
    fn a_school_client_writes_only_its_school_and_a_board_client_any_school_of_the_board() {
        let board = Uuid::from_u128(10);
        assert!(client(Some(100)).may(Scope::RosterWrite, board, Uuid::from_u128(100)));
        assert!(!client(Some(100)).may(Scope::RosterWrite, board, Uuid::from_u128(101)));
        assert!(client(None).may(Scope::RosterWrite, board, Uuid::from_u128(101)));
        assert!(!client(None).may(
            Scope::RosterWrite,
            Uuid::from_u128(11),
            Uuid::from_u128(101)
        ));
    }

    #[test]
    fn scope_lists_parse_strictly() {
        assert_eq!(
            Scope::parse_list("roster:write roster:write"),
            Some(vec![Scope::RosterWrite])
        );
        assert_eq!(Scope::parse_list(""), Some(vec![]));
        assert_eq!(Scope::parse_list("roster:write admin"), None);
    }

    #[test]
    fn a_token_gets_the_scopes_asked_for_if_granted() {
        let granted = [Scope::RosterWrite];
        assert_eq!(token_scopes(&granted, None), Some(vec![Scope::RosterWrite]));
        assert_eq!(token_scopes(&granted, Some(&[])), Some(vec![]));
        assert_eq!(token_scopes(&[], Some(&[Scope::RosterWrite])), None);
    }
}
