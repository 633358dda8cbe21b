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

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use roxmltree::{Document, Node, ParsingOptions, TextPos};

use crate::roles::StaffRole;
use crate::roster::{GroupRecord, Name, PupilRecord, StaffRecord};
use crate::school_year::SchoolYear;

/// The largest file accepted. A 2,000-pupil school exports 2-4 MB; eight times that leaves room
/// for big schools and verbose exporters while keeping the DOM's memory bounded.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// roxmltree has no node limit of its own (its default is `u32::MAX`); a 2,000-pupil file has
/// roughly 150,000 nodes. Nesting needs no limit: roxmltree parses iteratively and this module
/// only looks at fixed depths. DTDs (entity bombs) are refused by roxmltree's default options.
const MAX_NODES: u32 = 2_000_000;

/// `EDEXKeyType`: 1 to 256 characters.
const MAX_KEY_CHARS: usize = 256;

/// `EDEXJaargroepType`: the values a `groep/jaargroep` may have.
const JAARGROEPEN: [&str; 22] = [
    "B", "D", "0", "1", "2", "3", "4", "5", "6", "7", "8", "11", "12", "13", "14", "15", "16", "S",
    "V", "C", "N", "H",
];

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

/// A syntax error located by line and column. roxmltree's own messages can quote tag names or
/// entity names from the file, so fixed wording is used instead.
fn syntax_error(xml: &str, error: &roxmltree::Error) -> EdexError {
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

fn read_school_year(school: Node) -> Result<String, EdexError> {
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

fn read_brin(school: Node) -> Result<String, EdexError> {
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

/// `groep` and `samengestelde_groep` keys share one key space, but the XSD's keyrefs tell them
/// apart: a `groep` reference must name a `groep`, a `samengestelde_groep` one a
/// `samengestelde_groep`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupKind {
    Plain,
    Combined,
}

type GroupKinds<'a> = HashMap<&'a str, GroupKind>;

fn read_groups<'a>(root: Node<'a, '_>) -> Result<(Vec<GroupRecord>, GroupKinds<'a>), EdexError> {
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

fn read_pupils(
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

fn read_staff(root: Node, kinds: &GroupKinds) -> Result<Vec<StaffRecord>, EdexError> {
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

/// first_name: `roepnaam`, else the first of `voornamen`, else `voorletters-1`, else empty.
/// A missing `achternaam` (the XSD allows it) leaves the surname empty: roster::validate then
/// rejects that one record with its reason, rather than one record stopping the whole school's
/// sync (the JSON snapshot works the same way).
fn read_name(node: Node, path: &str) -> Result<Name, EdexError> {
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

/// The key of a group reference, which must name a declared group of the right kind.
fn reference(
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

/// A `key` attribute (`EDEXKeyType`): required, 1 to 256 characters. Blank keys are refused too,
/// since a key that looks empty cannot be matched on. Keys are not trimmed: they are the LAS's
/// identifiers, compared exactly.
fn key<'a>(node: Node<'a, '_>, path: &str) -> Result<&'a str, EdexError> {
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

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}/{child}")
    }
}

fn elements<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |child| child.is_element() && child.tag_name().name() == name)
}

/// The child element `name`, which the XSD allows at most once.
fn single<'a, 'i>(
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

fn required<'a, 'i>(
    parent: Node<'a, 'i>,
    name: &'static str,
    parent_path: &str,
) -> Result<Node<'a, 'i>, EdexError> {
    single(parent, name, parent_path)?
        .ok_or_else(|| err(join(parent_path, name), "is required but missing"))
}

/// The element's own text, trimmed. Simple EDEXML elements hold one text node (CDATA included).
fn text_of<'a>(node: Node<'a, '_>) -> &'a str {
    node.text().unwrap_or_default().trim()
}

/// The trimmed text of an optional element; absent and empty are both `None`.
fn optional_text(
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
fn required_text(parent: Node, name: &'static str, parent_path: &str) -> Result<String, EdexError> {
    let node = required(parent, name, parent_path)?;
    match text_of(node) {
        "" => Err(err(join(parent_path, name), "must not be empty")),
        text => Ok(text.to_owned()),
    }
}

fn optional_date(
    parent: Node,
    name: &'static str,
    parent_path: &str,
) -> Result<Option<NaiveDate>, EdexError> {
    let Some(node) = single(parent, name, parent_path)? else {
        return Ok(None);
    };
    xs_date(text_of(node)).map(Some).ok_or_else(|| {
        err(
            join(parent_path, name),
            "is not a valid date like 2014-10-01",
        )
    })
}

/// An `xs:date`: `YYYY-MM-DD` that exists in the calendar, optionally followed by a time zone
/// (`Z` or `+01:00`), which says nothing about the day and is ignored.
fn xs_date(raw: &str) -> Option<NaiveDate> {
    let (date, zone) = raw.split_at_checked(10)?;
    let (year, rest) = date.split_at_checked(4)?;
    let (month, day) = rest.strip_prefix('-')?.split_once('-')?;
    if !is_ascii_digits(year, 4) || !is_ascii_digits(month, 2) || !is_ascii_digits(day, 2) {
        return None;
    }
    let zone_ok = match zone {
        "" | "Z" => true,
        _ => zone
            .strip_prefix(['+', '-'])
            .and_then(|offset| offset.split_once(':'))
            .is_some_and(|(hours, minutes)| {
                is_ascii_digits(hours, 2)
                    && is_ascii_digits(minutes, 2)
                    && hours <= "14"
                    && minutes <= "59"
            }),
    };
    if !zone_ok {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

fn is_ascii_digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUTCH: &str = include_str!("../../tests/fixtures/edexml/EDEXML.Voorbeeld.2.1.xml");
    const FLEMISH: &str = include_str!("../../tests/fixtures/edexml/EDEXML.Voorbeeld.2.1-Vla.xml");

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The Dutch example with `from` replaced by `to`; `from` must occur, so the edit is real.
    fn dutch_with(from: &str, to: &str) -> String {
        assert!(DUTCH.contains(from), "the fixture has no {from:?}");
        DUTCH.replacen(from, to, 1)
    }

    fn refused(xml: &str) -> EdexError {
        parse(xml, today()).unwrap_err()
    }

    fn keys<T: crate::roster::Keyed>(records: &[T]) -> Vec<&str> {
        records.iter().map(|r| r.key()).collect()
    }

    fn set(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn the_dutch_example_school_header_is_read() {
        let file = parse(DUTCH, today()).unwrap();
        assert_eq!(file.school_year, "2014-2015");
        assert_eq!(file.brin, "99ZZ");
        assert_eq!(file.dependance, None, "00 means no dependance (XSD note)");
        assert_eq!(file.reference_date, Some(date(2014, 10, 1)));
    }

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

    #[test]
    fn a_school_year_after_the_xsd_list_is_accepted() {
        let xml = dutch_with("2014-2015", "2027-2028");
        assert_eq!(parse(&xml, today()).unwrap().school_year, "2027-2028");
    }

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
    fn a_leerling_without_achternaam_is_one_rejected_record_not_a_refused_file() {
        let xml = dutch_with("<achternaam>Assati</achternaam>", "");
        let file = parse(&xml, today()).unwrap();
        let snapshot = crate::roster::Snapshot {
            school_year: file.school_year,
            groups: file.groups,
            pupils: file.pupils,
            guardians: Vec::new(),
            staff: file.staff,
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

    #[test]
    fn a_bad_geboortedatum_is_refused() {
        for bad in [
            "2006-02-30",
            "21-06-2006",
            "2006-6-21",
            "2006-06-21T00:00:00",
            "",
        ] {
            let xml = dutch_with(
                "<geboortedatum>2006-06-21</geboortedatum>",
                &format!("<geboortedatum>{bad}</geboortedatum>"),
            );
            assert_eq!(
                refused(&xml),
                err(
                    "leerlingen/leerling[1]/geboortedatum",
                    "is not a valid date like 2014-10-01"
                ),
                "{bad:?}"
            );
        }
        let with_zone = dutch_with(
            "<geboortedatum>2006-06-21</geboortedatum>",
            "<geboortedatum>2006-06-21+02:00</geboortedatum>",
        );
        assert_eq!(
            parse(&with_zone, today()).unwrap().pupils[0].date_of_birth,
            Some(date(2006, 6, 21))
        );
    }

    #[test]
    fn a_group_needs_a_naam_and_a_known_jaargroep() {
        let xml = dutch_with("<jaargroep>0</jaargroep>", "<jaargroep>9</jaargroep>");
        assert_eq!(refused(&xml).location, "groepen/groep[1]/jaargroep");
        let xml = dutch_with("<naam>Muizen</naam>", "");
        assert_eq!(refused(&xml).location, "groepen/groep[2]/naam");
    }

    #[test]
    fn an_element_allowed_once_may_not_occur_twice() {
        let xml = dutch_with(
            "<achternaam>ie</achternaam>",
            "<achternaam>ie</achternaam><achternaam>ander</achternaam>",
        );
        assert_eq!(refused(&xml).location, "leerlingen/leerling[1]/achternaam");
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

    #[test]
    fn absurd_input_is_refused_before_parsing() {
        let huge = format!("<EDEX>{}</EDEX>", " ".repeat(MAX_INPUT_BYTES));
        assert_eq!(refused(&huge).location, "document");
        let dtd = "<!DOCTYPE EDEX [<!ENTITY a \"x\">]><EDEX/>";
        assert_eq!(refused(dtd).location, "document");
    }
}
