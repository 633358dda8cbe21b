//! Fan-out benchmark (issue #10): a school-wide news post to 2,000 guardians. Measures the
//! publishing call (which writes the post and its one event, nothing per guardian) and the
//! worker's fan-out of that event into 2,000 inbox items and e-mail deliveries, then the hand-over
//! of the due e-mails to the outbox.
//!
//! Run: `bench/fanout.sh` (SQLite in a temporary file, or `DATABASE_URL=postgres://…`).

// A benchmark reports on standard output.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use api::audit::Audit;
use api::services::{news, notify};
use chrono::Utc;
use domain::news::{Audience, NewPost};
use persistence::guardians::GuardianPupilRow;
use persistence::roster::{self, NewGroup, NewGuardian, NewPupil, NewStaff, RosterRows};
use persistence::{Database, DbSettings, accounts, actors, boards, migrations, schools};

const GUARDIANS: usize = 2_000;

#[path = "common/mod.rs"]
mod common;

use common::{Failure, ms, name};

fn main() -> Result<(), Failure> {
    let dir = tempfile_dir()?;
    let url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("{}/fanout.db", dir.display()));
    let db = Database::connect(&DbSettings {
        url: url.clone(),
        pool_size: 4,
        connect_timeout: Duration::from_secs(10),
        statement_timeout: Duration::from_secs(60),
    })?;
    migrations::run_pending(&mut *db.get()?)?;
    let (school, admin) = seed(&db)?;

    let mut conn = db.get()?;
    let actor = actors::load(&mut conn, &admin)?.ok_or("the admin has no account")?;
    let audit = Audit {
        account_id: Some(admin.clone()),
        client_id: None,
        request_id: None,
        writer: None,
    };
    let post = NewPost {
        school_id: persistence::ids::uuid(&school),
        title: "Studiedag vrijdag".to_owned(),
        body: "Alle groepen zijn vrijdag vrij.".to_owned(),
        language: Default::default(),
        audience: Audience::School,
        priority: Default::default(),
        pinned: false,
        comments_enabled: false,
        confirmation: Default::default(),
        draft: false,
        publish_at: None,
        expires_at: None,
        attachments: Vec::new(),
    };
    let started = Instant::now();
    news::publish(
        &mut conn,
        &actor,
        &audit,
        &school,
        post,
        persistence::ids::now(),
    )
    .map_err(|err| format!("publish: {err:?}"))?;
    let publish = started.elapsed();

    let started = Instant::now();
    let fanned = notify::fan_out(&db, "bench", Utc::now())?;
    let fan_out = started.elapsed();
    // Everyone's overview is due at the next 16:00: hand them over as if it were a day later.
    let started = Instant::now();
    let mails = notify::hand_due_emails(&db, Utc::now() + chrono::Duration::days(1))?;
    let hand_over = started.elapsed();

    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("fan-out of one school-wide post to {GUARDIANS} guardians on {backend}:");
    println!("  publish (post + event)      {:>8.1} ms", ms(publish));
    println!(
        "  fan-out ({} inbox items)  {:>8.1} ms",
        fanned.deliveries,
        ms(fan_out)
    );
    println!(
        "  overview mails to outbox ({mails}, one round) {:>8.1} ms",
        ms(hand_over)
    );
    drop(conn);
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
    if fanned.deliveries != GUARDIANS {
        return Err(format!("reached {} guardians, not {GUARDIANS}", fanned.deliveries).into());
    }
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf, Failure> {
    let dir = std::env::temp_dir().join(format!("ouderportaal-fanout-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A school with one group of 2,000 pupils, each with a guardian who has an account, and an
/// admin; answers the school's id and the admin's account id.
fn seed(db: &Database) -> Result<(String, String), Failure> {
    let mut conn = db.get()?;
    persistence::transaction(&mut conn, |conn| {
        let board = boards::insert(conn, "Bench board")?;
        let school = schools::insert(
            conn,
            &schools::NewSchool {
                board_id: &board.id,
                name: "Bench school",
                brin: "99ZZ",
                admin_email: None,
            },
        )?
        .id;
        let year =
            domain::school_year::SchoolYear::containing(domain::schedule::school_date(Utc::now()));
        let year_id = roster::insert_school_year(
            conn,
            &school,
            &year.name(),
            year.starts_on(),
            year.ends_on(),
        )?
        .id;
        let group = roster::insert_group(
            conn,
            &NewGroup {
                school_id: &school,
                school_year_id: &year_id,
                las_key: "G",
                name: "G",
                year_group: Some(5),
                is_combined: false,
            },
        )?
        .id;
        let mut rows = RosterRows::default();
        for n in 0..GUARDIANS {
            let pupil = roster::pupil_row(NewPupil {
                school_id: school.clone(),
                las_key: format!("p{n}"),
                name: name("Kind", format!("Nummer {n}")),
                date_of_birth: None,
                parents_separated: false,
            });
            let guardian = roster::guardian_row(NewGuardian {
                school_id: school.clone(),
                las_key: format!("g{n}"),
                name: name("Ouder", format!("Nummer {n}")),
                email: Some(format!("ouder{n}@bench.example")),
                phone: None,
            });
            rows.enrolments.push((pupil.id.clone(), group.clone()));
            rows.guardian_links.push(GuardianPupilRow {
                guardian_id: guardian.id.clone(),
                pupil_id: pupil.id.clone(),
                relationship: "parent".to_owned(),
                parental_authority: true,
                household: format!("h{n}"),
            });
            rows.pupils.push(pupil);
            rows.guardians.push(guardian);
        }
        let admin_staff = roster::staff_row(NewStaff {
            school_id: school.clone(),
            las_key: "admin".to_owned(),
            name: name("Beheer", "Der".to_owned()),
            email: Some("admin@bench.example".to_owned()),
            phone: None,
        });
        rows.staff_roles
            .push((admin_staff.id.clone(), "school_admin".to_owned()));
        let admin_staff_id = admin_staff.id.clone();
        rows.staff.push(admin_staff);
        let guardian_ids: Vec<String> = rows.guardians.iter().map(|g| g.id.clone()).collect();
        roster::insert_rows(conn, &rows)?;
        for (n, guardian) in guardian_ids.iter().enumerate() {
            let account = accounts::insert_person(conn, &format!("ouder{n}@bench.example"), None)?;
            roster::link_guardian_account(conn, guardian, &account.id)?;
        }
        let admin = accounts::insert_person(conn, "admin@bench.example", None)?;
        roster::link_staff_account(conn, &admin_staff_id, &admin.id)?;
        Ok::<_, persistence::RepoError>((school, admin.id))
    })
    .map_err(Into::into)
}
