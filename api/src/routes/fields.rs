//! Field types shared by request and response bodies. Each states its rule once, as a schema
//! component whose pattern matches what the domain type accepts, so clients validate exactly as the
//! server does (schemathesis checks both directions in CI).

use std::borrow::Cow;

use domain::roles::StaffRole;
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

fn string_schema(
    description: &str,
    min_length: Option<usize>,
    max_length: usize,
    pattern: &str,
    example: &str,
) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .description(Some(description))
        .min_length(min_length)
        .max_length(Some(max_length))
        .pattern(Some(pattern))
        .examples([serde_json::json!(example)])
        .into()
}

/// Declares a string newtype with its schema component.
macro_rules! string_field {
    ($(#[$doc:meta])* $name:ident, $description:expr, $min:expr, $max:expr, $pattern:expr, $example:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);
        string_schema_impl!($name, $description, $min, $max, $pattern, $example);
    };
}

/// The schema component of a string field.
macro_rules! string_schema_impl {
    ($name:ident, $description:expr, $min:expr, $max:expr, $pattern:expr, $example:expr) => {
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_schema($description, $min, $max, $pattern, $example)
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

string_field!(
    /// A display name of a board or school.
    NameInput,
    "A display name: 1 to 200 characters, at least one not a space, no control characters. \
     Leading and trailing spaces are dropped.",
    Some(1),
    200,
    NAME_PATTERN,
    "Stichting Openbaar Onderwijs De Linde"
);

string_field!(
    /// An e-mail address.
    EmailInput,
    "An e-mail address: `local@domain` with a dot inside the domain, no spaces or control \
     characters, at most 254 characters. Stored in lower case.",
    None,
    254,
    EMAIL_PATTERN,
    "administratie@delinde.example"
);

string_field!(
    /// A BRIN code.
    BrinInput,
    "DUO's school code (BRIN): two digits and two capitals, optionally followed by a two-digit \
     location number.",
    Some(4),
    6,
    r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$",
    "12AB"
);

/// A key from the LAS. Checked as it is read, since keys also appear as references.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct LasKey(pub String);

impl<'de> Deserialize<'de> for LasKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        let sound = !key.trim().is_empty()
            && key.chars().count() <= 64
            && !key.chars().any(char::is_control);
        if sound {
            Ok(LasKey(key))
        } else {
            Err(serde::de::Error::custom(
                "invalid value: a key is 1 to 64 characters, not all spaces, no control characters",
            ))
        }
    }
}

string_schema_impl!(
    LasKey,
    "The LAS's own stable key of a record: 1 to 64 characters, at least one not a space, no control \
     characters.",
    Some(1),
    64,
    NAME_PATTERN,
    "L1234"
);

const NAME_PATTERN: &str = concat!(
    r"^[^\u0000-\u001F\u007F-\u009F]*",
    r"[^\s\u0000-\u001F\u007F-\u009F]",
    r"[^\u0000-\u001F\u007F-\u009F]*$"
);

const EMAIL_PATTERN: &str = concat!(
    r"^[^@\s\u0000-\u001F\u007F-\u009F]+",
    r"@[^@\s.\u0000-\u001F\u007F-\u009F]",
    r"[^@\s\u0000-\u001F\u007F-\u009F]*",
    r"\.[^@\s\u0000-\u001F\u007F-\u009F]*",
    r"[^@\s.\u0000-\u001F\u007F-\u009F]$"
);

/// A staff member's role at a school.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SchoolAdmin,
    Director,
    Teacher,
    CareStaff,
    LunchSupervisor,
}

impl From<Role> for StaffRole {
    fn from(role: Role) -> Self {
        match role {
            Role::SchoolAdmin => StaffRole::SchoolAdmin,
            Role::Director => StaffRole::Director,
            Role::Teacher => StaffRole::Teacher,
            Role::CareStaff => StaffRole::CareStaff,
            Role::LunchSupervisor => StaffRole::LunchSupervisor,
        }
    }
}

impl From<StaffRole> for Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::SchoolAdmin => Role::SchoolAdmin,
            StaffRole::Director => Role::Director,
            StaffRole::Teacher => Role::Teacher,
            StaffRole::CareStaff => Role::CareStaff,
            StaffRole::LunchSupervisor => Role::LunchSupervisor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// C0 and C1 control characters.
    const PRINTABLE: &str = r"\u0000-\u001F\u007F-\u009F";

    #[test]
    fn the_patterns_exclude_exactly_the_control_characters() {
        assert!(NAME_PATTERN.contains(PRINTABLE));
        assert!(EMAIL_PATTERN.matches(PRINTABLE).count() == 5);
    }
}

/// Reads an optional integer the way JSON Schema counts integers: `8` and `8.0` alike (a client
/// that writes every number as a float still sends a valid integer).
pub fn optional_whole_number<'de, D>(deserializer: D) -> Result<Option<i32>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value: Option<serde_json::Number> = Option::deserialize(deserializer)?;
    let Some(number) = value else {
        return Ok(None);
    };
    let whole = match (number.as_i64(), number.as_f64()) {
        (Some(i), _) => Some(i),
        (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => Some(f as i64),
        _ => None,
    };
    whole
        .and_then(|i| i32::try_from(i).ok())
        .map(Some)
        .ok_or_else(|| {
            serde::de::Error::custom(format!("invalid type: {number} is not a whole number"))
        })
}

/// A required whole number, as [`optional_whole_number`] reads it (`8` and `8.0` alike: JSON Schema's
/// `integer` allows both).
pub fn whole_number<'de, D>(deserializer: D) -> Result<i32, D::Error>
where
    D: serde::Deserializer<'de>,
{
    optional_whole_number(deserializer)?
        .ok_or_else(|| serde::de::Error::custom("invalid type: null, expected a whole number"))
}

#[cfg(test)]
mod whole_number_tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "optional_whole_number")]
        n: Option<i32>,
    }

    #[test]
    fn whole_numbers_read_with_or_without_a_fraction_and_others_are_refused() {
        let read = |json: &str| serde_json::from_str::<Holder>(json).map(|h| h.n).ok();
        assert_eq!(read(r#"{"n": 8}"#), Some(Some(8)));
        assert_eq!(read(r#"{"n": 8.0}"#), Some(Some(8)));
        assert_eq!(read(r#"{"n": null}"#), Some(None));
        assert_eq!(read(r#"{}"#), Some(None));
        assert_eq!(read(r#"{"n": 8.5}"#), None);
        assert_eq!(read(r#"{"n": 1e20}"#), None);
    }
}

/// A school year, `2026-2027`: two consecutive years from 2000 on.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct SchoolYearName(pub String);

impl<'de> Deserialize<'de> for SchoolYearName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        match domain::school_year::SchoolYear::parse(&value) {
            Some(_) => Ok(SchoolYearName(value)),
            None => Err(serde::de::Error::custom(
                "invalid value: a school year is like 2026-2027",
            )),
        }
    }
}

impl PartialSchema for SchoolYearName {
    fn schema() -> RefOr<Schema> {
        // Listed in full: a pattern cannot say that the second year follows the first.
        let years: Vec<String> = (2000..2100).map(|y| format!("{y}-{}", y + 1)).collect();
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .description(Some(
                "A school year: two consecutive years, e.g. `2026-2027`.",
            ))
            .enum_values(Some(years))
            .examples([serde_json::json!("2026-2027")])
            .into()
    }
}

impl ToSchema for SchoolYearName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("SchoolYearName")
    }
}
