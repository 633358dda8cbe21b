//! The planner's booking rush (issue #12): a round opens and 1,000 guardians race for its 200 slots
//! at once. One school, 10 groups of 100 pupils, each group's teacher at a desk of 20 slots; each
//! pupil has one guardian with an account. Every guardian books a random slot of their child's desk
//! as the page showed it at opening time (all free); on 409 they try another slot not yet known to
//! be taken (as a refreshed page would show), until they have one or the desk is full. Afterwards
//! the database is counted: exactly one live booking per slot, no pupil twice at a desk.
//!
//! The booking rate is measured next to `GET /health/ready` with the same client and concurrency:
//! right after the rush, as long of `/health/ready` as the rush took.
//!
//! Run: `bench/planner-rush.sh` (it starts the server). By hand, against a running server on the
//! same database and JWT secret: `DATABASE_URL=… cargo run --release -p api --example
//! planner_rush -- http://127.0.0.1:8080`. GUARDIANS (1000), GROUPS (10), SLOTS (per desk, 20),
//! CONNECTIONS (64) and SEED (the random choices; 1) vary it.

// A benchmark reports on standard output.
#![allow(clippy::print_stdout)]

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api::auth::tokens::TokenKeys;
use chrono::{NaiveTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use domain::planner::{DuoMode, RoundSettings, RoundTimes, Window};
use futures_util::future::join_all;
use persistence::ids::uuid;
use persistence::planner::{self, NewDesk, NewRound};
use persistence::roster::{self, NewGroup, NewStaff, RosterRows};
use persistence::schema::planner_bookings;
use persistence::{Database, DbSettings, migrations};

#[path = "common/mod.rs"]
mod common;

use common::{Failure, health, ms, name, setting};

/// One guardian: their access token, their child, the desk (index) the child books at.
struct Guardian {
    token: String,
    pupil: String,
    desk: usize,
}

/// What the seeding made: the round, each desk's slot ids, the guardians.
struct Seeded {
    round: String,
    desks: Vec<Vec<String>>,
    guardians: Vec<Guardian>,
}

/// What one booking request got back.
struct Outcome {
    status: u16,
    latency: Duration,
}

/// What one guardian ended with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    Booked,
    DeskFull,
    Refused,
}

fn main() -> Result<(), Failure> {
    let base = std::env::args()
        .nth(1)
        .ok_or("usage: planner_rush <server base url>")?;
    let count = setting("GUARDIANS", 1_000)?;
    let groups = setting("GROUPS", 10)?.max(1);
    let per_desk = setting("SLOTS", 20)?.max(1);
    let connections = setting("CONNECTIONS", 64)?.max(1);
    let seed_choice = setting("SEED", 1)? as u64;
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL: the server's database")?;
    let secret = std::env::var("OUDERPORTAAL_JWT_SECRET")
        .unwrap_or_else(|_| api::config::DEVELOPMENT_JWT_SECRET.to_owned());
    let db = Database::connect(&DbSettings {
        url: url.clone(),
        pool_size: 2,
        connect_timeout: Duration::from_secs(10),
        statement_timeout: Duration::from_secs(120),
    })?;
    migrations::run_pending(&mut *db.get()?)?;

    let started = Instant::now();
    let seeded = seed(
        &db,
        count,
        groups,
        per_desk,
        &TokenKeys::new(secret.as_bytes(), Duration::from_secs(3600)),
    )?;
    let slots: usize = seeded.desks.iter().map(Vec::len).sum();
    println!(
        "seeded {count} pupils in {groups} groups (each with one guardian with an account and a session) and a published round of {} desks, {slots} slots, in {:.1} s",
        seeded.desks.len(),
        started.elapsed().as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(60))
        .build()?;
    // Open the connections first, so neither measurement pays for them.
    runtime.block_on(health(
        &client,
        &base,
        connections,
        Duration::from_millis(500),
    ));
    let started = Instant::now();
    let (outcomes, endings) =
        runtime.block_on(rush(&client, &base, &seeded, connections, seed_choice));
    let rush_time = started.elapsed();
    let (health_done, health_failed) =
        runtime.block_on(health(&client, &base, connections, rush_time));

    // What the answers say.
    let tally = |status: u16| outcomes.iter().filter(|o| o.status == status).count();
    let (booked, taken) = (tally(201), tally(409));
    let others = outcomes.len() - booked - taken;
    let ended = |e: Ending| endings.iter().filter(|&&x| x == e).count();

    // What the database says.
    let mut conn = db.get()?;
    let live = || {
        planner_bookings::table
            .filter(planner_bookings::round_id.eq(&seeded.round))
            .filter(planner_bookings::state.eq("booked"))
    };
    let stored: i64 = live().select(count_star()).get_result(&mut *conn)?;
    let slots_doubled = live()
        .group_by(planner_bookings::slot_id)
        .having(count_star().gt(1))
        .select(planner_bookings::slot_id)
        .load::<String>(&mut *conn)?
        .len();
    let pupils_doubled = live()
        .group_by((planner_bookings::pupil_id, planner_bookings::desk_id))
        .having(count_star().gt(1))
        .select(planner_bookings::pupil_id)
        .load::<String>(&mut *conn)?
        .len();
    drop(conn);

    let mut latencies: Vec<Duration> = outcomes.iter().map(|o| o.latency).collect();
    latencies.sort_unstable();
    let at = |q: f64| {
        latencies
            .get(((latencies.len().max(1) - 1) as f64 * q) as usize)
            .map_or(0.0, |d| ms(*d))
    };
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let rush_rate = outcomes.len() as f64 / rush_time.as_secs_f64();
    let health_rate = health_done as f64 / rush_time.as_secs_f64();
    println!(
        "booking rush on {backend}: {count} guardians for {slots} slots, {} requests in {:.2} s, {connections} in flight, then as long of /health/ready",
        outcomes.len(),
        rush_time.as_secs_f64()
    );
    println!("  answers: 201 {booked} / 409 {taken} / other {others}");
    println!(
        "  guardians: booked {} / stopped at a full desk {} / refused otherwise {}",
        ended(Ending::Booked),
        ended(Ending::DeskFull),
        ended(Ending::Refused)
    );
    println!(
        "  in the database: {stored} live bookings (of {slots} slots), slots with more than one: {slots_doubled}, pupils with more than one at a desk: {pupils_doubled}"
    );
    println!(
        "  POST bookings     {rush_rate:>8.0} req/s {:>4.1} %   p50 {:.1} ms  p99 {:.1} ms",
        100.0 * rush_rate / health_rate,
        at(0.5),
        at(0.99)
    );
    println!("  GET /health/ready {health_rate:>8.0} req/s  100 %   ({health_failed} not 200)");
    let full = count.min(slots);
    let intact = stored == full as i64
        && booked == full
        && slots_doubled == 0
        && pupils_doubled == 0
        && others == 0;
    if !intact {
        return Err(format!(
            "expected exactly {full} bookings, none doubled, no answer but 201 and 409: see above"
        )
        .into());
    }
    Ok(())
}

/// xorshift64: the same choices in every run with the same seed.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn pick(state: &mut u64, len: usize) -> usize {
    usize::try_from(next(state) % len as u64).unwrap_or(0)
}

/// Every guardian books, `connections` at a time, in an order shuffled by `seed_choice`. What the
/// guardians have learnt from their answers (which slots are taken) is shared: it stands for the
/// page a guardian reloads after a 409. Their first try is a slot of the page as it was at opening.
async fn rush(
    client: &reqwest::Client,
    base: &str,
    seeded: &Seeded,
    connections: usize,
    seed_choice: u64,
) -> (Vec<Outcome>, Vec<Ending>) {
    let mut order: Vec<usize> = (0..seeded.guardians.len()).collect();
    let mut state = 0x9e37_79b9_7f4a_7c15 ^ seed_choice.wrapping_mul(0x2545_f491_4f6c_dd1d);
    for i in (1..order.len()).rev() {
        order.swap(i, pick(&mut state, i + 1));
    }
    let taken: RefCell<Vec<Vec<bool>>> = RefCell::new(
        seeded
            .desks
            .iter()
            .map(|slots| vec![false; slots.len()])
            .collect(),
    );
    let (taken, order, next_guardian) = (&taken, &order, &AtomicUsize::new(0));
    let url = &format!("{base}/api/v1/planner/rounds/{}/bookings", seeded.round);
    let workers = (0..connections).map(|worker| async move {
        let mut outcomes = Vec::new();
        let mut endings = Vec::new();
        let mut state = (0x2545_f491_4f6c_dd1d ^ seed_choice) + worker as u64 * 0x9e37_79b9;
        while let Some(&n) = order.get(next_guardian.fetch_add(1, Ordering::Relaxed)) {
            let guardian = &seeded.guardians[n];
            let slots = &seeded.desks[guardian.desk];
            let mut tried = vec![false; slots.len()];
            let mut choice = Some(pick(&mut state, slots.len()));
            let mut ending = Ending::DeskFull;
            while let Some(slot) = choice {
                tried[slot] = true;
                let body = format!(
                    r#"{{"slot_id":"{}","pupil_id":"{}"}}"#,
                    slots[slot], guardian.pupil
                );
                let started = Instant::now();
                let sent = client
                    .post(url)
                    .bearer_auth(&guardian.token)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await;
                let status = match sent {
                    Ok(answer) => {
                        let status = answer.status().as_u16();
                        let text = answer.text().await.unwrap_or_default();
                        if status != 201 && status != 409 {
                            eprintln!("{status}: {text}");
                        }
                        status
                    }
                    Err(err) => {
                        eprintln!("not sent: {err}");
                        0
                    }
                };
                outcomes.push(Outcome {
                    status,
                    latency: started.elapsed(),
                });
                match status {
                    201 | 409 => taken.borrow_mut()[guardian.desk][slot] = true,
                    _ => {}
                }
                choice = match status {
                    201 => {
                        ending = Ending::Booked;
                        None
                    }
                    409 => {
                        let known = &taken.borrow()[guardian.desk];
                        let free: Vec<usize> = (0..slots.len())
                            .filter(|&s| !known[s] && !tried[s])
                            .collect();
                        (!free.is_empty()).then(|| free[pick(&mut state, free.len())])
                    }
                    _ => {
                        ending = Ending::Refused;
                        None
                    }
                };
            }
            endings.push(ending);
        }
        (outcomes, endings)
    });
    join_all(workers).await.into_iter().fold(
        (Vec::new(), Vec::new()),
        |(mut o, mut e), (more, ended)| {
            o.extend(more);
            e.extend(ended);
            (o, e)
        },
    )
}

/// A school with `groups` groups sharing `count` pupils, a teacher per group, each pupil with one
/// guardian with an account and a session (as after a sign-in: 1,000 argon2 sign-ins would be the
/// benchmark's bottleneck, not the booking), access tokens minted for those sessions; and a
/// published round over all groups, one desk per teacher with `per_desk` slots, one booking per
/// pupil, whose teachers' deadline has passed and whose booking opens now.
fn seed(
    db: &Database,
    count: usize,
    groups: usize,
    per_desk: usize,
    keys: &TokenKeys,
) -> Result<Seeded, Failure> {
    let now = Utc::now();
    // The conversations: from 13:00 (Amsterdam) three days from now, 10 minutes each with 2 minutes
    // between, as many as the desk has slots.
    let day = domain::schedule::school_date(now) + chrono::Duration::days(3);
    let starts = NaiveTime::from_hms_opt(13, 0, 0).ok_or("13:00")?;
    let minutes = i64::try_from(per_desk * 12).map_err(|_| "SLOTS: too many")?;
    let settings = RoundSettings {
        name: "Tienminutengesprekken".to_owned(),
        purpose: None,
        windows: vec![Window {
            day,
            starts,
            ends: starts + chrono::Duration::minutes(minutes),
        }],
        slot_minutes: 10,
        pause_minutes: 2,
        times: RoundTimes {
            teachers_deadline: now - chrono::Duration::days(1),
            booking_opens: now,
            booking_closes: now + chrono::Duration::days(1),
        },
        guardians_may_change: true,
        max_bookings_per_pupil: 1,
        fairness: None,
    };
    let slots = domain::planner::generate(&settings.windows, 10, 2)
        .map_err(|refused| format!("the round's window: {refused:?}"))?;
    if slots.len() != per_desk {
        return Err(format!("{} slots per desk, not {per_desk}", slots.len()).into());
    }

    let mut conn = db.get()?;
    let (round, desk_of_group, seeded) = persistence::transaction(&mut conn, |conn| {
        let (school, year_id) = common::school(conn, "98ZY")?;
        let mut rows = RosterRows::default();
        let mut group_ids = Vec::with_capacity(groups);
        let mut desks = Vec::with_capacity(groups);
        for g in 0..groups {
            let key = format!("G{g}");
            let group = roster::insert_group(
                conn,
                &NewGroup {
                    school_id: &school,
                    school_year_id: &year_id,
                    las_key: &key,
                    name: &key,
                    year_group: Some(5),
                    is_combined: false,
                },
            )?
            .id;
            let teacher = roster::staff_row(NewStaff {
                school_id: school.clone(),
                las_key: format!("t{g}"),
                name: name("Juf", format!("Groep {g}")),
                email: Some(format!("juf{g}@rush.example")),
                phone: None,
            });
            rows.staff_roles
                .push((teacher.id.clone(), "teacher".to_owned()));
            rows.staff_groups.push((teacher.id.clone(), group.clone()));
            desks.push(NewDesk {
                label: format!("Groep {g}"),
                staff: vec![teacher.id.clone()],
                groups: vec![group.clone()],
            });
            rows.staff.push(teacher);
            group_ids.push(group);
        }
        common::add_families(&mut rows, &school, &group_ids, count);
        roster::insert_rows(conn, &rows)?;
        let seeded: Vec<_> = common::sign_in_guardians(conn, &rows)?
            .into_iter()
            .enumerate()
            .map(|(n, (account, session, pupil))| (account, session, pupil, n % groups))
            .collect();
        let new = NewRound {
            school_id: &school,
            created_by: None,
            settings: &settings,
            duo_mode: DuoMode::Share,
            groups: &group_ids,
            desks: &desks,
            slots: &slots,
        };
        let round = planner::insert(conn, &new, now - chrono::Duration::days(2))?;
        planner::publish(conn, &round.id, now - chrono::Duration::hours(1))?;
        // The desks come back in label order: map each group to its desk's slots.
        let stored = planner::desks_of(conn, &round.id)?;
        let mut desk_of_group = Vec::with_capacity(groups);
        for group in &group_ids {
            let desk = stored
                .iter()
                .find(|d| d.groups.contains(group))
                .ok_or(persistence::RepoError::NotFound)?;
            let slots: Vec<String> = planner::slots_of(conn, std::slice::from_ref(&desk.id))?
                .into_iter()
                .map(|s| s.id)
                .collect();
            desk_of_group.push(slots);
        }
        Ok::<_, persistence::RepoError>((round.id, desk_of_group, seeded))
    })?;
    drop(conn);
    db.refresh_statistics()?;
    let guardians = seeded
        .into_iter()
        .map(|(account, session, pupil, desk)| {
            Ok(Guardian {
                token: keys.issue(uuid(&account), uuid(&session))?,
                pupil,
                desk,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    Ok(Seeded {
        round,
        desks: desk_of_group,
        guardians,
    })
}
