//! Demo data: a realistic, deterministic data set to try the API with (2 boards, 3 schools,
//! groups 1–8 and a combined group, ~500 pupils with their guardians, staff of every role).
//! Refused in production. Accounts that can sign in are created for the people listed in the
//! credentials; the other guardians have none yet, as before activation.

mod consent;
mod names;
mod news;
mod plan;

use domain::client::Scope;
use persistence::{Database, accounts, boards, clients, roster, schools};
use serde::Serialize;

use crate::auth::{password, refresh};
pub use plan::{DemoPlan, SchoolPlan};

/// One account of the demo data set, as written to the credentials file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DemoAccount {
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub board: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
}

impl DemoAccount {
    pub fn person(
        role: String,
        board: Option<String>,
        school: Option<String>,
        email: String,
        password: String,
    ) -> Self {
        DemoAccount {
            role,
            board,
            school,
            email: Some(email),
            password: Some(password),
            client_id: None,
            client_secret: None,
            scopes: None,
        }
    }
}

/// The demo LAS vendor: a client of the first board's first school that pushes its roster.
pub const CLIENT_NAME: &str = "Demo LAS-koppeling";

pub const OPERATOR_EMAIL: &str = "operator@demo.ouderportaal.nl";
/// Demo passwords are fixed so the README can show them; demo data never loads in production.
pub const OPERATOR_PASSWORD: &str = "demo-operator-wachtwoord";
pub const PERSON_PASSWORD: &str = "demo-wachtwoord-2026";
/// The demo LAS vendor's secret; fixed like the passwords so the credentials stay the same.
pub const CLIENT_SECRET: &str = "demo-las-koppeling-geheim-2026";

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
        return with_client(&mut conn, &plan);
    }
    let operator_hash = password::hash(OPERATOR_PASSWORD)?;
    let person_hash = password::hash(PERSON_PASSWORD)?;
    persistence::transaction(&mut conn, |conn| {
        write(conn, &plan, &operator_hash, &person_hash)
    })
    .map_err(|e| e.to_string())?;
    db.refresh_statistics().map_err(|e| e.to_string())?;
    log::info!("demo data loaded");
    with_client(&mut conn, &plan)
}

/// The plan's accounts and the integration client as stored (its id is made at insert).
fn with_client(
    conn: &mut persistence::AnyConnection,
    plan: &DemoPlan,
) -> Result<Vec<DemoAccount>, String> {
    let mut accounts = plan.accounts();
    let board = &plan.boards[0].name;
    let school = &plan.schools[0];
    let found = clients::find_by_name(conn, CLIENT_NAME).map_err(|e| e.to_string())?;
    if let Some(client) = found {
        accounts.push(DemoAccount {
            role: "integration_client".to_owned(),
            board: Some(board.clone()),
            school: Some(school.name.clone()),
            email: None,
            password: None,
            client_id: Some(client.id),
            client_secret: Some(CLIENT_SECRET.to_owned()),
            scopes: Some(
                client
                    .scopes
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
            ),
        });
    }
    Ok(accounts)
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
        persistence::disclosures::insert_defaults(conn, &row.id)?;
        let admin = accounts::insert_person(conn, &board.admin_email, Some(person_hash))?;
        roster::add_board_admin(conn, &admin.id, &row.id)?;
        for school in plan.schools.iter().filter(|s| s.board == board.name) {
            let school_id = write_school(conn, &row.id, school, &admin.id)?;
            if school.name == plan.schools[0].name {
                clients::insert(
                    conn,
                    &clients::NewClient {
                        name: CLIENT_NAME,
                        board_id: &row.id,
                        school_id: Some(&school_id),
                        scopes: Scope::RosterWrite.as_str(),
                        secret_hash: &refresh::hash(CLIENT_SECRET),
                    },
                )?;
            }
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
    board_admin: &str,
) -> Result<String, persistence::RepoError> {
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
    let mut named_groups = Vec::new();
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
        named_groups.push((inserted.id.clone(), group.name.clone()));
        group_ids.push(inserted.id);
    }
    let rows = school.rows.bind(&row.id, &group_ids);
    roster::insert_rows(conn, &rows)?;
    news::write(conn, board_id, &row.id, &named_groups, board_admin)?;
    consent::write(conn, &row.id, &rows)?;
    Ok(row.id)
}
