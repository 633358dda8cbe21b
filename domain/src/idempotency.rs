//! `Idempotency-Key` (SPEC §13: mobile apps retry; a retried create must not make a second
//! object). The rules for the key itself; storing answers is persistence's.

use crate::Invalid;

/// How long a first answer is kept for replay: a day covers an app retrying after a dead zone,
/// a flight or a night (the IETF draft leaves the period to the server).
pub const KEEP_HOURS: i64 = 24;

/// The longest key accepted: room for a UUID or a hash with a prefix.
pub const MAX_KEY_LENGTH: usize = 255;

/// A key as sent: 1 to 255 visible ASCII characters (a UUID is typical).
pub fn parse_key(raw: &str) -> Result<String, Invalid> {
    let visible = raw.bytes().all(|b| (0x21..=0x7e).contains(&b));
    if raw.is_empty() || raw.len() > MAX_KEY_LENGTH || !visible {
        return Err(Invalid::new(
            "invalid_idempotency_key",
            "must be 1 to 255 visible ASCII characters, e.g. a UUID",
        ));
    }
    Ok(raw.to_owned())
}

/// What a repeated key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// The same request again: answer as the first time.
    Replay,
    /// Another request under a key already used: a client error, nothing is done.
    Misuse,
}

pub fn repeat(stored_fingerprint: &str, fingerprint: &str) -> Repeat {
    if stored_fingerprint == fingerprint {
        Repeat::Replay
    } else {
        Repeat::Misuse
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_up_to_255() {
        assert!(parse_key("3f2b8c1e-9d4a-4c1b-8e2f-1a2b3c4d5e6f").is_ok());
        assert!(parse_key(&"k".repeat(255)).is_ok());
        assert!(parse_key(&"k".repeat(256)).is_err());
        assert!(parse_key("").is_err());
        assert!(parse_key("met spatie").is_err());
        assert!(parse_key("ümlaut").is_err());
    }

    #[test]
    fn the_same_request_replays_and_another_is_refused() {
        assert_eq!(repeat("abc", "abc"), Repeat::Replay);
        assert_eq!(repeat("abc", "abd"), Repeat::Misuse);
        assert_eq!(KEEP_HOURS, 24);
    }
}
