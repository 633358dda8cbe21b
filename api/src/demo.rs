//! Demo data: a deterministic data set to try the API with. Refused in production.

use persistence::{Database, RepoError, accounts, boards};
use serde::Serialize;

use crate::auth::password;

/// One account of the demo data set, as written to the credentials file.
#[derive(Debug, Clone, Serialize)]
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
pub const BOARDS: [&str; 2] = [
    "Stichting Openbaar Onderwijs De Linde",
    "Vereniging Christelijk Onderwijs Het Anker",
];

/// Fills an empty database; a database that already holds the demo data is left as it is.
pub fn load(db: &Database) -> Result<Vec<DemoAccount>, String> {
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let existing =
        accounts::find_active_by_email(&mut conn, OPERATOR_EMAIL).map_err(|e| e.to_string())?;
    if existing.is_none() {
        let hash = password::hash(OPERATOR_PASSWORD)?;
        accounts::insert_operator(&mut conn, OPERATOR_EMAIL, &hash).map_err(|e| e.to_string())?;
        for name in BOARDS {
            match boards::insert(&mut conn, name) {
                Ok(_) | Err(RepoError::Conflict(_)) => {}
                Err(err) => return Err(err.to_string()),
            }
        }
        log::info!("demo data loaded");
    } else {
        log::info!("demo data already present");
    }
    Ok(vec![DemoAccount {
        role: "platform_operator".to_owned(),
        board: None,
        school: None,
        email: OPERATOR_EMAIL.to_owned(),
        password: OPERATOR_PASSWORD.to_owned(),
    }])
}
