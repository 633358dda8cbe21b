//! `leerlingen`: the pupils at school, and the keys of those who have left.

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;
use roxmltree::Node;

use crate::roster::PupilRecord;

use super::dates::optional_date;
use super::groups::{GroupKind, GroupKinds, reference};
use super::names::read_name;
use super::xml::{elements, join, key, required, single};
use super::{EdexError, err};

pub(super) fn read_pupils(
    root: Node,
    kinds: &GroupKinds,
    reference_date: NaiveDate,
) -> Result<(Vec<PupilRecord>, Vec<String>), EdexError> {
    let leerlingen = required(root, "leerlingen", "")?;
    let mut seen = HashSet::new();
    let (mut pupils, mut left) = (Vec::new(), Vec::new());
    for (index, leerling) in elements(leerlingen, "leerling").enumerate() {
        let path = format!("leerlingen/leerling[{}]", index + 1);
        let key = key(leerling, &path)?;
        if !seen.insert(key) {
            return Err(err(
                format!("{path}/@key"),
                "this key is already used by another leerling",
            ));
        }
        let name = read_name(leerling, &path)?;
        let date_of_birth = optional_date(leerling, "geboortedatum", &path)?;

        let mut groups = BTreeSet::new();
        if let Some(groep) = single(leerling, "groep", &path)? {
            let at = join(&path, "groep");
            groups.insert(reference(groep, &at, GroupKind::Plain, kinds)?);
        }
        if let Some(list) = single(leerling, "samengestelde_groepen", &path)? {
            let list_path = join(&path, "samengestelde_groepen");
            let mut count = 0;
            for (index, node) in elements(list, "samengestelde_groep").enumerate() {
                let at = format!("{list_path}/samengestelde_groep[{}]", index + 1);
                groups.insert(reference(node, &at, GroupKind::Combined, kinds)?);
                count += 1;
            }
            if count == 0 {
                return Err(err(
                    list_path,
                    "must list at least one samengestelde_groep when present",
                ));
            }
        }

        let leaving = optional_date(leerling, "uitstroomdatum", &path)?;
        if leaving.is_some_and(|date| date <= reference_date) {
            left.push(key.to_owned());
        } else {
            pupils.push(PupilRecord {
                key: key.to_owned(),
                name,
                date_of_birth,
                parents_separated: false,
                groups,
            });
        }
    }
    if seen.is_empty() {
        return Err(err("leerlingen", "must contain at least one leerling"));
    }
    Ok((pupils, left))
}

#[cfg(test)]
mod tests {
    use crate::edexml::test_support::{DUTCH, date, dutch_with, keys, refused, set, today};
    use crate::edexml::{err, parse};
    use crate::roster::Name;

    #[test]
    fn the_dutch_example_pupils_have_their_names_and_groups() {
        let file = parse(DUTCH, today()).unwrap();
        assert_eq!(keys(&file.pupils), vec!["00001", "00002"]);

        let wimpie = &file.pupils[0];
        assert_eq!(
            wimpie.name,
            Name {
                first_name: "Wimpie".to_owned(),
                name_prefix: Some("imp".to_owned()),
                last_name: "ie".to_owned(),
            }
        );
        assert_eq!(wimpie.date_of_birth, Some(date(2006, 6, 21)));
        assert_eq!(wimpie.groups, set(&["GRP4B", "sg1", "sg2"]));
        assert!(!wimpie.parents_separated);

        let ismael = &file.pupils[1];
        assert_eq!(ismael.name.first_name, "Ismaël", "first of voornamen");
        assert_eq!(ismael.name.name_prefix, None);
        assert_eq!(ismael.name.last_name, "Assati");
        assert_eq!(ismael.date_of_birth, None);
        assert!(ismael.groups.is_empty());
    }

    #[test]
    fn a_pupil_whose_uitstroomdatum_is_before_the_peildatum_has_left() {
        let file = parse(DUTCH, today()).unwrap();
        assert_eq!(file.left, vec!["12345"]);
        assert!(!keys(&file.pupils).contains(&"12345"));

        // Leaving after the peildatum: still at school on the date the file describes.
        let later = dutch_with(
            "<uitstroomdatum>2014-07-18</uitstroomdatum>",
            "<uitstroomdatum>2014-10-02</uitstroomdatum>",
        );
        let file = parse(&later, today()).unwrap();
        assert!(file.left.is_empty());
        assert_eq!(keys(&file.pupils), vec!["00001", "00002", "12345"]);
    }

    #[test]
    fn without_a_peildatum_today_decides_who_has_left() {
        let xml = dutch_with("<peildatum>2014-10-01</peildatum>", "").replacen(
            "<uitstroomdatum>2014-07-18</uitstroomdatum>",
            "<uitstroomdatum>2026-12-01</uitstroomdatum>",
            1,
        );
        let before = parse(&xml, date(2026, 11, 30)).unwrap();
        assert_eq!(before.reference_date, None);
        assert!(before.left.is_empty());
        let on_the_day = parse(&xml, date(2026, 12, 1)).unwrap();
        assert_eq!(on_the_day.left, vec!["12345"]);
    }

    #[test]
    fn a_duplicate_leerling_key_is_refused() {
        let xml = dutch_with("<leerling key=\"00002\">", "<leerling key=\"00001\">");
        assert_eq!(
            refused(&xml),
            err(
                "leerlingen/leerling[2]/@key",
                "this key is already used by another leerling"
            )
        );
    }
}
