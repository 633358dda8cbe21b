//! People's names as lists and exports show them.

/// A person's display name from its stored parts ("Anna de Vries"); empty parts are left out.
pub(crate) fn full_name(first: &str, prefix: Option<&str>, last: &str) -> String {
    [Some(first), prefix, Some(last)]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
