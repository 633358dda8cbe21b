//! The name of a pupil or staff member.

use roxmltree::Node;

use crate::roster::Name;

use super::EdexError;
use super::xml::optional_text;

/// first_name: `roepnaam`, else the first of `voornamen`, else `voorletters-1`, else empty.
/// A missing `achternaam` (the XSD allows it) leaves the surname empty: roster::validate then
/// rejects that one record with its reason, rather than one record stopping the whole school's
/// sync (the JSON snapshot works the same way).
pub(super) fn read_name(node: Node, path: &str) -> Result<Name, EdexError> {
    let last_name = optional_text(node, "achternaam", path)?.unwrap_or_default();
    let first_of_voornamen = optional_text(node, "voornamen", path)?
        .and_then(|names| names.split_whitespace().next().map(str::to_owned));
    let first_name = optional_text(node, "roepnaam", path)?
        .or(first_of_voornamen)
        .or(optional_text(node, "voorletters-1", path)?)
        .unwrap_or_default();
    Ok(Name {
        first_name,
        name_prefix: optional_text(node, "voorvoegsel", path)?,
        last_name,
    })
}

#[cfg(test)]
mod tests {
    use crate::edexml::parse;
    use crate::edexml::test_support::{dutch_with, today};

    #[test]
    fn a_leerling_without_achternaam_is_one_rejected_record_not_a_refused_file() {
        let xml = dutch_with("<achternaam>Assati</achternaam>", "");
        let file = parse(&xml, today()).unwrap();
        let snapshot = crate::roster::Snapshot {
            school_year: file.school_year,
            groups: file.groups,
            pupils: file.pupils,
            guardians: Vec::new(),
            staff: file.staff,
            consents: Vec::new(),
        };
        let (valid, rejected) = crate::roster::validate(snapshot).unwrap();
        assert_eq!(valid.pupils.len(), 1, "00001 stays");
        assert_eq!(rejected.len(), 1);
        assert_eq!(
            (
                rejected[0].kind,
                rejected[0].key.as_str(),
                rejected[0].field.as_str()
            ),
            ("pupil", "00002", "last_name")
        );
    }
}
