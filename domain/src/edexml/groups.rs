//! `groepen`: groups and combined groups, and the references to them from pupils and staff.

use std::collections::HashMap;

use roxmltree::Node;

use crate::roster::GroupRecord;

use super::xml::{join, key, required_text, single};
use super::{EdexError, err};

/// `EDEXJaargroepType`: the values a `groep/jaargroep` may have.
const JAARGROEPEN: [&str; 22] = [
    "B", "D", "0", "1", "2", "3", "4", "5", "6", "7", "8", "11", "12", "13", "14", "15", "16", "S",
    "V", "C", "N", "H",
];

/// `groep` and `samengestelde_groep` keys share one key space, but the XSD's keyrefs tell them
/// apart: a `groep` reference must name a `groep`, a `samengestelde_groep` one a
/// `samengestelde_groep`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupKind {
    Plain,
    Combined,
}

pub(super) type GroupKinds<'a> = HashMap<&'a str, GroupKind>;

pub(super) fn read_groups<'a>(
    root: Node<'a, '_>,
) -> Result<(Vec<GroupRecord>, GroupKinds<'a>), EdexError> {
    let mut groups = Vec::new();
    let mut kinds = HashMap::new();
    let Some(groepen) = single(root, "groepen", "")? else {
        return Ok((groups, kinds));
    };
    let (mut plain, mut combined) = (0, 0);
    for node in groepen.children().filter(Node::is_element) {
        let (kind, path) = match node.tag_name().name() {
            "groep" => {
                plain += 1;
                (GroupKind::Plain, format!("groepen/groep[{plain}]"))
            }
            "samengestelde_groep" => {
                combined += 1;
                (
                    GroupKind::Combined,
                    format!("groepen/samengestelde_groep[{combined}]"),
                )
            }
            _ => continue,
        };
        let key = key(node, &path)?;
        if kinds.insert(key, kind).is_some() {
            return Err(err(
                format!("{path}/@key"),
                "this key is already used by another groep or samengestelde_groep",
            ));
        }
        let name = required_text(node, "naam", &path)?;
        let year_group = match kind {
            GroupKind::Plain => {
                let jaargroep = required_text(node, "jaargroep", &path)?;
                if !JAARGROEPEN.contains(&jaargroep.as_str()) {
                    return Err(err(
                        join(&path, "jaargroep"),
                        "is not an EDEXML jaargroep code (B, D, 0-8, 11-16, S, V, C, N or H)",
                    ));
                }
                // Only groups 1-8 of Dutch primary school are year groups in the portal's sense.
                jaargroep.parse().ok().filter(|n| (1..=8).contains(n))
            }
            GroupKind::Combined => None,
        };
        groups.push(GroupRecord {
            key: key.to_owned(),
            name,
            year_group,
            combined: kind == GroupKind::Combined,
        });
    }
    if groups.is_empty() {
        return Err(err(
            "groepen",
            "must contain at least one groep or samengestelde_groep when present",
        ));
    }
    Ok((groups, kinds))
}

/// The key of a group reference, which must name a declared group of the right kind.
pub(super) fn reference(
    node: Node,
    path: &str,
    kind: GroupKind,
    kinds: &GroupKinds,
) -> Result<String, EdexError> {
    let key = key(node, path)?;
    match kinds.get(key) {
        Some(found) if *found == kind => Ok(key.to_owned()),
        Some(GroupKind::Combined) => Err(err(
            format!("{path}/@key"),
            "refers to a samengestelde_groep where a groep is expected",
        )),
        Some(GroupKind::Plain) => Err(err(
            format!("{path}/@key"),
            "refers to a groep where a samengestelde_groep is expected",
        )),
        None => Err(err(
            format!("{path}/@key"),
            "refers to a group that groepen does not declare",
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::edexml::test_support::{DUTCH, dutch_with, refused, today};
    use crate::edexml::{err, parse};

    #[test]
    fn the_dutch_example_groups_are_read_with_kind_and_year_group() {
        let file = parse(DUTCH, today()).unwrap();
        let groups: Vec<(&str, &str, Option<i32>, bool)> = file
            .groups
            .iter()
            .map(|g| (g.key.as_str(), g.name.as_str(), g.year_group, g.combined))
            .collect();
        assert_eq!(
            groups,
            vec![
                ("001", "Kabouters", None, false),
                ("sg3", "Samgroep 3", None, true),
                ("002", "Muizen", Some(1), false),
                ("003", "Vlinders", Some(1), false),
                ("GRP4A", "4A", Some(4), false),
                ("GRP4B", "4B", Some(4), false),
                ("sg1", "Samgroep 1", None, true),
                ("sg2", "Samgroep 2", None, true),
            ]
        );
    }

    #[test]
    fn groep_and_samengestelde_groep_share_one_key_space() {
        let xml = dutch_with(
            "<samengestelde_groep key=\"sg3\">",
            "<samengestelde_groep key=\"001\">",
        );
        assert_eq!(
            refused(&xml).location,
            "groepen/samengestelde_groep[1]/@key"
        );
        let xml = dutch_with("<leerkracht key=\"LK3\">", "<leerkracht key=\"LK1\">");
        assert_eq!(refused(&xml).location, "leerkrachten/leerkracht[3]/@key");
    }

    #[test]
    fn an_unknown_group_reference_is_refused() {
        let xml = dutch_with("<groep key=\"GRP4B\"/>", "<groep key=\"GRP9Z\"/>");
        assert_eq!(
            refused(&xml),
            err(
                "leerlingen/leerling[1]/groep/@key",
                "refers to a group that groepen does not declare"
            )
        );
        let xml = dutch_with(
            "<samengestelde_groep key=\"sg2\"/>",
            "<samengestelde_groep key=\"sg9\"/>",
        );
        assert_eq!(
            refused(&xml).location,
            "leerlingen/leerling[1]/samengestelde_groepen/samengestelde_groep[2]/@key"
        );
        let xml = dutch_with("<samengestelde_groep key=\"sg3\"/>", "<groep key=\"sg3\"/>");
        assert_eq!(
            refused(&xml),
            err(
                "leerkrachten/leerkracht[2]/groepen/groep[3]/@key",
                "refers to a samengestelde_groep where a groep is expected"
            )
        );
    }

    #[test]
    fn a_group_needs_a_naam_and_a_known_jaargroep() {
        let xml = dutch_with("<jaargroep>0</jaargroep>", "<jaargroep>9</jaargroep>");
        assert_eq!(refused(&xml).location, "groepen/groep[1]/jaargroep");
        let xml = dutch_with("<naam>Muizen</naam>", "");
        assert_eq!(refused(&xml).location, "groepen/groep[2]/naam");
    }
}
