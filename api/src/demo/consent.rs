//! The demo's consents: most guardians share their contact details with the group, most pupils
//! have a medical note, some with consent for the lunch supervisors, half with photo consent for
//! the website; decided by a guardian with parental authority, as from the API.

use chrono::Utc;
use domain::consent::Code;
use persistence::consent::{self, Purpose};
use persistence::roster::RosterRows;
use persistence::{AnyConnection, RepoError};

fn find(purposes: &[Purpose], code: Code) -> Result<&Purpose, RepoError> {
    purposes
        .iter()
        .find(|p| p.code == Some(code))
        .ok_or_else(|| RepoError::Corrupt(format!("no default purpose {}", code.as_str())))
}

/// Writes the school's demo decisions and medical notes.
pub fn write(
    conn: &mut AnyConnection,
    school_id: &str,
    rows: &RosterRows,
) -> Result<(), RepoError> {
    let now = Utc::now();
    let purposes = consent::list_purposes(conn, school_id)?;
    let contact = find(&purposes, Code::ContactDetailsGroup)?;
    let lunch = find(&purposes, Code::MedicalLunchSupervisor)?;
    let website = find(&purposes, Code::PhotosWebsite)?;
    for (n, guardian) in rows.guardians.iter().enumerate() {
        if n % 4 != 3 {
            consent::decide(conn, contact, &guardian.id, true, &guardian.id, now)?;
        }
    }
    for (n, pupil) in rows.pupils.iter().enumerate() {
        let Some(link) = rows
            .guardian_links
            .iter()
            .find(|l| l.pupil_id == pupil.id && l.parental_authority)
        else {
            continue;
        };
        let by = &link.guardian_id;
        if n % 3 != 2 {
            let note = "Allergisch voor noten; bij een reactie de EpiPen in de tas gebruiken.";
            consent::set_medical_note(conn, &pupil.id, note, by, now)?;
        }
        if n % 3 == 0 {
            consent::decide(conn, lunch, &pupil.id, true, by, now)?;
        }
        if n % 2 == 0 {
            consent::decide(conn, website, &pupil.id, true, by, now)?;
        }
    }
    Ok(())
}
