//! What the benchmark programs in `bench/` share: their error type, settings from the
//! environment, milliseconds for printing, the readiness probe under the same load (the ceiling
//! every figure is a share of), and a person's name for seeding. Included by each example with
//! `#[path = "common/mod.rs"] mod common;`; not every program uses every piece.

#![allow(dead_code, reason = "each benchmark program uses its own part of this")]

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use persistence::roster::PersonName;

pub type Failure = Box<dyn std::error::Error>;

/// A number from the environment, or the default.
pub fn setting(name: &str, default: usize) -> Result<usize, Failure> {
    match std::env::var(name) {
        Ok(value) => Ok(value.parse().map_err(|_| format!("{name}: not a number"))?),
        Err(_) => Ok(default),
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `GET /health/ready` with `connections` in flight for `time`: answers, and those not 200.
pub async fn health(
    client: &reqwest::Client,
    base: &str,
    connections: usize,
    time: Duration,
) -> (usize, usize) {
    let until = Instant::now() + time;
    let url = &format!("{base}/health/ready");
    let workers = (0..connections).map(|_| async move {
        let (mut done, mut failed) = (0, 0);
        while Instant::now() < until {
            match client.get(url).send().await {
                Ok(answer) if answer.status() == 200 => {
                    let _ = answer.bytes().await;
                    done += 1;
                }
                _ => failed += 1,
            }
        }
        (done, failed)
    });
    join_all(workers)
        .await
        .into_iter()
        .fold((0, 0), |(d, f), (done, failed)| (d + done, f + failed))
}

pub fn name(first: &str, last: String) -> PersonName {
    PersonName {
        first_name: first.to_owned(),
        name_prefix: None,
        last_name: last,
    }
}

/// A board with one school and the school year of today: (school id, school year id).
pub fn school(
    conn: &mut persistence::AnyConnection,
    brin: &str,
) -> Result<(String, String), persistence::RepoError> {
    let board = persistence::boards::insert(conn, "Rush board")?;
    let school = persistence::schools::insert(
        conn,
        &persistence::schools::NewSchool {
            board_id: &board.id,
            name: "Rush school",
            brin,
            admin_email: None,
        },
    )?
    .id;
    let year = domain::school_year::SchoolYear::containing(domain::schedule::school_date(
        chrono::Utc::now(),
    ));
    let year_id = persistence::roster::insert_school_year(
        conn,
        &school,
        &year.name(),
        year.starts_on(),
        year.ends_on(),
    )?
    .id;
    Ok((school, year_id))
}

/// Adds `count` families to `rows`: child n in `groups[n % groups.len()]`, with one guardian of
/// its own household.
pub fn add_families(
    rows: &mut persistence::roster::RosterRows,
    school: &str,
    groups: &[String],
    count: usize,
) {
    use persistence::roster::{self, NewGuardian, NewPupil};
    for n in 0..count {
        let pupil = roster::pupil_row(NewPupil {
            school_id: school.to_owned(),
            las_key: format!("p{n}"),
            name: name("Kind", format!("Nummer {n}")),
            date_of_birth: None,
            parents_separated: false,
        });
        let guardian = roster::guardian_row(NewGuardian {
            school_id: school.to_owned(),
            las_key: format!("g{n}"),
            name: name("Ouder", format!("Nummer {n}")),
            email: Some(format!("ouder{n}@rush.example")),
            phone: None,
        });
        if !groups.is_empty() {
            rows.enrolments
                .push((pupil.id.clone(), groups[n % groups.len()].clone()));
        }
        rows.guardian_links
            .push(persistence::guardians::GuardianPupilRow {
                guardian_id: guardian.id.clone(),
                pupil_id: pupil.id.clone(),
                relationship: "parent".to_owned(),
                parental_authority: true,
                household: format!("h{n}"),
            });
        rows.pupils.push(pupil);
        rows.guardians.push(guardian);
    }
}

/// Gives each guardian in `rows` an account and a live session (as after a sign-in; thousands of
/// argon2 sign-ins would be the benchmark's bottleneck): (account, session, child), in order.
pub fn sign_in_guardians(
    conn: &mut persistence::AnyConnection,
    rows: &persistence::roster::RosterRows,
) -> Result<Vec<(String, String, String)>, persistence::RepoError> {
    let mut seeded = Vec::with_capacity(rows.guardians.len());
    for (n, (guardian, pupil)) in rows.guardians.iter().zip(&rows.pupils).enumerate() {
        let account =
            persistence::accounts::insert_person(conn, &format!("ouder{n}@rush.example"), None)?;
        persistence::roster::link_guardian_account(conn, &guardian.id, &account.id)?;
        let session = persistence::sessions::start(conn, &account.id)?;
        seeded.push((account.id, session, pupil.id.clone()));
    }
    Ok(seeded)
}

/// The lines a rush sends, as indexes of its requests: each once, in order, and after every nine
/// lines a retry, alternately of the one just before (in flight with it) and of one from anywhere
/// before (a retry after the answer was lost). The same sequence in every run.
pub fn retry_plan(count: usize) -> Vec<usize> {
    let mut lines = Vec::with_capacity(count + count / 9 + 1);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut retries = 0usize;
    for n in 0..count {
        lines.push(n);
        if lines.len() % 10 == 9 {
            retries += 1;
            // xorshift: a fixed sequence, the same in every run.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let far = usize::try_from(state % (n as u64 + 1)).unwrap_or(0);
            lines.push(if retries % 2 == 1 { n } else { far });
        }
    }
    lines
}
