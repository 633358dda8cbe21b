//! Reading the element tree: keys, child elements that may occur once, their trimmed text, and
//! the element paths that errors name.

use roxmltree::Node;

use super::{EdexError, err};

/// `EDEXKeyType`: 1 to 256 characters.
const MAX_KEY_CHARS: usize = 256;

/// A `key` attribute (`EDEXKeyType`): required, 1 to 256 characters. Blank keys are refused too,
/// since a key that looks empty cannot be matched on. Keys are not trimmed: they are the LAS's
/// identifiers, compared exactly.
pub(super) fn key<'a>(node: Node<'a, '_>, path: &str) -> Result<&'a str, EdexError> {
    match node.attribute("key") {
        None => Err(err(format!("{path}/@key"), "the key attribute is required")),
        Some(key) if key.trim().is_empty() => {
            Err(err(format!("{path}/@key"), "the key must not be empty"))
        }
        Some(key) if key.chars().count() > MAX_KEY_CHARS => Err(err(
            format!("{path}/@key"),
            format!("the key is longer than {MAX_KEY_CHARS} characters"),
        )),
        Some(key) => Ok(key),
    }
}

pub(super) fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}/{child}")
    }
}

pub(super) fn elements<'a, 'i>(
    node: Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |child| child.is_element() && child.tag_name().name() == name)
}

/// The child element `name`, which the XSD allows at most once.
pub(super) fn single<'a, 'i>(
    parent: Node<'a, 'i>,
    name: &'static str,
    parent_path: &str,
) -> Result<Option<Node<'a, 'i>>, EdexError> {
    let mut found = elements(parent, name);
    let first = found.next();
    if found.next().is_some() {
        return Err(err(
            join(parent_path, name),
            "occurs more than once; EDEXML allows it once here",
        ));
    }
    Ok(first)
}

pub(super) fn required<'a, 'i>(
    parent: Node<'a, 'i>,
    name: &'static str,
    parent_path: &str,
) -> Result<Node<'a, 'i>, EdexError> {
    single(parent, name, parent_path)?
        .ok_or_else(|| err(join(parent_path, name), "is required but missing"))
}

/// The element's own text, trimmed. Simple EDEXML elements hold one text node (CDATA included).
pub(super) fn text_of<'a>(node: Node<'a, '_>) -> &'a str {
    node.text().unwrap_or_default().trim()
}

/// The trimmed text of an optional element; absent and empty are both `None`.
pub(super) fn optional_text(
    parent: Node,
    name: &'static str,
    parent_path: &str,
) -> Result<Option<String>, EdexError> {
    Ok(single(parent, name, parent_path)?
        .map(text_of)
        .filter(|text| !text.is_empty())
        .map(str::to_owned))
}

/// The trimmed text of a required element; the XSD types used here all have `minLength 1`, so
/// empty counts as missing.
pub(super) fn required_text(
    parent: Node,
    name: &'static str,
    parent_path: &str,
) -> Result<String, EdexError> {
    let node = required(parent, name, parent_path)?;
    match text_of(node) {
        "" => Err(err(join(parent_path, name), "must not be empty")),
        text => Ok(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use crate::edexml::err;
    use crate::edexml::test_support::{dutch_with, refused};

    #[test]
    fn a_missing_or_empty_key_is_refused() {
        let xml = dutch_with("<groep key=\"GRP4B\">", "<groep>");
        assert_eq!(
            refused(&xml),
            err("groepen/groep[5]/@key", "the key attribute is required")
        );
        let xml = dutch_with("<leerling key=\"12345\">", "<leerling key=\" \">");
        assert_eq!(
            refused(&xml),
            err("leerlingen/leerling[3]/@key", "the key must not be empty")
        );
    }

    #[test]
    fn an_element_allowed_once_may_not_occur_twice() {
        let xml = dutch_with(
            "<achternaam>ie</achternaam>",
            "<achternaam>ie</achternaam><achternaam>ander</achternaam>",
        );
        assert_eq!(refused(&xml).location, "leerlingen/leerling[1]/achternaam");
    }
}
