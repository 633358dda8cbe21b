//! XML syntax errors, reported by line and column in fixed wording that quotes nothing from the file.

use roxmltree::TextPos;

use super::{EdexError, err};

/// A syntax error located by line and column. roxmltree's own messages can quote tag names or
/// entity names from the file, so fixed wording is used instead.
pub(super) fn syntax_error(xml: &str, error: &roxmltree::Error) -> EdexError {
    use roxmltree::Error as E;
    let at = |pos: TextPos| format!("line {}, column {}", pos.row, pos.col);
    let (location, message) = match error {
        E::UnexpectedEndOfStream | E::UnclosedRootNode => (
            at(end_position(xml)),
            "the file ends before the XML is complete; it may have been cut off",
        ),
        E::NoRootNode => (
            "document".to_owned(),
            "the file contains no XML element; it is not an EDEXML file",
        ),
        E::DtdDetected => (
            "document".to_owned(),
            "the file declares a DTD, which EDEXML does not use; refused for safety",
        ),
        E::NodesLimitReached | E::AttributesLimitReached | E::NamespacesLimitReached => (
            "document".to_owned(),
            "the file has far more XML nodes than any school's export",
        ),
        E::UnexpectedCloseTag(_, _, pos) => (
            at(*pos),
            "a closing tag does not match the element it should close",
        ),
        E::UnknownEntityReference(_, pos) => (
            at(*pos),
            "an entity reference (&...;) names an unknown entity",
        ),
        E::MalformedEntityReference(pos) => {
            (at(*pos), "a & must start an entity reference such as &amp;")
        }
        E::DuplicatedAttribute(_, pos) => (at(*pos), "an element has the same attribute twice"),
        E::NonXmlChar(_, pos) => (at(*pos), "the file contains a character XML does not allow"),
        other => (at(other.pos()), "the file is not well-formed XML"),
    };
    err(location, message)
}

/// Where the input ends, counted the way roxmltree counts (rows by `\n`, columns in characters).
fn end_position(xml: &str) -> TextPos {
    let row = xml.bytes().filter(|b| *b == b'\n').count() + 1;
    let last_line = xml.rsplit('\n').next().unwrap_or_default();
    let col = last_line.chars().count() + 1;
    TextPos::new(
        u32::try_from(row).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use crate::edexml::err;
    use crate::edexml::test_support::{DUTCH, refused};

    #[test]
    fn a_truncated_file_is_refused_where_it_ends() {
        let cut: String = DUTCH.lines().take(90).map(|l| format!("{l}\n")).collect();
        assert_eq!(
            refused(&cut),
            err(
                "line 91, column 1",
                "the file ends before the XML is complete; it may have been cut off"
            )
        );
        let mid_tag = &DUTCH[..DUTCH.find("<roepnaam>Wimpie").unwrap() + 5];
        assert_eq!(refused(mid_tag).location, "line 81, column 9");
    }

    #[test]
    fn text_that_is_not_xml_is_refused() {
        let error = refused("Achternaam;Voornaam\nJansen;Piet\n");
        assert_eq!(error.location, "line 1, column 1");
        assert_eq!(error.message, "the file is not well-formed XML");
        assert!(!error.to_string().contains("Jansen"));
        assert_eq!(refused("").location, "document");
    }
}
