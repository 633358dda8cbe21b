//! Session rules: refresh-token rotation with reuse detection, and sign-in throttling.

use chrono::{Duration, NaiveDateTime};

/// How long a refresh token may be used: a month of not opening the app means signing in again.
pub const REFRESH_TOKEN_DAYS: i64 = 30;

/// Password checks allowed per account, and per client address, within a window. Each attempt is
/// counted before its password is checked; a right password gives its attempt back. After the
/// limit, sign-in is refused until the window ends (OWASP ASVS 2.2.1: anti-automation).
pub const ATTEMPTS_PER_ACCOUNT: i32 = 5;
pub const ATTEMPTS_PER_ADDRESS: i32 = 20;
pub const ATTEMPT_WINDOW_MINUTES: i64 = 15;

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

/// A window that started at or before this moment is over: its attempts no longer count.
pub fn attempt_window_cutoff(now: NaiveDateTime) -> NaiveDateTime {
    now - Duration::minutes(ATTEMPT_WINDOW_MINUTES)
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
    fn five_checks_per_account_and_twenty_per_address_in_fifteen_minutes() {
        assert_eq!(ATTEMPTS_PER_ACCOUNT, 5);
        assert_eq!(ATTEMPTS_PER_ADDRESS, 20);
        assert_eq!(now() - attempt_window_cutoff(now()), Duration::minutes(15));
    }
}
