//! E-mail addresses as the portal keeps them: trimmed and lower-cased, so that one person cannot
//! end up with two accounts that differ only in case.

use crate::Invalid;

/// RFC 5321 limits a forward path to 254 octets.
pub const MAX_EMAIL_LENGTH: usize = 254;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Accepts `local@domain` with a dot inside the domain and no spaces or control characters
    /// anywhere (callers trim input from sources they know to be sloppy); deliverability is proven
    /// by the activation mail, not by a pattern. The API's `EmailInput` schema states this rule.
    pub fn parse(raw: &str) -> Result<EmailAddress, Invalid> {
        let value = raw.to_lowercase();
        if raw.chars().count() > MAX_EMAIL_LENGTH {
            return Err(Invalid::new("too_long", "is longer than 254 characters"));
        }
        let valid = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if valid {
            Ok(EmailAddress(value))
        } else {
            Err(Invalid::new("invalid_email", "is not an e-mail address"))
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
    fn addresses_are_lower_cased() {
        let email = EmailAddress::parse("Ouder.Jansen@Example.NL").map(|e| e.0);
        assert_eq!(email, Ok("ouder.jansen@example.nl".to_owned()));
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in [
            "",
            "no-at-sign",
            "@example.nl",
            "a@b",
            "a@.nl",
            "a@nl.",
            "a b@x.nl",
            "a@b@c.nl",
        ] {
            assert!(EmailAddress::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn overlong_addresses_are_refused() {
        let raw = format!("{}@example.nl", "a".repeat(250));
        assert!(
            EmailAddress::parse(&format!("{}@example.nl", "é".repeat(200))).is_ok(),
            "counts characters"
        );
        assert_eq!(
            EmailAddress::parse(&raw).map_err(|e| e.code),
            Err("too_long")
        );
    }
}
