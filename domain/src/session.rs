//! Session rules: refresh-token rotation with reuse detection, and sign-in throttling.

use chrono::{Duration, NaiveDateTime};

/// How long a refresh token may be used: a month of not opening the app means signing in again.
pub const REFRESH_TOKEN_DAYS: i64 = 30;

/// Failed sign-ins tolerated per account, and per client address, within the window. After that
/// sign-in is refused until the oldest failure leaves the window (OWASP ASVS 2.2.1: anti-automation).
pub const FAILURES_PER_ACCOUNT: i64 = 5;
pub const FAILURES_PER_ADDRESS: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// The state of a presented refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshTokenState {
    pub expires_at: NaiveDateTime,
    /// Set when the token was exchanged for a new one.
    pub used: bool,
    /// The session was ended (logout, reuse detected, account changed).
    pub session_revoked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshDecision {
    /// Exchange it for a new token in the same session.
    Rotate,
    /// A token that was already exchanged is presented again: someone else may hold a copy, so
    /// the whole session ends (RFC 9700 §4.14.2, refresh token rotation).
    RevokeSession,
    /// Expired, or its session already ended.
    Reject,
}

pub fn decide_refresh(token: RefreshTokenState, now: NaiveDateTime) -> RefreshDecision {
    if token.session_revoked {
        RefreshDecision::Reject
    } else if token.used {
        RefreshDecision::RevokeSession
    } else if token.expires_at <= now {
        RefreshDecision::Reject
    } else {
        RefreshDecision::Rotate
    }
}

pub fn refresh_token_expiry(now: NaiveDateTime) -> NaiveDateTime {
    now + Duration::days(REFRESH_TOKEN_DAYS)
}

/// The start of the window in which failures count.
pub fn failure_window_start(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::minutes(FAILURE_WINDOW_MINUTES)
}

/// Whether sign-in is refused, given the failures in the window for the account and the address.
pub fn sign_in_throttled(account_failures: i64, address_failures: i64) -> bool {
    account_failures >= FAILURES_PER_ACCOUNT || address_failures >= FAILURES_PER_ADDRESS
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }

    fn token(used: bool, session_revoked: bool, expires_in_minutes: i64) -> RefreshTokenState {
        RefreshTokenState {
            expires_at: now() + Duration::minutes(expires_in_minutes),
            used,
            session_revoked,
        }
    }

    #[test]
    fn a_fresh_token_rotates() {
        assert_eq!(
            decide_refresh(token(false, false, 10), now()),
            RefreshDecision::Rotate
        );
    }

    #[test]
    fn a_reused_token_ends_the_session() {
        assert_eq!(
            decide_refresh(token(true, false, 10), now()),
            RefreshDecision::RevokeSession
        );
    }

    #[test]
    fn expired_tokens_and_ended_sessions_are_rejected() {
        assert_eq!(
            decide_refresh(token(false, false, 0), now()),
            RefreshDecision::Reject
        );
        assert_eq!(
            decide_refresh(token(false, true, 10), now()),
            RefreshDecision::Reject
        );
        assert_eq!(
            decide_refresh(token(true, true, 10), now()),
            RefreshDecision::Reject
        );
    }

    #[test]
    fn refresh_tokens_last_thirty_days() {
        assert_eq!(refresh_token_expiry(now()) - now(), Duration::days(30));
    }

    #[test]
    fn the_fifth_failure_for_an_account_or_twentieth_for_an_address_throttles() {
        assert!(!sign_in_throttled(4, 19));
        assert!(sign_in_throttled(5, 0));
        assert!(sign_in_throttled(0, 20));
        assert_eq!(now() - failure_window_start(now()), Duration::minutes(15));
    }
}
