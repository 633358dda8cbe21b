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
