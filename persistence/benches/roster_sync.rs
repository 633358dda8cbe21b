//! Roster sync benchmark: a generated board of `--pupils` pupils in schools of
//! `--pupils-per-school`, synced school by school as the API does (validate, then one transaction
//! with the school year, `load_held` and `apply`), synced again unchanged, synced with about 1 % of
//! the records changed, and finally the same rows bulk-inserted with `roster::insert_rows` into a
//! second board of the same database, for comparison.
//!
//! Only one school's snapshot is in memory at a time: it is generated just before its sync and
//! dropped after, so the peak memory should not grow with the size of the board.
//!
//! `cargo bench -p persistence --bench roster_sync -- [--database-url URL] [--pupils N]
//! [--pupils-per-school M]`. Without a URL it uses a SQLite file in a temporary directory; with a
//! `postgres://` URL it creates a database `roster_bench_<pid>` on that server and drops it at the
//! end. See `bench/roster-sync.sh`.

#![allow(clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use domain::roles::StaffRole;
use domain::roster::{
    self, ChildLink, GroupRecord, GuardianRecord, Name, PupilRecord, Snapshot, StaffRecord,
};
use domain::school_year::SchoolYear;
use persistence::guardians::GuardianPupilRow;
use persistence::roster::{self as rows, NewGuardian, NewPupil, NewStaff, PersonName, RosterRows};
use persistence::roster_sync::{Counts, SyncCounts, apply, load_held};
use persistence::{AnyConnection, Backend, Database, DbSettings, RepoError, boards, schools};

type BenchResult<T> = Result<T, Box<dyn Error>>;

const YEAR: SchoolYear = SchoolYear { start_year: 2026 };
/// Pupils per family block; every block has [`GUARDIANS_PER_BLOCK`] guardians (1.8 per pupil).
const BLOCK: usize = 10;
const GUARDIANS_PER_BLOCK: usize = 18;
/// One pupil in this many is renamed, moved, leaves, or is added in the "1 % changes" phase.
const CHANGE_EVERY: usize = 400;
/// One guardian in this many gets a new e-mail address, and as many a new phone number.
const GUARDIAN_CHANGE_EVERY: usize = 225;

// ---------------------------------------------------------------------------------------------
// Arguments

struct Args {
    database_url: Option<String>,
    pupils: usize,
    per_school: usize,
}

const USAGE: &str = "usage: roster_sync [--database-url URL] [--pupils N] [--pupils-per-school M]";

fn parse_args() -> BenchResult<Args> {
    let mut args = Args {
        database_url: None,
        pupils: 100_000,
        per_school: 2_000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--database-url" => args.database_url = Some(value("--database-url")?),
            "--pupils" => args.pupils = value("--pupils")?.replace('_', "").parse()?,
            "--pupils-per-school" => {
                args.per_school = value("--pupils-per-school")?.replace('_', "").parse()?;
            }
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}").into()),
        }
    }
    if args.pupils == 0 || args.per_school == 0 {
        return Err("--pupils and --pupils-per-school must be positive".into());
    }
    Ok(args)
}

// ---------------------------------------------------------------------------------------------
// Deterministic data

const FIRST_NAMES: &[&str] = &[
    "Emma", "Noah", "Julia", "Liam", "Mila", "Luuk", "Tess", "Sem", "Sophie", "Lucas", "Zoë",
    "Finn", "Sara", "Daan", "Nora", "Levi", "Eva", "Milan", "Anna", "Bram", "Lotte", "Jesse",
    "Fleur", "Thijs", "Lieke", "Ruben", "Isa", "Mees", "Roos", "Sven", "Fenna", "Hugo", "Yara",
    "Jens", "Noor", "Teun", "Amira", "Mohamed", "Fatima", "Yusuf", "Ayla", "Omar", "Lina", "Adam",
];

const ADULT_FIRST_NAMES: &[&str] = &[
    "Marieke", "Jeroen", "Sanne", "Bas", "Linda", "Mark", "Esther", "Rob", "Anouk", "Dennis",
    "Femke", "Joost", "Ilse", "Martijn", "Karin", "Erik", "Nadia", "Hassan", "Yasmina", "Ahmed",
    "Petra", "Wouter", "Judith", "Niels", "Mirjam", "Sander", "Chantal", "Ronald",
];

/// (prefix, last name)
const LAST_NAMES: &[(Option<&str>, &str)] = &[
    (None, "Jansen"),
    (Some("de"), "Vries"),
    (Some("van den"), "Berg"),
    (Some("van"), "Dijk"),
    (None, "Bakker"),
    (None, "Visser"),
    (None, "Smit"),
    (None, "Meijer"),
    (Some("de"), "Boer"),
    (None, "Mulder"),
    (Some("de"), "Groot"),
    (None, "Bos"),
    (None, "Vos"),
    (None, "Peters"),
    (None, "Hendriks"),
    (Some("van"), "Leeuwen"),
    (None, "Dekker"),
    (None, "Brouwer"),
    (Some("de"), "Wit"),
    (None, "Dijkstra"),
    (None, "Smits"),
    (Some("de"), "Graaf"),
    (Some("van der"), "Meer"),
    (Some("van der"), "Linden"),
    (None, "Kok"),
    (None, "Jacobs"),
    (Some("de"), "Haan"),
    (None, "Vermeulen"),
    (Some("van den"), "Heuvel"),
    (Some("van der"), "Veen"),
    (None, "El Amrani"),
    (None, "Yilmaz"),
    (None, "Öztürk"),
    (None, "Bouali"),
];

const MAIL_DOMAINS: &[&str] = &[
    "ziggo.example",
    "kpnmail.example",
    "gmail.example",
    "hotmail.example",
    "outlook.example",
    "xs4all.example",
];

/// A stable hash of a few numbers (splitmix64 steps): the same inputs give the same data.
fn mix(parts: &[u64]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    for part in parts {
        h ^= part.wrapping_add(0x9e37_79b9_7f4a_7c15);
        h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        h ^= h >> 31;
    }
    h
}

fn pick<'a, T>(items: &'a [T], parts: &[u64]) -> &'a T {
    let index = usize::try_from(mix(parts) % items.len() as u64).unwrap_or(0);
    &items[index]
}

fn n(value: usize) -> u64 {
    value as u64
}

fn name(first: &str, last: (Option<&str>, &str)) -> Name {
    Name {
        first_name: first.to_owned(),
        name_prefix: last.0.map(str::to_owned),
        last_name: last.1.to_owned(),
    }
}

/// `Marieke de Vries` → `marieke.devries`
fn mail_local(name: &Name) -> String {
    let raw = format!(
        "{}.{}{}",
        name.first_name,
        name.name_prefix.as_deref().unwrap_or(""),
        name.last_name
    );
    raw.to_lowercase()
        .replace(['ë', 'é'], "e")
        .replace('ö', "o")
        .replace('ü', "u")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// The roster as first synced.
    Base,
    /// About 1 % of the records changed.
    Changed,
}

/// The parallel class of a pupil: 8 year groups × classes A, B, C.
fn group_key(year: usize, class: usize) -> String {
    let letter = ['A', 'B', 'C'][class % 3];
    format!("G{year}{letter}")
}

fn groups() -> Vec<GroupRecord> {
    let mut groups = Vec::with_capacity(26);
    for year in 1..=8 {
        for class in 0..3 {
            let key = group_key(year, class);
            groups.push(GroupRecord {
                name: format!("Groep {}", &key[1..]),
                key,
                year_group: i32::try_from(year).ok(),
                combined: false,
            });
        }
    }
    groups.push(GroupRecord {
        key: "C12".to_owned(),
        name: "Instroomgroep 1/2".to_owned(),
        year_group: None,
        combined: true,
    });
    groups.push(GroupRecord {
        key: "C78".to_owned(),
        name: "Plusklas 7/8".to_owned(),
        year_group: None,
        combined: true,
    });
    groups
}

/// The family name of a block slot's family: siblings (slots 0 and 1) share one.
fn family_name(school: usize, block: usize, slot: usize) -> (Option<&'static str>, &'static str) {
    let family = if slot == 1 { 0 } else { slot };
    *pick(LAST_NAMES, &[1, n(school), n(block), n(family)])
}

/// Pupil `index` of a school (`index >= pupils` are the pupils new in the changed variant), or
/// `None` when the pupil is not in that variant's roster.
fn pupil(school: usize, pupils: usize, index: usize, variant: Variant) -> Option<PupilRecord> {
    let changed = variant == Variant::Changed;
    let new = index >= pupils;
    if new && !changed {
        return None;
    }
    if !new && changed && index % CHANGE_EVERY == 3 {
        return None; // left the school
    }
    let (block, slot) = (index / BLOCK, index % BLOCK);
    let year = index % 8 + 1;
    let mut class = (index / 8) % 3;
    if changed && index % CHANGE_EVERY == 2 {
        class += 1; // moved to a parallel class
    }
    let mut groups = BTreeSet::from([group_key(year, class)]);
    if index.is_multiple_of(5) && year <= 2 {
        groups.insert("C12".to_owned());
    }
    if index.is_multiple_of(5) && year >= 7 {
        groups.insert("C78".to_owned());
    }
    let seed = [2, n(school), n(index)];
    let mut first = pick(FIRST_NAMES, &seed).to_string();
    if changed && index % CHANGE_EVERY == 1 {
        // renamed (a corrected spelling, a new call name)
        first = pick(FIRST_NAMES, &[3, n(school), n(index)]).to_string();
        first.push_str("-Marie");
    }
    let born = 2026 - 3 - i32::try_from(year).unwrap_or(0);
    let day = u32::try_from(mix(&seed) % 365).unwrap_or(0) + 1;
    Some(PupilRecord {
        key: if new {
            format!("N{index:06}")
        } else {
            format!("L{index:06}")
        },
        name: name(&first, family_name(school, block, slot)),
        date_of_birth: NaiveDate::from_yo_opt(born, day),
        parents_separated: !new && (slot == 6 || slot == 7),
        groups,
    })
}

/// The 18 guardians of a block of 10 pupils: (pupil slots, relationship, parental authority,
/// household). Siblings share their parents; slot 5 has one parent; slots 6 and 7 have separated
/// parents in two households, slot 6 also a step-parent without parental authority.
const FAMILY: [(&[usize], &str, bool, usize); GUARDIANS_PER_BLOCK] = [
    (&[0, 1], "mother", true, 0),
    (&[0, 1], "father", true, 0),
    (&[2], "mother", true, 2),
    (&[2], "father", true, 2),
    (&[3], "mother", true, 3),
    (&[3], "father", true, 3),
    (&[4], "father", true, 4),
    (&[4], "father", true, 4),
    (&[5], "mother", true, 5),
    (&[6], "mother", true, 6),
    (&[6], "father", true, 16),
    (&[6], "step_parent", false, 6),
    (&[7], "mother", true, 7),
    (&[7], "father", true, 17),
    (&[8], "mother", true, 8),
    (&[8], "guardian", true, 8),
    (&[9], "mother", true, 9),
    (&[9], "father", true, 9),
];

fn guardian_contact(school: usize, ordinal: usize, name: &Name, variant: Variant) -> [String; 2] {
    let changed = variant == Variant::Changed;
    let domain = pick(MAIL_DOMAINS, &[4, n(school), n(ordinal)]);
    let mut local = format!("{}.{school}.{ordinal}", mail_local(name));
    if changed && ordinal % GUARDIAN_CHANGE_EVERY == 50 {
        local.push_str(".nieuw");
    }
    let mut phone = mix(&[5, n(school), n(ordinal)]) % 100_000_000;
    if changed && ordinal % GUARDIAN_CHANGE_EVERY == 150 {
        phone = (phone + 1) % 100_000_000;
    }
    [format!("{local}@{domain}"), format!("06-{phone:08}")]
}

/// Guardian `slot` of family block `block`, with the children present in `variant`; `None` when
/// none of its children is.
fn guardian(
    school: usize,
    pupils: usize,
    block: usize,
    slot: usize,
    variant: Variant,
) -> Option<GuardianRecord> {
    let (children_slots, relationship, authority, household) = FAMILY[slot];
    let children: BTreeMap<String, ChildLink> = children_slots
        .iter()
        .map(|child| block * BLOCK + child)
        .filter(|index| *index < pupils)
        .filter_map(|index| pupil(school, pupils, index, variant))
        .map(|p| {
            let link = ChildLink {
                relationship: relationship.to_owned(),
                parental_authority: authority,
                household: format!("H{block}-{household}"),
            };
            (p.key, link)
        })
        .collect();
    if children.is_empty() {
        return None;
    }
    let ordinal = block * GUARDIANS_PER_BLOCK + slot;
    let first = pick(ADULT_FIRST_NAMES, &[6, n(school), n(ordinal)]);
    // Fathers carry the family name; mothers and others often their own.
    let last = if relationship == "father" || mix(&[7, n(school), n(ordinal)]).is_multiple_of(3) {
        family_name(school, block, children_slots[0])
    } else {
        *pick(LAST_NAMES, &[8, n(school), n(ordinal)])
    };
    let name = name(first, last);
    let [email, phone] = guardian_contact(school, ordinal, &name, variant);
    Some(GuardianRecord {
        key: format!("V{ordinal:06}"),
        // One guardian in a hundred has no e-mail address on file.
        email: (ordinal % 100 != 99).then_some(email),
        phone: Some(phone),
        name,
        children,
    })
}

/// The two guardians of new pupil `index` (changed variant only).
fn new_family(school: usize, index: usize) -> Vec<GuardianRecord> {
    let Some(child) = pupil(school, 0, index, Variant::Changed) else {
        return Vec::new();
    };
    ["mother", "father"]
        .iter()
        .enumerate()
        .map(|(position, relationship)| {
            let ordinal = 9_000_000 + index * 2 + position;
            let first = pick(ADULT_FIRST_NAMES, &[9, n(school), n(ordinal)]);
            let name = Name {
                first_name: (*first).to_owned(),
                name_prefix: child.name.name_prefix.clone(),
                last_name: child.name.last_name.clone(),
            };
            let [email, phone] = guardian_contact(school, ordinal, &name, Variant::Base);
            let link = ChildLink {
                relationship: (*relationship).to_owned(),
                parental_authority: true,
                household: format!("HN{index}"),
            };
            GuardianRecord {
                key: format!("W{ordinal:07}"),
                name,
                email: Some(email),
                phone: Some(phone),
                children: BTreeMap::from([(child.key.clone(), link)]),
            }
        })
        .collect()
}

/// (roles, groups) of staff member `index` of 40.
fn staff_plan(index: usize) -> (Vec<StaffRole>, Vec<String>) {
    match index {
        0 => (vec![StaffRole::Director, StaffRole::SchoolAdmin], vec![]),
        1 => (vec![StaffRole::SchoolAdmin], vec![]),
        2 | 3 => (vec![StaffRole::CareStaff], vec![]),
        4..=27 => {
            let group = index - 4;
            (
                vec![StaffRole::Teacher],
                vec![group_key(group / 3 + 1, group % 3)],
            )
        }
        28 => (vec![StaffRole::Teacher], vec!["C12".to_owned()]),
        29 => (
            vec![StaffRole::Teacher, StaffRole::CareStaff],
            vec!["C78".to_owned()],
        ),
        30..=35 => {
            // part-timers sharing two parallel classes
            let year = index - 29;
            (
                vec![StaffRole::Teacher],
                vec![group_key(year, 0), group_key(year, 1)],
            )
        }
        _ => (vec![StaffRole::LunchSupervisor], vec![]),
    }
}

const STAFF: usize = 40;

fn staff_member(school: usize, index: usize, variant: Variant) -> StaffRecord {
    let (roles, groups) = staff_plan(index);
    let first = pick(ADULT_FIRST_NAMES, &[10, n(school), n(index)]);
    let last = *pick(LAST_NAMES, &[11, n(school), n(index)]);
    let name = name(first, last);
    let mut phone = 1_000_000 + school * 100 + index;
    if variant == Variant::Changed && index == 37 {
        phone += 50;
    }
    StaffRecord {
        key: format!("M{index:04}"),
        email: Some(format!(
            "{}.{index}@bs{school:03}.example",
            mail_local(&name)
        )),
        phone: (index % 7 != 6).then(|| format!("030-{phone:07}")),
        name,
        roles: roles.into_iter().collect(),
        groups: groups.into_iter().collect(),
    }
}

/// What a sync of the changed variant must report, worked out from the generator alone.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Expected {
    pupils: [usize; 3],
    guardians: [usize; 3],
    staff: [usize; 3],
}

fn tally<T: PartialEq>(before: Option<&T>, after: Option<&T>, counts: &mut [usize; 3]) {
    match (before, after) {
        (None, Some(_)) => counts[0] += 1,
        (Some(a), Some(b)) if a != b => counts[1] += 1,
        (Some(_), None) => counts[2] += 1,
        _ => {}
    }
}

/// The snapshot of one school with `pupils` pupils and, for the changed variant, what its sync
/// must report against the base variant.
fn snapshot(school: usize, pupils: usize, variant: Variant) -> (Snapshot, Expected) {
    let mut expected = Expected::default();
    let changed = variant == Variant::Changed;
    let new_pupils = if changed {
        pupils.div_ceil(CHANGE_EVERY)
    } else {
        0
    };
    let mut records = Vec::with_capacity(pupils + new_pupils);
    for index in 0..pupils + new_pupils {
        let record = pupil(school, pupils, index, variant);
        if changed {
            let base = pupil(school, pupils, index, Variant::Base);
            tally(base.as_ref(), record.as_ref(), &mut expected.pupils);
        }
        records.extend(record);
    }
    let mut guardians = Vec::with_capacity(pupils * 2);
    for block in 0..pupils.div_ceil(BLOCK) {
        for slot in 0..GUARDIANS_PER_BLOCK {
            let record = guardian(school, pupils, block, slot, variant);
            if changed {
                let base = guardian(school, pupils, block, slot, Variant::Base);
                tally(base.as_ref(), record.as_ref(), &mut expected.guardians);
            }
            guardians.extend(record);
        }
    }
    for index in pupils..pupils + new_pupils {
        let family = new_family(school, index);
        expected.guardians[0] += family.len();
        guardians.extend(family);
    }
    let staff = (0..STAFF)
        .map(|index| {
            let record = staff_member(school, index, variant);
            if changed {
                let base = staff_member(school, index, Variant::Base);
                tally(Some(&base), Some(&record), &mut expected.staff);
            }
            record
        })
        .collect();
    let snapshot = Snapshot {
        school_year: YEAR.name(),
        groups: groups(),
        pupils: records,
        guardians,
        staff,
        consents: Vec::new(),
    };
    (snapshot, expected)
}

/// Rows the roster consists of in the database: groups, pupils, enrolments, guardians, guardian
/// links, staff, staff roles and staff groups.
fn roster_rows(snapshot: &Snapshot) -> usize {
    snapshot.groups.len()
        + snapshot
            .pupils
            .iter()
            .map(|p| 1 + p.groups.len())
            .sum::<usize>()
        + snapshot
            .guardians
            .iter()
            .map(|g| 1 + g.children.len())
            .sum::<usize>()
        + snapshot
            .staff
            .iter()
            .map(|s| 1 + s.roles.len() + s.groups.len())
            .sum::<usize>()
}

// ---------------------------------------------------------------------------------------------
// Database set-up

/// A PostgreSQL database made for this run, dropped when the run ends (also on failure).
struct ScratchDatabase {
    admin_url: String,
    name: String,
}

impl ScratchDatabase {
    fn create(admin_url: &str) -> BenchResult<(ScratchDatabase, String)> {
        let name = format!("roster_bench_{}", std::process::id());
        let mut admin = PgConnection::establish(admin_url)
            .map_err(|err| format!("PostgreSQL at {admin_url} is not reachable: {err}"))?;
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let url = with_database(admin_url, &name);
        Ok((
            ScratchDatabase {
                admin_url: admin_url.to_owned(),
                name,
            },
            url,
        ))
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        match PgConnection::establish(&self.admin_url) {
            Ok(mut admin) => {
                let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
                if let Err(err) = admin.batch_execute(&sql) {
                    eprintln!("could not drop database {}: {err}", self.name);
                }
            }
            Err(err) => eprintln!("could not drop database {}: {err}", self.name),
        }
    }
}

/// The server URL with its database name replaced.
fn with_database(base: &str, name: &str) -> String {
    let (without_query, query) = match base.split_once('?') {
        Some((url, query)) => (url, Some(query)),
        None => (base, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |i| i + 3);
    let server = match without_query[scheme_end..].find('/') {
        Some(slash) => &without_query[..scheme_end + slash],
        None => without_query,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// A board with `count` schools; their ids.
fn board_with_schools(
    conn: &mut AnyConnection,
    label: &str,
    count: usize,
) -> BenchResult<Vec<String>> {
    let pid = std::process::id();
    persistence::transaction(conn, |conn| {
        let board = boards::insert(conn, &format!("Stichting Roosterbank {pid} ({label})"))?;
        (0..count)
            .map(|index| {
                let row = schools::insert(
                    conn,
                    &schools::NewSchool {
                        board_id: &board.id,
                        name: &format!("Basisschool {index} ({label})"),
                        brin: &format!("{pid}-{label}-{index:03}"),
                        admin_email: Some(&format!("directie@bs{index:03}.example")),
                    },
                )?;
                Ok(row.id)
            })
            .collect::<Result<Vec<_>, RepoError>>()
    })
    .map_err(Into::into)
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// Peak resident set size of this process in MB (VmHWM).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Resets the peak RSS to the current RSS, so the next phase's peak is its own. Linux only;
/// returns whether it worked.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

#[derive(Default)]
struct Phase {
    name: &'static str,
    /// Per school: the timed work (validate + transaction, or row building + transaction).
    per_school: Vec<Duration>,
    generate: Duration,
    validate: Duration,
    /// school_year + load_held
    load: Duration,
    apply: Duration,
    /// The transaction minus load and apply: mostly the commit.
    commit: Duration,
    rows: usize,
    peak_rss_mb: f64,
    /// Bulk phase: `insert_rows` time per table, in [`TABLES`] order.
    tables: [Duration; 7],
}

impl Phase {
    fn new(name: &'static str) -> Phase {
        Phase {
            name,
            ..Phase::default()
        }
    }

    fn total(&self) -> Duration {
        self.per_school.iter().sum()
    }

    fn median_ms(&self) -> f64 {
        let mut sorted = self.per_school.clone();
        sorted.sort();
        let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
        let mid = sorted.len() / 2;
        match (sorted.get(mid.wrapping_sub(1)), sorted.get(mid)) {
            (Some(low), Some(high)) if sorted.len().is_multiple_of(2) => (ms(low) + ms(high)) / 2.0,
            (_, Some(middle)) => ms(middle),
            _ => f64::NAN,
        }
    }

    fn max_ms(&self) -> f64 {
        self.per_school
            .iter()
            .max()
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    }
}

struct SyncTiming {
    counts: SyncCounts,
    validate: Duration,
    load: Duration,
    apply: Duration,
    transaction: Duration,
}

/// One school's sync exactly as the API's `update_school_roster` runs it.
fn sync_school(
    conn: &mut AnyConnection,
    school_id: &str,
    snapshot: Snapshot,
    today: NaiveDate,
) -> BenchResult<SyncTiming> {
    let started = Instant::now();
    let (snapshot, rejected) = roster::validate(snapshot)?;
    if !rejected.is_empty() {
        return Err(format!(
            "the generated snapshot has {} rejected records, first {:?}",
            rejected.len(),
            rejected.first()
        )
        .into());
    }
    let validate = started.elapsed();
    let started = Instant::now();
    let (counts, load, applied) = persistence::transaction(conn, |conn| {
        let t = Instant::now();
        let year_row = rows::school_year(
            conn,
            school_id,
            &YEAR.name(),
            YEAR.starts_on(),
            YEAR.ends_on(),
        )?;
        let held = load_held(conn, school_id, &year_row.id)?;
        let load = t.elapsed();
        let t = Instant::now();
        let counts = apply(conn, school_id, &year_row.id, &snapshot, &held, today)?;
        Ok::<_, RepoError>((counts, load, t.elapsed()))
    })?;
    Ok(SyncTiming {
        counts,
        validate,
        load,
        apply: applied,
        transaction: started.elapsed(),
    })
}

fn triple(c: Counts) -> [usize; 3] {
    [c.created, c.updated, c.deactivated]
}

/// Record counts of one school's snapshot, kept for the checks after the snapshot is gone.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    groups: usize,
    pupils: usize,
    guardians: usize,
    staff: usize,
}

/// The phases that sync: generate each school's snapshot, sync it, check the counts, drop it.
fn sync_phase(
    conn: &mut AnyConnection,
    name: &'static str,
    school_ids: &[String],
    args: &Args,
    variant: Variant,
    check: impl Fn(Sizes, &SyncCounts, &Expected) -> Result<(), String>,
) -> BenchResult<Phase> {
    let mut phase = Phase::new(name);
    let today = chrono::Utc::now().date_naive();
    reset_peak_rss();
    for (school, school_id) in school_ids.iter().enumerate() {
        let pupils = school_pupils(args, school);
        let t = Instant::now();
        let (snapshot, expected) = snapshot(school, pupils, variant);
        phase.generate += t.elapsed();
        phase.rows += roster_rows(&snapshot);
        let sizes = Sizes {
            groups: snapshot.groups.len(),
            pupils: snapshot.pupils.len(),
            guardians: snapshot.guardians.len(),
            staff: snapshot.staff.len(),
        };
        // The snapshot moves into the sync and is dropped there.
        let timing = sync_school(conn, school_id, snapshot, today)?;
        phase.validate += timing.validate;
        phase.load += timing.load;
        phase.apply += timing.apply;
        phase.commit += timing
            .transaction
            .saturating_sub(timing.load + timing.apply);
        phase.per_school.push(timing.validate + timing.transaction);
        check(sizes, &timing.counts, &expected).map_err(|msg| {
            format!(
                "{name}: school {school}: {msg}; sizes {sizes:?}, counts {:?}",
                timing.counts
            )
        })?;
    }
    phase.peak_rss_mb = peak_rss_mb();
    Ok(phase)
}

fn school_pupils(args: &Args, school: usize) -> usize {
    args.pupils
        .saturating_sub(school * args.per_school)
        .min(args.per_school)
}

/// The plain path: the same rows written with `roster::insert_rows`, no diff.
fn bulk_phase(conn: &mut AnyConnection, school_ids: &[String], args: &Args) -> BenchResult<Phase> {
    let mut phase = Phase::new("plain bulk insert");
    reset_peak_rss();
    for (school, school_id) in school_ids.iter().enumerate() {
        let pupils = school_pupils(args, school);
        let t = Instant::now();
        let (snapshot, _) = snapshot(school, pupils, Variant::Base);
        phase.generate += t.elapsed();
        phase.rows += roster_rows(&snapshot);
        let started = Instant::now();
        let (load, tables) = persistence::transaction(conn, |conn| {
            let t = Instant::now();
            let year = rows::insert_school_year(
                conn,
                school_id,
                &YEAR.name(),
                YEAR.starts_on(),
                YEAR.ends_on(),
            )?;
            let mut group_ids = HashMap::new();
            for group in &snapshot.groups {
                let row = rows::insert_group(
                    conn,
                    &rows::NewGroup {
                        school_id,
                        school_year_id: &year.id,
                        las_key: &group.key,
                        name: &group.name,
                        year_group: group.year_group,
                        is_combined: group.combined,
                    },
                )?;
                group_ids.insert(group.key.as_str(), row.id);
            }
            let roster = bind_rows(school_id, &snapshot, &group_ids);
            let load = t.elapsed();
            // One table at a time (the order insert_rows uses), to see where the time goes.
            let mut tables = [Duration::ZERO; 7];
            for (slot, part) in by_table(roster).iter().enumerate() {
                let t = Instant::now();
                rows::insert_rows(conn, part)?;
                tables[slot] = t.elapsed();
            }
            Ok::<_, RepoError>((load, tables))
        })?;
        let elapsed = started.elapsed();
        let insert: Duration = tables.iter().sum();
        phase.load += load;
        phase.apply += insert;
        phase.commit += elapsed.saturating_sub(load + insert);
        for (total, table) in phase.tables.iter_mut().zip(tables) {
            *total += table;
        }
        phase.per_school.push(elapsed);
    }
    phase.peak_rss_mb = peak_rss_mb();
    Ok(phase)
}

const TABLES: [&str; 7] = [
    "pupils",
    "enrolments",
    "guardians",
    "guardian_pupils",
    "staff",
    "staff_roles",
    "staff_groups",
];

/// The rows split per table, in the order `insert_rows` writes them.
fn by_table(all: RosterRows) -> [RosterRows; 7] {
    [
        RosterRows {
            pupils: all.pupils,
            ..RosterRows::default()
        },
        RosterRows {
            enrolments: all.enrolments,
            ..RosterRows::default()
        },
        RosterRows {
            guardians: all.guardians,
            ..RosterRows::default()
        },
        RosterRows {
            guardian_links: all.guardian_links,
            ..RosterRows::default()
        },
        RosterRows {
            staff: all.staff,
            ..RosterRows::default()
        },
        RosterRows {
            staff_roles: all.staff_roles,
            ..RosterRows::default()
        },
        RosterRows {
            staff_groups: all.staff_groups,
            ..RosterRows::default()
        },
    ]
}

fn person(name: &Name) -> PersonName {
    PersonName {
        first_name: name.first_name.clone(),
        name_prefix: name.name_prefix.clone(),
        last_name: name.last_name.clone(),
    }
}

/// The snapshot as rows for `insert_rows`, the way the demo loader builds them.
fn bind_rows(
    school_id: &str,
    snapshot: &Snapshot,
    group_ids: &HashMap<&str, String>,
) -> RosterRows {
    let mut out = RosterRows::default();
    let mut pupil_ids: HashMap<&str, String> = HashMap::with_capacity(snapshot.pupils.len());
    for pupil in &snapshot.pupils {
        let row = rows::pupil_row(NewPupil {
            school_id: school_id.to_owned(),
            las_key: pupil.key.clone(),
            name: person(&pupil.name),
            date_of_birth: pupil.date_of_birth,
            parents_separated: pupil.parents_separated,
        });
        for group in &pupil.groups {
            if let Some(group_id) = group_ids.get(group.as_str()) {
                out.enrolments.push((row.id.clone(), group_id.clone()));
            }
        }
        pupil_ids.insert(&pupil.key, row.id.clone());
        out.pupils.push(row);
    }
    for guardian in &snapshot.guardians {
        let row = rows::guardian_row(NewGuardian {
            school_id: school_id.to_owned(),
            las_key: guardian.key.clone(),
            name: person(&guardian.name),
            email: guardian.email.clone(),
            phone: guardian.phone.clone(),
        });
        for (pupil, link) in &guardian.children {
            if let Some(pupil_id) = pupil_ids.get(pupil.as_str()) {
                out.guardian_links.push(GuardianPupilRow {
                    guardian_id: row.id.clone(),
                    pupil_id: pupil_id.clone(),
                    relationship: link.relationship.clone(),
                    parental_authority: link.parental_authority,
                    household: link.household.clone(),
                });
            }
        }
        out.guardians.push(row);
    }
    for member in &snapshot.staff {
        let row = rows::staff_row(NewStaff {
            school_id: school_id.to_owned(),
            las_key: member.key.clone(),
            name: person(&member.name),
            email: member.email.clone(),
            phone: member.phone.clone(),
        });
        for role in &member.roles {
            out.staff_roles
                .push((row.id.clone(), role.as_str().to_owned()));
        }
        for group in &member.groups {
            if let Some(group_id) = group_ids.get(group.as_str()) {
                out.staff_groups.push((row.id.clone(), group_id.clone()));
            }
        }
        out.staff.push(row);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Report

fn report(backend: &str, args: &Args, schools: usize, guardians: usize, phases: &[Phase]) {
    println!();
    println!(
        "### Roster sync: {backend}, {} pupils, {guardians} guardians, {schools} schools of up to {} pupils",
        args.pupils, args.per_school
    );
    println!();
    println!(
        "| phase | total s | rows/s | median per school ms | max per school ms | peak RSS MB |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for phase in phases {
        let total = phase.total().as_secs_f64();
        println!(
            "| {} | {:.2} | {:.0} | {:.1} | {:.1} | {:.1} |",
            phase.name,
            total,
            phase.rows as f64 / total,
            phase.median_ms(),
            phase.max_ms(),
            phase.peak_rss_mb,
        );
    }
    println!();
    println!(
        "Where the time goes (seconds, summed over schools; sync: load = school_year + load_held, \
         apply = apply; bulk: load = school year + groups + building rows, apply = insert_rows):"
    );
    println!();
    println!("| phase | generate (not timed) | validate | load | apply | commit and rest |");
    println!("|---|---:|---:|---:|---:|---:|");
    for phase in phases {
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            phase.name,
            phase.generate.as_secs_f64(),
            phase.validate.as_secs_f64(),
            phase.load.as_secs_f64(),
            phase.apply.as_secs_f64(),
            phase.commit.as_secs_f64(),
        );
    }
    if let Some(bulk) = phases
        .iter()
        .find(|p| p.tables.iter().any(|t| !t.is_zero()))
    {
        let parts: Vec<String> = TABLES
            .iter()
            .zip(bulk.tables)
            .map(|(table, time)| format!("{table} {:.2}", time.as_secs_f64()))
            .collect();
        println!();
        println!("insert_rows by table (s): {}", parts.join(", "));
    }
    println!();
    println!(
        "rows = the roster's database rows (groups, pupils, enrolments, guardians, guardian links, \
         staff, staff roles, staff groups) per phase; total = validate + transaction per school, \
         summed; peak RSS = VmHWM during the phase."
    );
}

fn main() -> BenchResult<()> {
    let args = parse_args()?;
    let school_count = args.pupils.div_ceil(args.per_school);

    // Kept until the end: the SQLite file's directory, or the PostgreSQL database to drop.
    let (url, backend, _sqlite_dir, _scratch) = match &args.database_url {
        Some(url) if Backend::of_url(url) == Backend::Postgres => {
            let (scratch, url) = ScratchDatabase::create(url)?;
            (url, "PostgreSQL", None, Some(scratch))
        }
        Some(path) => (path.clone(), "SQLite", None, None),
        None => {
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("roster-bench.db");
            (
                path.to_string_lossy().into_owned(),
                "SQLite",
                Some(dir),
                None,
            )
        }
    };
    let db = Database::connect(&DbSettings {
        url: url.clone(),
        pool_size: 1,
        connect_timeout: Duration::from_secs(30),
        statement_timeout: Duration::from_secs(3600),
    })?;
    let mut conn = db.get()?;
    persistence::migrations::run_pending(&mut conn)?;
    let sync_schools = board_with_schools(&mut conn, "sync", school_count)?;
    let bulk_schools = board_with_schools(&mut conn, "bulk", school_count)?;
    let guardians: usize = (0..school_count)
        .map(|s| {
            let pupils = school_pupils(&args, s);
            (0..pupils.div_ceil(BLOCK) * GUARDIANS_PER_BLOCK)
                .filter(|ordinal| {
                    let (block, slot) =
                        (ordinal / GUARDIANS_PER_BLOCK, ordinal % GUARDIANS_PER_BLOCK);
                    FAMILY[slot]
                        .0
                        .iter()
                        .any(|child| block * BLOCK + child < pupils)
                })
                .count()
        })
        .sum();
    eprintln!(
        "{backend}: {} pupils, {guardians} guardians in {school_count} schools; database {url}",
        args.pupils
    );
    if !reset_peak_rss() {
        eprintln!("note: /proc/self/clear_refs is not writable; peak RSS is since start");
    }

    let mut phases = Vec::new();
    eprintln!("initial sync …");
    phases.push(sync_phase(
        &mut conn,
        "initial sync",
        &sync_schools,
        &args,
        Variant::Base,
        |sizes, counts, _| {
            let created = [
                counts.groups.created,
                counts.pupils.created,
                counts.guardians.created,
                counts.staff.created,
            ];
            let updated = counts.pupils.updated + counts.guardians.updated + counts.staff.updated;
            let deactivated =
                counts.pupils.deactivated + counts.guardians.deactivated + counts.staff.deactivated;
            let all = [sizes.groups, sizes.pupils, sizes.guardians, sizes.staff];
            if created != all || updated != 0 || deactivated != 0 {
                return Err("the first sync should only create".to_owned());
            }
            Ok(())
        },
    )?);
    eprintln!("re-sync unchanged …");
    phases.push(sync_phase(
        &mut conn,
        "re-sync unchanged",
        &sync_schools,
        &args,
        Variant::Base,
        |_, counts, _| {
            let kinds = [counts.groups, counts.pupils, counts.guardians, counts.staff];
            if kinds
                .iter()
                .any(|c| c.created + c.updated + c.deactivated != 0)
            {
                return Err(
                    "re-syncing an unchanged snapshot changed records (expected nothing created, \
                     updated or deactivated)"
                        .to_owned(),
                );
            }
            Ok(())
        },
    )?);
    eprintln!("sync with 1 % changes …");
    phases.push(sync_phase(
        &mut conn,
        "1 % changes",
        &sync_schools,
        &args,
        Variant::Changed,
        |_, counts, expected| {
            let got = Expected {
                pupils: triple(counts.pupils),
                guardians: triple(counts.guardians),
                staff: triple(counts.staff),
            };
            if triple(counts.groups) != [0, 0, 0] || got != *expected {
                return Err(format!(
                    "[created, updated, deactivated] differ from the changes made: expected \
                     {expected:?}, got {got:?}"
                ));
            }
            Ok(())
        },
    )?);
    eprintln!("plain bulk insert …");
    phases.push(bulk_phase(&mut conn, &bulk_schools, &args)?);

    report(backend, &args, school_count, guardians, &phases);
    drop(conn);
    drop(db);
    Ok(())
}
