//! The `school` header: `schooljaar` and `brincode`.

use roxmltree::Node;

use crate::school_year::SchoolYear;

use super::xml::{optional_text, required_text, single};
use super::{EdexError, err};

pub(super) fn read_school_year(school: Node) -> Result<String, EdexError> {
    let raw = required_text(school, "schooljaar", "school")?;
    SchoolYear::parse(&raw)
        .map(SchoolYear::name)
        .ok_or_else(|| {
            err(
                "school/schooljaar",
                "must be two consecutive years, e.g. 2026-2027",
            )
        })
}

pub(super) fn read_brin(school: Node) -> Result<String, EdexError> {
    let Some(raw) = optional_text(school, "brincode", "school")? else {
        let message = if single(school, "instellingsnummer", "school")?.is_some() {
            "is required: this is a Flemish file (instellingsnummer), and the portal only serves \
             Dutch schools identified by their BRIN code"
        } else {
            "is required: the portal identifies a school by its BRIN code"
        };
        return Err(err("school/brincode", message));
    };
    let bytes = raw.as_bytes();
    let valid = bytes.len() == 4
        && bytes[..2].iter().all(u8::is_ascii_digit)
        && bytes[2..].iter().all(u8::is_ascii_uppercase);
    if valid {
        Ok(raw)
    } else {
        Err(err(
            "school/brincode",
            "must be two digits and two capital letters, e.g. 12AB",
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::edexml::test_support::{DUTCH, FLEMISH, date, dutch_with, refused, today};
    use crate::edexml::{err, parse};

    #[test]
    fn the_dutch_example_school_header_is_read() {
        let file = parse(DUTCH, today()).unwrap();
        assert_eq!(file.school_year, "2014-2015");
        assert_eq!(file.brin, "99ZZ");
        assert_eq!(file.dependance, None, "00 means no dependance (XSD note)");
        assert_eq!(file.reference_date, Some(date(2014, 10, 1)));
    }

    #[test]
    fn a_school_year_after_the_xsd_list_is_accepted() {
        let xml = dutch_with("2014-2015", "2027-2028");
        assert_eq!(parse(&xml, today()).unwrap().school_year, "2027-2028");
    }

    #[test]
    fn a_missing_school_or_schooljaar_is_refused() {
        let xml = dutch_with("<schooljaar>2014-2015</schooljaar>", "");
        assert_eq!(
            refused(&xml),
            err("school/schooljaar", "is required but missing")
        );
        let start = DUTCH.find("<school>").unwrap();
        let end = DUTCH.find("</school>").unwrap() + "</school>".len();
        let no_school = format!("{}{}", &DUTCH[..start], &DUTCH[end..]);
        assert_eq!(refused(&no_school).location, "school");
    }

    #[test]
    fn a_schooljaar_of_years_that_do_not_follow_is_refused() {
        for bad in ["2027-2029", "2027", "27-28", "2027/2028", ""] {
            let xml = dutch_with(
                "<schooljaar>2014-2015</schooljaar>",
                &format!("<schooljaar>{bad}</schooljaar>"),
            );
            assert_eq!(refused(&xml).location, "school/schooljaar", "{bad:?}");
        }
    }

    #[test]
    fn a_bad_brincode_is_refused() {
        for bad in ["99zz", "9ZZZ", "99ZZ1", "99ZZ01", "99 ZZ", ""] {
            let xml = dutch_with(
                "<brincode>99ZZ</brincode>",
                &format!("<brincode>{bad}</brincode>"),
            );
            assert_eq!(refused(&xml).location, "school/brincode", "{bad:?}");
        }
        let xml = dutch_with(
            "<dependancecode>00</dependancecode>",
            "<dependancecode>1</dependancecode>",
        );
        assert_eq!(refused(&xml).location, "school/dependancecode");
        let xml = dutch_with(
            "<dependancecode>00</dependancecode>",
            "<dependancecode>01</dependancecode>",
        );
        assert_eq!(
            parse(&xml, today()).unwrap().dependance.as_deref(),
            Some("01")
        );
    }

    #[test]
    fn the_flemish_example_is_refused_for_lacking_a_brin() {
        let error = refused(FLEMISH);
        assert_eq!(error.location, "school/brincode");
        assert!(error.message.contains("Flemish"), "{}", error.message);

        // What else differs: a leerling and a leerkracht with only a roepnaam (the XSD allows
        // it; roster::validate rejects those records, not the file).
        let with_brin = FLEMISH.replacen(
            "<instellingsnummer>1234</instellingsnummer>",
            "<brincode>12AB</brincode>",
            1,
        );
        let file = parse(&with_brin, today()).unwrap();
        assert_eq!(file.pupils[0].name.last_name, "");
        let with_surname = with_brin.replacen(
            "<roepnaam>Wimpie</roepnaam>",
            "<achternaam>Plas</achternaam><roepnaam>Wimpie</roepnaam>",
            1,
        );
        let file = parse(&with_surname, today()).unwrap();
        assert_eq!(file.left, vec!["12345"]);
        assert_eq!(file.groups.len(), 7);
        let lia = &file.staff[2];
        assert_eq!(
            (lia.name.first_name.as_str(), lia.name.last_name.as_str()),
            ("Lia", "")
        );
        assert!(lia.roles.is_empty() && lia.groups.is_empty());
        assert!(
            !format!("{file:?}").contains("13345678512"),
            "rijksregisternummer"
        );
    }
}
