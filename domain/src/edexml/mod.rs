//! EDEXML 2.1 import: reads the Dutch LAS exchange file (Edustandaard) into the roster records the
//! sync works with. Pure: the caller hands over the text and "today"; nothing is read or written.
//!
//! The whole file is accepted or refused: a fault in its structure (see [`parse`]) would make a
//! sync deactivate or mislink people, so nothing of a broken file may be applied. Faults in single
//! records that the portal can still reason about (an empty first name, a bad e-mail address) are
//! left to [`crate::roster::validate`], which drops that record and reports it.
//!
//! Strict on structure, lenient on lists that grow: `schooljaar` is any consecutive year pair
//! (the 2.1 XSD's enumeration stops at 2024-2025), and unknown `rol` codes are ignored (2.1 added
//! `TAL`; a later version may add more). Element order is not checked; unknown elements are ignored.
//!
//! Privacy by design: only what the portal holds is copied out. BSN, onderwijsnummer, eckid,
//! postcode, country of birth, gender, weight and free comments never leave this module, and error
//! messages name an element path, never a value from the file.
//!
//! Flemish files (EDEXML 2.1 Vlaanderen) identify the school by `instellingsnummer` instead of
//! `brincode`. The portal serves Dutch schools keyed by BRIN, so such a file is refused at
//! `school/brincode` with a message saying why.

mod dates;
mod groups;
mod names;
mod pupils;
mod school;
mod staff;
mod syntax;
#[cfg(test)]
mod test_support;
mod xml;

use chrono::NaiveDate;
use roxmltree::{Document, ParsingOptions};

use crate::roster::{GroupRecord, PupilRecord, StaffRecord};

use self::dates::{is_ascii_digits, optional_date};
use self::groups::read_groups;
use self::pupils::read_pupils;
use self::school::{read_brin, read_school_year};
use self::staff::read_staff;
use self::syntax::syntax_error;
use self::xml::{optional_text, required};

/// The largest file accepted. A 2,000-pupil school exports 2-4 MB; eight times that leaves room
/// for big schools and verbose exporters while keeping the DOM's memory bounded.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// roxmltree has no node limit of its own (its default is `u32::MAX`); a 2,000-pupil file has
/// roughly 150,000 nodes. Nesting needs no limit: roxmltree parses iteratively and this module
/// only looks at fixed depths. DTDs (entity bombs) are refused by roxmltree's default options.
const MAX_NODES: u32 = 2_000_000;

/// What the portal takes from one EDEXML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdexFile {
    /// `schooljaar`, normalised like `2014-2015`.
    pub school_year: String,
    /// `brincode`: two digits and two capitals, e.g. `99ZZ`.
    pub brin: String,
    /// `dependancecode`; `00` means the same as absent (XSD note), so it is `None` too.
    pub dependance: Option<String>,
    /// `peildatum`: the date the file describes.
    pub reference_date: Option<NaiveDate>,
    /// `groep` (`combined: false`) and `samengestelde_groep` (`combined: true`), in file order.
    pub groups: Vec<GroupRecord>,
    /// Pupils still at school on the reference date; `parents_separated` is always `false`
    /// because EDEXML does not know it (the caller merges it from the guardian data).
    pub pupils: Vec<PupilRecord>,
    /// Keys of pupils whose `uitstroomdatum` is on or before the reference date (`peildatum`, or
    /// today when absent). They have left, so they are not in `pupils`.
    pub left: Vec<String>,
    /// `leerkrachten`; `phone` is always `None` (EDEXML has none).
    pub staff: Vec<StaffRecord>,
}

impl EdexFile {
    /// Whether the file is of the school with this BRIN. A school's code may carry a two-digit
    /// location number (`12AB01`): then the file's `dependancecode` must be that location; a
    /// school registered without one takes the files of any of its locations.
    pub fn is_for_school(&self, school_brin: &str) -> bool {
        let with_location = format!("{}{}", self.brin, self.dependance.as_deref().unwrap_or(""));
        school_brin.eq_ignore_ascii_case(&with_location)
            || (school_brin.len() == 4 && school_brin.eq_ignore_ascii_case(&self.brin))
    }
}

/// Why a file was refused as a whole. Never carries a value from the file (names, BSN, keys).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct EdexError {
    /// `line 12, column 5` for XML syntax errors, an element path below `EDEX` such as
    /// `leerlingen/leerling[2]/achternaam` (1-based index) for structural ones, `/` for the root,
    /// or `document` for faults of the file as a whole.
    pub location: String,
    /// Plain English, fit to show to the school's administrator.
    pub message: String,
}

fn err(location: impl Into<String>, message: impl Into<String>) -> EdexError {
    EdexError {
        location: location.into(),
        message: message.into(),
    }
}

/// Reads an EDEXML 2.1 file. `today` decides who has left when the file has no `peildatum`.
///
/// Refused as a whole (`Err`): malformed XML; a root other than `EDEX`; a missing `school`,
/// `schooljaar`, `brincode` or `leerlingen`; an ill-formed `schooljaar`, `brincode`,
/// `dependancecode` or date that is read; a missing, empty or over-long `key` where the XSD
/// requires one; a key used twice among the groups (`groep` and `samengestelde_groep` share one
/// key space), pupils or staff; a group without `naam` or (for `groep`) a valid `jaargroep`; a
/// reference to a group that `groepen` does not declare as the
/// right kind; an element that may occur once occurring twice; an empty list the XSD requires
/// to have members.
pub fn parse(xml: &str, today: NaiveDate) -> Result<EdexFile, EdexError> {
    if xml.len() > MAX_INPUT_BYTES {
        return Err(err(
            "document",
            format!(
                "the file is larger than {} MiB, far more than any school's export",
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        ));
    }
    let options = ParsingOptions {
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(xml, options).map_err(|e| syntax_error(xml, &e))?;
    let root = doc.root_element();
    if root.tag_name().name() != "EDEX" {
        return Err(err(
            "/",
            "the root element must be EDEX; this is not an EDEXML file",
        ));
    }

    let school = required(root, "school", "")?;
    let school_year = read_school_year(school)?;
    let brin = read_brin(school)?;
    let dependance = match optional_text(school, "dependancecode", "school")? {
        Some(code) if !is_ascii_digits(&code, 2) => {
            return Err(err("school/dependancecode", "must be two digits, e.g. 01"));
        }
        Some(code) if code == "00" => None,
        other => other,
    };
    let reference_date = optional_date(school, "peildatum", "school")?;

    let (groups, kinds) = read_groups(root)?;
    let (pupils, left) = read_pupils(root, &kinds, reference_date.unwrap_or(today))?;
    let staff = read_staff(root, &kinds)?;

    Ok(EdexFile {
        school_year,
        brin,
        dependance,
        reference_date,
        groups,
        pupils,
        left,
        staff,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edexml::test_support::{DUTCH, dutch_with, refused, today};

    #[test]
    fn a_root_other_than_edex_is_refused() {
        let xml = dutch_with("<EDEX ", "<EDEXML ").replacen("</EDEX>", "</EDEXML>", 1);
        assert_eq!(
            refused(&xml),
            err(
                "/",
                "the root element must be EDEX; this is not an EDEXML file"
            )
        );
    }

    #[test]
    fn absurd_input_is_refused_before_parsing() {
        let huge = format!("<EDEX>{}</EDEX>", " ".repeat(MAX_INPUT_BYTES));
        assert_eq!(refused(&huge).location, "document");
        let dtd = "<!DOCTYPE EDEX [<!ENTITY a \"x\">]><EDEX/>";
        assert_eq!(refused(dtd).location, "document");
    }

    #[test]
    fn a_file_is_matched_to_its_school_by_brin_and_location() {
        let file = parse(DUTCH, today()).unwrap();
        assert!(file.is_for_school("99ZZ"));
        assert!(file.is_for_school("99zz"));
        assert!(!file.is_for_school("99ZY"));
        assert!(
            !file.is_for_school("99ZZ01"),
            "the example has no location (00)"
        );
        let located = parse(
            &DUTCH.replace(
                "<dependancecode>00</dependancecode>",
                "<dependancecode>01</dependancecode>",
            ),
            today(),
        )
        .unwrap();
        assert!(located.is_for_school("99ZZ01"));
        assert!(located.is_for_school("99ZZ"));
        assert!(!located.is_for_school("99ZZ02"));
    }

    #[test]
    fn nothing_the_portal_does_not_hold_reaches_the_output() {
        let file = parse(DUTCH, today()).unwrap();
        let debug = format!("{file:?}");
        for private in [
            "133456785",  // bsn
            "2731",       // bsn_ondwnr-4
            "id.school",  // eckid
            "6971VB",     // postcode
            "Vestiging",  // vestigingen
            "Opmerking",  // toevoegingen
            "Manusje",    // rolomschrijving
            "Hof",        // the pupil who left
            "2010-08-19", // instroomdatum
            "2013-08-16", // start_ondw_jgr3
            "41323",      // schoolkey
            "Geert",      // auteur
        ] {
            assert!(!debug.contains(private), "{private} leaked");
        }
    }
}
