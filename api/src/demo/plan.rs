//! The demo data set, generated deterministically before anything is written.

use chrono::NaiveDate;
use domain::roles::StaffRole;
use domain::school_year::SchoolYear;
use persistence::guardians::{GuardianPupilRow, GuardianRow};
use persistence::pupils::PupilRow;
use persistence::roster::{self, NewGuardian, NewPupil, NewStaff, PersonName, RosterRows};
use persistence::staff::StaffRow;

use super::names::{ADULT_FIRST_NAMES, Dice, FIRST_NAMES, LAST_NAMES, mail_local};
use super::{DemoAccount, OPERATOR_EMAIL, OPERATOR_PASSWORD, PERSON_PASSWORD};

const PUPILS_PER_SCHOOL: usize = 167;
const YEAR: SchoolYear = SchoolYear { start_year: 2026 };

pub struct BoardPlan {
    pub name: String,
    pub admin_email: String,
}

pub struct GroupPlan {
    pub las_key: String,
    pub name: String,
    pub year_group: Option<i32>,
    pub is_combined: bool,
}

pub struct SchoolPlan {
    pub board: String,
    pub name: String,
    pub brin: String,
    pub admin_email: String,
    pub year: SchoolYear,
    pub groups: Vec<GroupPlan>,
    pub rows: PlannedRows,
    /// (role, e-mail) of the people of this school who get an account.
    pub logins: Vec<(String, String)>,
}

/// Rows of one school; schools and groups are referred to by position until they exist.
#[derive(Default)]
pub struct PlannedRows {
    pub pupils: Vec<PupilRow>,
    /// (pupil index, group index)
    pub enrolments: Vec<(usize, usize)>,
    pub guardians: Vec<GuardianRow>,
    pub guardian_links: Vec<GuardianPupilRow>,
    pub staff: Vec<StaffRow>,
    pub staff_roles: Vec<(usize, StaffRole)>,
    /// (staff index, group index)
    pub staff_groups: Vec<(usize, usize)>,
}

impl PlannedRows {
    /// The rows with the real school and group ids filled in.
    pub fn bind(&self, school_id: &str, group_ids: &[String]) -> RosterRows {
        let mut pupils = self.pupils.clone();
        pupils
            .iter_mut()
            .for_each(|r| r.school_id = school_id.to_owned());
        let mut guardians = self.guardians.clone();
        guardians
            .iter_mut()
            .for_each(|r| r.school_id = school_id.to_owned());
        let mut staff = self.staff.clone();
        staff
            .iter_mut()
            .for_each(|r| r.school_id = school_id.to_owned());
        RosterRows {
            pupils,
            enrolments: self
                .enrolments
                .iter()
                .map(|(p, g)| (self.pupils[*p].id.clone(), group_ids[*g].clone()))
                .collect(),
            guardians,
            guardian_links: self.guardian_links.clone(),
            staff,
            staff_roles: self
                .staff_roles
                .iter()
                .map(|(s, role)| (self.staff[*s].id.clone(), role.as_str().to_owned()))
                .collect(),
            staff_groups: self
                .staff_groups
                .iter()
                .map(|(s, g)| (self.staff[*s].id.clone(), group_ids[*g].clone()))
                .collect(),
        }
    }
}

pub struct DemoPlan {
    pub boards: Vec<BoardPlan>,
    pub schools: Vec<SchoolPlan>,
}

const BOARDS: [(&str, &str); 2] = [
    (
        "Stichting Openbaar Onderwijs De Linde",
        "bestuur@delinde.example",
    ),
    (
        "Vereniging Christelijk Onderwijs Het Anker",
        "bestuur@hetanker.example",
    ),
];

/// (board index, name, BRIN, mail domain)
const SCHOOLS: [(usize, &str, &str, &str); 3] = [
    (0, "OBS De Linde", "12AB", "obsdelinde.example"),
    (0, "OBS Het Kompas", "13CD", "obshetkompas.example"),
    (1, "CBS Het Anker", "14EF", "cbshetanker.example"),
];

impl DemoPlan {
    pub fn generate() -> DemoPlan {
        let mut dice = Dice::new(2026);
        let boards = BOARDS
            .iter()
            .map(|(name, admin_email)| BoardPlan {
                name: (*name).to_owned(),
                admin_email: (*admin_email).to_owned(),
            })
            .collect();
        let mut schools: Vec<SchoolPlan> = SCHOOLS
            .iter()
            .enumerate()
            .map(|(index, (board, name, brin, domain))| {
                school(&mut dice, index, BOARDS[*board].0, name, brin, domain)
            })
            .collect();
        add_families_at_two_schools(&mut dice, &mut schools);
        DemoPlan { boards, schools }
    }

    /// Every account of the data set, for the credentials file.
    pub fn accounts(&self) -> Vec<DemoAccount> {
        let mut accounts = vec![DemoAccount::person(
            "platform_operator".to_owned(),
            None,
            None,
            OPERATOR_EMAIL.to_owned(),
            OPERATOR_PASSWORD.to_owned(),
        )];
        for board in &self.boards {
            accounts.push(DemoAccount::person(
                "board_admin".to_owned(),
                Some(board.name.clone()),
                None,
                board.admin_email.clone(),
                PERSON_PASSWORD.to_owned(),
            ));
        }
        for school in &self.schools {
            for (role, email) in &school.logins {
                accounts.push(DemoAccount::person(
                    role.clone(),
                    Some(school.board.clone()),
                    Some(school.name.clone()),
                    email.clone(),
                    PERSON_PASSWORD.to_owned(),
                ));
            }
        }
        accounts
    }

    /// The e-mail addresses of staff and guardians who get an account, each once.
    pub fn login_emails(&self) -> Vec<String> {
        let mut emails: Vec<String> = self
            .schools
            .iter()
            .flat_map(|s| s.logins.iter().map(|(_, e)| e.clone()))
            .collect();
        emails.sort();
        emails.dedup();
        emails
    }
}

fn person(dice: &mut Dice, first_names: &[&str], last: (Option<&str>, &str)) -> PersonName {
    PersonName {
        first_name: (*dice.pick(first_names)).to_owned(),
        name_prefix: last.0.map(str::to_owned),
        last_name: last.1.to_owned(),
    }
}

fn school(
    dice: &mut Dice,
    index: usize,
    board: &str,
    name: &str,
    brin: &str,
    domain: &str,
) -> SchoolPlan {
    let mut groups: Vec<GroupPlan> = (1..=8)
        .map(|year| GroupPlan {
            las_key: format!("G{index}-{year}"),
            name: format!("Groep {year}"),
            year_group: Some(year),
            is_combined: false,
        })
        .collect();
    groups.push(GroupPlan {
        las_key: format!("G{index}-78"),
        name: "Groep 7/8 combi".to_owned(),
        year_group: None,
        is_combined: true,
    });
    let combined = groups.len() - 1;

    let mut rows = PlannedRows::default();
    let mut logins = Vec::new();
    let mut family = 0;
    while rows.pupils.len() < PUPILS_PER_SCHOOL {
        add_family(dice, index, family, &mut rows, combined);
        family += 1;
    }
    // Two guardians of different families sign in; family 4 is separated.
    for family_index in [0, 4] {
        let key = format!("V{index}-{family_index}-A");
        if let Some(email) = rows
            .guardians
            .iter()
            .find(|g| g.las_key == key)
            .and_then(|g| g.email.clone())
        {
            logins.push(("guardian".to_owned(), email));
        }
    }

    let staff_plan: Vec<(StaffRole, Option<usize>)> =
        std::iter::once((StaffRole::SchoolAdmin, None))
            .chain(std::iter::once((StaffRole::Director, None)))
            .chain((0..8).map(|g| (StaffRole::Teacher, Some(g))))
            .chain([
                (StaffRole::CareStaff, None),
                (StaffRole::LunchSupervisor, None),
            ])
            .collect();
    for (position, (role, group)) in staff_plan.into_iter().enumerate() {
        let last = *dice.pick(LAST_NAMES);
        let name = person(dice, ADULT_FIRST_NAMES, last);
        let email = format!("{}@{domain}", mail_local(&name.first_name, last.0, last.1));
        let row = roster::staff_row(NewStaff {
            school_id: String::new(),
            las_key: format!("M{index}-{position}"),
            name,
            email: Some(email.clone()),
            phone: Some(format!("030-{:07}", 1_000_000 + index * 1000 + position)),
        });
        let staff_index = rows.staff.len();
        rows.staff.push(row);
        rows.staff_roles.push((staff_index, role));
        if let Some(group) = group {
            rows.staff_groups.push((staff_index, group));
            // The teacher of group 7 also teaches the combined group.
            if group == 6 {
                rows.staff_groups.push((staff_index, combined));
            }
        }
        // One account of every role; the teacher of group 1 stands for the teachers.
        if group.is_none() || group == Some(0) {
            logins.push((role.as_str().to_owned(), email));
        }
    }

    SchoolPlan {
        board: board.to_owned(),
        name: name.to_owned(),
        brin: brin.to_owned(),
        admin_email: format!("administratie@{domain}"),
        year: YEAR,
        groups,
        rows,
        logins,
    }
}

/// A family: one to three children, two guardians (one in some families); every ninth family is
/// separated, its guardians in two households.
fn add_family(
    dice: &mut Dice,
    school: usize,
    family: usize,
    rows: &mut PlannedRows,
    combined: usize,
) {
    let last = *dice.pick(LAST_NAMES);
    let separated = family % 9 == 4;
    let single = family % 11 == 7;
    let children = 1 + usize::from(dice.below(3) == 0) + usize::from(dice.below(6) == 0);

    let mut guardian_indexes = Vec::new();
    for (letter, relationship) in [("A", "mother"), ("B", "father")]
        .into_iter()
        .take(if single { 1 } else { 2 })
    {
        let name = person(dice, ADULT_FIRST_NAMES, last);
        let email = format!(
            "{}{school}{family}{letter}@ouders.example",
            mail_local(&name.first_name, last.0, last.1)
        )
        .to_lowercase();
        let household = if separated {
            format!("H{school}-{family}-{letter}")
        } else {
            format!("H{school}-{family}")
        };
        rows.guardians.push(roster::guardian_row(NewGuardian {
            school_id: String::new(),
            las_key: format!("V{school}-{family}-{letter}"),
            name,
            email: Some(email),
            phone: Some(format!(
                "06-{:08}",
                10_000_000 + school * 100_000 + family * 10 + letter.len()
            )),
        }));
        guardian_indexes.push((rows.guardians.len() - 1, relationship, household));
    }

    for child in 0..children {
        let year_group = 1 + dice.below(8);
        let birth_year = i32::try_from(2026 - 4 - year_group).unwrap_or(2016);
        let pupil = roster::pupil_row(NewPupil {
            school_id: String::new(),
            las_key: format!("L{school}-{family}-{child}"),
            name: person(dice, FIRST_NAMES, last),
            date_of_birth: NaiveDate::from_ymd_opt(
                birth_year,
                1 + u32::try_from(dice.below(12)).unwrap_or(0),
                1 + u32::try_from(dice.below(28)).unwrap_or(0),
            ),
            parents_separated: separated,
        });
        let pupil_index = rows.pupils.len();
        rows.pupils.push(pupil);
        rows.enrolments.push((pupil_index, year_group - 1));
        if (year_group == 7 || year_group == 8) && dice.below(2) == 0 {
            rows.enrolments.push((pupil_index, combined));
        }
        for (guardian, relationship, household) in &guardian_indexes {
            rows.guardian_links.push(GuardianPupilRow {
                guardian_id: rows.guardians[*guardian].id.clone(),
                pupil_id: rows.pupils[pupil_index].id.clone(),
                relationship: (*relationship).to_owned(),
                parental_authority: true,
                household: household.clone(),
            });
        }
    }
}

/// Some families of the first school also have a child at the second: the second school's LAS
/// holds the same guardians (same e-mail), so one account sees both schools.
fn add_families_at_two_schools(dice: &mut Dice, schools: &mut [SchoolPlan]) {
    let [first, second, ..] = schools else { return };
    let families: Vec<usize> = (0..).step_by(10).skip(1).take(4).collect();
    for family in families {
        let key = format!("V0-{family}-A");
        let Some(guardian) = first
            .rows
            .guardians
            .iter()
            .find(|g| g.las_key == key)
            .cloned()
        else {
            continue;
        };
        let mut copy = roster::guardian_row(NewGuardian {
            school_id: String::new(),
            las_key: format!("V1-x{family}-A"),
            name: PersonName {
                first_name: guardian.first_name.clone(),
                name_prefix: guardian.name_prefix.clone(),
                last_name: guardian.last_name.clone(),
            },
            email: guardian.email.clone(),
            phone: guardian.phone.clone(),
        });
        copy.las_key = format!("V1-x{family}-A");
        second.rows.guardians.push(copy);
        let guardian_index = second.rows.guardians.len() - 1;
        let pupil = roster::pupil_row(NewPupil {
            school_id: String::new(),
            las_key: format!("L1-x{family}"),
            name: person(
                dice,
                FIRST_NAMES,
                (guardian.name_prefix.as_deref(), &guardian.last_name),
            ),
            date_of_birth: NaiveDate::from_ymd_opt(2018, 5, 1),
            parents_separated: false,
        });
        second.rows.pupils.push(pupil);
        let pupil_index = second.rows.pupils.len() - 1;
        second.rows.enrolments.push((pupil_index, 3));
        second.rows.guardian_links.push(GuardianPupilRow {
            guardian_id: second.rows.guardians[guardian_index].id.clone(),
            pupil_id: second.rows.pupils[pupil_index].id.clone(),
            relationship: "mother".to_owned(),
            parental_authority: true,
            household: format!("H1-x{family}"),
        });
        if family == 10
            && let Some(email) = guardian.email
        {
            first.logins.push(("guardian".to_owned(), email));
        }
    }
}
