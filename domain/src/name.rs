//! Display names of things (boards, schools): not of people, whose names come from the LAS.

use crate::Invalid;

pub const MAX_NAME_LENGTH: usize = 200;

/// A display name: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, Invalid> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(Invalid::new("required", "must not be empty"));
        }
        // The raw length counts, so the limit is the same before and after trimming.
        if raw.chars().count() > MAX_NAME_LENGTH {
            return Err(Invalid::new("too_long", "is longer than 200 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(Invalid::new(
                "invalid_characters",
                "contains control characters",
            ));
        }
        Ok(DisplayName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed() {
        assert_eq!(
            DisplayName::parse("  Stichting De Linde ").map(|n| n.0),
            Ok("Stichting De Linde".to_owned())
        );
    }

    #[test]
    fn empty_long_and_control_names_are_refused() {
        assert_eq!(
            DisplayName::parse("   ").map_err(|e| e.code),
            Err("required")
        );
        assert_eq!(
            DisplayName::parse(&"x".repeat(201)).map_err(|e| e.code),
            Err("too_long")
        );
        assert!(
            DisplayName::parse(&"é".repeat(200)).is_ok(),
            "length counts characters"
        );
        assert_eq!(
            DisplayName::parse("a\u{0}b").map_err(|e| e.code),
            Err("invalid_characters")
        );
    }
}
