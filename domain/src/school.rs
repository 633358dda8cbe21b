//! Schools and their codes.

use crate::Invalid;

/// A BRIN code (DUO's school number, EDEXML `brincode`: two digits and two capitals), optionally
/// followed by a two-digit location (vestiging) number, e.g. `12AB` or `12AB01`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brin(String);

impl Brin {
    pub fn parse(raw: &str) -> Result<Brin, Invalid> {
        let value = raw.trim().to_ascii_uppercase();
        let bytes = value.as_bytes();
        let valid = (bytes.len() == 4 || bytes.len() == 6)
            && bytes[..2].iter().all(u8::is_ascii_digit)
            && bytes[2..4].iter().all(u8::is_ascii_uppercase)
            && bytes[4..].iter().all(u8::is_ascii_digit);
        if valid {
            Ok(Brin(value))
        } else {
            Err(Invalid::new(
                "invalid_brin",
                "is not a BRIN code like 12AB or 12AB01",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brin_codes_with_and_without_location_are_accepted() {
        assert_eq!(Brin::parse("12ab").map(|b| b.0), Ok("12AB".to_owned()));
        assert_eq!(Brin::parse("12AB01").map(|b| b.0), Ok("12AB01".to_owned()));
    }

    #[test]
    fn malformed_codes_are_refused() {
        for raw in [
            "", "1AB", "12A", "AB12", "12AB1", "12AB012", "12A1", "１２AB",
        ] {
            assert!(Brin::parse(raw).is_err(), "{raw:?}");
        }
    }
}
