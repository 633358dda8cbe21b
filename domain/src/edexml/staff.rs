//! `leerkrachten`: staff, their groups, and the portal roles their `rol` codes grant.

use std::collections::{BTreeSet, HashSet};

use roxmltree::Node;

use crate::roles::StaffRole;
use crate::roster::StaffRecord;

use super::groups::{GroupKind, GroupKinds, reference};
use super::names::read_name;
use super::xml::{elements, join, key, optional_text, single, text_of};
use super::{EdexError, err};

pub(super) fn read_staff(root: Node, kinds: &GroupKinds) -> Result<Vec<StaffRecord>, EdexError> {
    let Some(leerkrachten) = single(root, "leerkrachten", "")? else {
        return Ok(Vec::new());
    };
    let mut seen = HashSet::new();
    let mut staff = Vec::new();
    for (index, leerkracht) in elements(leerkrachten, "leerkracht").enumerate() {
        let path = format!("leerkrachten/leerkracht[{}]", index + 1);
        let key = key(leerkracht, &path)?;
        if !seen.insert(key) {
            return Err(err(
                format!("{path}/@key"),
                "this key is already used by another leerkracht",
            ));
        }
        // The XSD allows a leerkracht with only a roepnaam; roster::validate then drops that one
        // record for its empty last name rather than refusing the file.
        let name = read_name(leerkracht, &path)?;
        let email = optional_text(leerkracht, "emailadres", &path)?;

        let mut codes: Vec<&str> = elements(leerkracht, "rol").map(text_of).collect();
        let mut groups = BTreeSet::new();
        if let Some(groepen) = single(leerkracht, "groepen", &path)? {
            let list_path = join(&path, "groepen");
            let (mut plain, mut combined) = (0, 0);
            for node in groepen.children().filter(Node::is_element) {
                let (kind, at) = match node.tag_name().name() {
                    "groep" => {
                        plain += 1;
                        (GroupKind::Plain, format!("{list_path}/groep[{plain}]"))
                    }
                    "samengestelde_groep" => {
                        combined += 1;
                        (
                            GroupKind::Combined,
                            format!("{list_path}/samengestelde_groep[{combined}]"),
                        )
                    }
                    _ => continue,
                };
                groups.insert(reference(node, &at, kind, kinds)?);
                codes.extend(elements(node, "rol").map(text_of));
            }
            if plain + combined == 0 {
                return Err(err(
                    list_path,
                    "must list at least one groep or samengestelde_groep when present",
                ));
            }
        }

        let mut roles: BTreeSet<StaffRole> = codes.into_iter().filter_map(role_for).collect();
        if roles.is_empty() && !groups.is_empty() {
            // A leerkracht linked to groups works with them, whatever else the LAS calls them.
            roles.insert(StaffRole::Teacher);
        }
        staff.push(StaffRecord {
            key: key.to_owned(),
            name,
            email,
            phone: None,
            roles,
            groups,
        });
    }
    if staff.is_empty() {
        return Err(err(
            "leerkrachten",
            "must contain at least one leerkracht when present",
        ));
    }
    Ok(staff)
}

/// Maps an `EDEXLeerkrachtRolType` code to the portal role it grants, least privilege first:
/// a code grants a role only when the job needs that role's access.
///
/// | code | meaning (XSD)                     | portal role |
/// |------|-----------------------------------|-------------|
/// | LRK  | leerkracht / groepsleraar         | Teacher     |
/// | VAK  | vakleerkracht (gym, music, ...)   | Teacher     |
/// | DIR  | directeur / schoolleider          | Director    |
/// | IB   | intern begeleider                 | CareStaff   |
/// | RT   | remedial teacher (pupil care)     | CareStaff   |
/// | ADM  | administratief medewerker         | SchoolAdmin |
/// | ADJ, LOC | adjunct-directeur, locatieleider | none: deciding leave is the director's; the school grants a deputy that in the portal |
/// | SMW  | schoolmaatschappelijk werk        | none: often employed outside the school; whole-school access is granted deliberately |
/// | ICT, CON, KLA, LOS, OWA, OUD, STA, TAL | ICT, conciërge, assistants, parent, intern, test leader | none |
/// | other | not in the 2.1 list              | none (a later EDEXML may add codes) |
///
/// A leerkracht with groups but no mapped role still becomes Teacher of those groups (see
/// `read_staff`).
fn role_for(code: &str) -> Option<StaffRole> {
    match code {
        "LRK" | "VAK" => Some(StaffRole::Teacher),
        "DIR" => Some(StaffRole::Director),
        "IB" | "RT" => Some(StaffRole::CareStaff),
        "ADM" => Some(StaffRole::SchoolAdmin),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edexml::parse;
    use crate::edexml::test_support::{DUTCH, dutch_with, set, today};

    #[test]
    fn the_dutch_example_staff_have_their_roles_and_groups() {
        let file = parse(DUTCH, today()).unwrap();
        let staff: Vec<(&str, &str, Option<&str>, &str)> = file
            .staff
            .iter()
            .map(|s| {
                (
                    s.key.as_str(),
                    s.name.first_name.as_str(),
                    s.name.name_prefix.as_deref(),
                    s.name.last_name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            staff,
            vec![
                ("LK1", "Julia", Some("van"), "Bemmel"),
                ("LK2", "Uilke", None, "Veldman"),
                ("LK3", "Lia", Some("de"), "Bruin"),
            ]
        );
        let teacher: BTreeSet<StaffRole> = [StaffRole::Teacher].into_iter().collect();
        // LK1 is TAL (test leader), LK3 STA/OWA (intern, assistant) on 4A: no role of their own,
        // but linked to a group, so Teacher of it. LK2 has only a free-text rolomschrijving.
        for member in &file.staff {
            assert_eq!(member.roles, teacher, "{}", member.key);
            assert_eq!(member.email, None);
            assert_eq!(member.phone, None);
        }
        assert_eq!(file.staff[0].groups, set(&["GRP4A"]));
        assert_eq!(
            file.staff[1].groups,
            set(&["001", "002", "sg1", "sg2", "sg3"])
        );
        assert_eq!(file.staff[2].groups, set(&["GRP4A"]));
    }

    #[test]
    fn role_codes_map_to_portal_roles() {
        let xml = dutch_with(
            "<rol>TAL</rol>",
            "<emailadres> julia@school.example </emailadres><rol>DIR</rol><rol>IB</rol>",
        )
        .replacen("<rol>STA</rol>", "<rol>ADM</rol>", 1)
        .replacen("<rolomschrijving>", "<rol>OWA</rol><rolomschrijving>", 1)
        .replacen(
            "<groep key=\"002\"/>",
            "<groep key=\"002\"><rol>LRK</rol></groep>",
            1,
        );
        let file = parse(&xml, today()).unwrap();
        let roles = |i: usize| file.staff[i].roles.iter().copied().collect::<Vec<_>>();
        assert_eq!(roles(0), vec![StaffRole::Director, StaffRole::CareStaff]);
        assert_eq!(file.staff[0].email.as_deref(), Some("julia@school.example"));
        assert_eq!(roles(1), vec![StaffRole::Teacher], "LRK on a group");
        assert_eq!(roles(2), vec![StaffRole::SchoolAdmin], "ADM on a group");

        for (code, role) in [
            ("LRK", Some(StaffRole::Teacher)),
            ("VAK", Some(StaffRole::Teacher)),
            ("DIR", Some(StaffRole::Director)),
            ("IB", Some(StaffRole::CareStaff)),
            ("RT", Some(StaffRole::CareStaff)),
            ("ADM", Some(StaffRole::SchoolAdmin)),
            ("ADJ", None),
            ("LOC", None),
            ("SMW", None),
            ("STA", None),
            ("TAL", None),
            ("OWA", None),
            ("OUD", None),
            ("XYZ", None),
        ] {
            assert_eq!(role_for(code), role, "{code}");
        }
    }

    #[test]
    fn a_member_without_groups_or_mapped_roles_gets_no_role() {
        let xml = dutch_with(
            "<groepen>\n\t\t\t\t<groep key=\"GRP4A\"/>\n\t\t\t</groepen>",
            "",
        );
        let file = parse(&xml, today()).unwrap();
        assert!(file.staff[0].groups.is_empty());
        assert!(file.staff[0].roles.is_empty(), "TAL alone grants nothing");
    }
}
