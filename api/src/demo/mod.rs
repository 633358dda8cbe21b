//! Demo data: a realistic, deterministic data set to try the API with (2 boards, 3 schools,
//! groups 1–8 and a combined group, ~500 pupils with their guardians, staff of every role).
//! Refused in production. Accounts that can sign in are created for the people listed in the
//! credentials; the other guardians have none yet, as before activation.

mod names;
mod plan;

use persistence::{Database, accounts, boards, roster, schools};
use serde::Serialize;

use crate::auth::password;
pub use plan::{DemoPlan, SchoolPlan};

/// One account of the demo data set, as written to the credentials file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DemoAccount {
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub board: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    pub email: String,
    pub password: String,
}

pub const OPERATOR_EMAIL: &str = "operator@demo.ouderportaal.nl";
/// Demo passwords are fixed so the README can show them; demo data never loads in production.
pub const OPERATOR_PASSWORD: &str = "demo-operator-wachtwoord";
pub const PERSON_PASSWORD: &str = "demo-wachtwoord-2026";

/// Fills an empty database and returns the accounts to sign in with. A database that already holds
/// the demo data is left as it is (the same accounts are returned).
pub fn load(db: &Database) -> Result<Vec<DemoAccount>, String> {
    let plan = DemoPlan::generate();
    let mut conn = db.get().map_err(|e| e.to_string())?;
    if accounts::find_active_by_email(&mut conn, OPERATOR_EMAIL)
        .map_err(|e| e.to_string())?
        .is_some()
    {
        log::info!("demo data already present");
        return Ok(plan.accounts());
    }
    let operator_hash = password::hash(OPERATOR_PASSWORD)?;
    let person_hash = password::hash(PERSON_PASSWORD)?;
    persistence::transaction(&mut conn, |conn| {
        write(conn, &plan, &operator_hash, &person_hash)
    })
    .map_err(|e| e.to_string())?;
    log::info!("demo data loaded");
    Ok(plan.accounts())
}

fn write(
    conn: &mut persistence::AnyConnection,
    plan: &DemoPlan,
    operator_hash: &str,
    person_hash: &str,
) -> Result<(), persistence::RepoError> {
    accounts::insert_operator(conn, OPERATOR_EMAIL, operator_hash)?;
    for board in &plan.boards {
        let row = boards::insert(conn, &board.name)?;
        let admin = accounts::insert_person(conn, &board.admin_email, Some(person_hash))?;
        roster::add_board_admin(conn, &admin.id, &row.id)?;
        for school in plan.schools.iter().filter(|s| s.board == board.name) {
            write_school(conn, &row.id, school)?;
        }
    }
    // Accounts last: one per person, linked to that person's records at every school.
    for email in plan.login_emails() {
        let account = accounts::insert_person(conn, &email, Some(person_hash))?;
        for school in &plan.schools {
            for guardian in school
                .rows
                .guardians
                .iter()
                .filter(|g| g.email.as_deref() == Some(&email))
            {
                roster::link_guardian_account(conn, &guardian.id, &account.id)?;
            }
            for member in school
                .rows
                .staff
                .iter()
                .filter(|s| s.email.as_deref() == Some(&email))
            {
                roster::link_staff_account(conn, &member.id, &account.id)?;
            }
        }
    }
    Ok(())
}

fn write_school(
    conn: &mut persistence::AnyConnection,
    board_id: &str,
    school: &SchoolPlan,
) -> Result<(), persistence::RepoError> {
    let row = schools::insert(
        conn,
        &schools::NewSchool {
            board_id,
            name: &school.name,
            brin: &school.brin,
            admin_email: Some(&school.admin_email),
        },
    )?;
    let year = school.year;
    let year_row = roster::insert_school_year(
        conn,
        &row.id,
        &year.name(),
        year.starts_on(),
        year.ends_on(),
    )?;
    let mut group_ids = Vec::new();
    for group in &school.groups {
        let inserted = roster::insert_group(
            conn,
            &roster::NewGroup {
                school_id: &row.id,
                school_year_id: &year_row.id,
                las_key: &group.las_key,
                name: &group.name,
                year_group: group.year_group,
                is_combined: group.is_combined,
            },
        )?;
        group_ids.push(inserted.id);
    }
    let rows = school.rows.bind(&row.id, &group_ids);
    roster::insert_rows(conn, &rows)
}
