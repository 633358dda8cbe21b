//! The morning rush (issue #11): 10,000 guardians report their child sick at once, 32 requests in
//! flight, and one line in ten is a retry of an earlier report with the same `Idempotency-Key`
//! (alternately right behind it, so the two race, and of one sent long before). Afterwards the
//! database is counted: one guardian report per pupil, no more, no less.
//!
//! The rate is measured next to `GET /health/ready` with the same client and concurrency: the
//! rush is sent in rounds (this VM's speed drifts within a run), each followed by as long of
//! `/health/ready`.
//!
//! Run: `bench/absence-rush.sh` (it starts the server). By hand, against a running server on the
//! same database and JWT secret: `DATABASE_URL=… cargo run --release -p api --example
//! absence_rush -- http://127.0.0.1:8080`. REPORTS (10000), CONNECTIONS (32), ROUNDS (5) and
//! FIRST_DAY (YYYY-MM-DD; default: none, the next school day) vary it.

// A benchmark reports on standard output.
#![allow(clippy::print_stdout)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api::auth::tokens::TokenKeys;
use diesel::dsl::count_star;
use diesel::prelude::*;
use futures_util::future::join_all;
use persistence::ids::uuid;
use persistence::roster::{self, NewGroup, RosterRows};
use persistence::schema::absences;
use persistence::{Database, DbSettings, migrations};

#[path = "common/mod.rs"]
mod common;

use common::{Failure, health, ms, retry_plan, setting};

/// One guardian's report: their access token, their child, the key they send it under.
struct Report {
    token: String,
    pupil: String,
    key: String,
}

/// What one line got back.
struct Outcome {
    report: usize,
    status: u16,
    replayed: bool,
    id: Option<String>,
    latency: Duration,
}

fn main() -> Result<(), Failure> {
    let base = std::env::args()
        .nth(1)
        .ok_or("usage: absence_rush <server base url>")?;
    let count = setting("REPORTS", 10_000)?;
    let connections = setting("CONNECTIONS", 32)?;
    let rounds = setting("ROUNDS", 5)?.max(1);
    let body = match std::env::var("FIRST_DAY") {
        Ok(day) => format!(r#"{{"reason":"sick","first_day":"{day}"}}"#),
        Err(_) => r#"{"reason":"sick"}"#.to_owned(),
    };
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
    let reports = seed(
        &db,
        count,
        &TokenKeys::new(secret.as_bytes(), Duration::from_secs(3600)),
    )?;
    println!(
        "seeded {count} pupils, each with one guardian with an account and a session, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let lines = retry_plan(count);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(60))
        .build()?;
    let (mut outcomes, mut rush_time, mut health_done, mut health_failed) =
        (Vec::new(), Duration::ZERO, 0, 0);
    for round in lines.chunks(lines.len().div_ceil(rounds)) {
        let started = Instant::now();
        outcomes.extend(runtime.block_on(rush(
            &client,
            &base,
            &reports,
            round,
            &body,
            connections,
        )));
        let took = started.elapsed();
        rush_time += took;
        let (done, failed) = runtime.block_on(health(&client, &base, connections, took));
        health_done += done;
        health_failed += failed;
    }

    // What the answers say.
    let mut created = vec![0usize; count];
    let mut first_id: Vec<Option<String>> = vec![None; count];
    for o in outcomes.iter().filter(|o| o.status == 201 && !o.replayed) {
        created[o.report] += 1;
        first_id[o.report] = o.id.clone();
    }
    let tally = |f: &dyn Fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let replayed = tally(&|o| o.status == 201 && o.replayed);
    let conflicts = tally(&|o| o.status == 409);
    let others = tally(&|o| o.status != 201 && o.status != 409);
    let wrong_replays = tally(&|o| o.replayed && (o.id.is_none() || o.id != first_id[o.report]));
    let mut statuses: Vec<u16> = outcomes
        .iter()
        .filter(|o| o.status != 201 && o.status != 409)
        .map(|o| o.status)
        .collect();
    statuses.sort_unstable();
    statuses.dedup();

    // What the database says.
    let mut conn = db.get()?;
    let stored: i64 = absences::table
        .filter(absences::source.eq("guardian"))
        .select(count_star())
        .get_result(&mut *conn)?;
    let doubled = absences::table
        .group_by(absences::pupil_id)
        .having(count_star().gt(1))
        .select(absences::pupil_id)
        .load::<String>(&mut *conn)?
        .len();
    drop(conn);

    let mut latencies: Vec<Duration> = outcomes.iter().map(|o| o.latency).collect();
    latencies.sort_unstable();
    let at = |q: f64| ms(latencies[((latencies.len() as f64 - 1.0) * q) as usize]);
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let rush_rate = outcomes.len() as f64 / rush_time.as_secs_f64();
    let health_rate = health_done as f64 / rush_time.as_secs_f64();
    println!(
        "morning rush on {backend}: {} requests ({count} reports, {} retries), {connections} in flight, {rounds} rounds taking turns with /health/ready",
        outcomes.len(),
        outcomes.len() - count
    );
    println!(
        "  answers: 201 {} / 201 replayed {replayed} / 409 {conflicts} / other {others} {statuses:?}",
        outcomes.len() - replayed - conflicts - others
    );
    println!(
        "  reports created once {} / never {} / more than once {}; replays with another id {wrong_replays}",
        created.iter().filter(|&&n| n == 1).count(),
        created.iter().filter(|&&n| n == 0).count(),
        created.iter().filter(|&&n| n > 1).count()
    );
    println!(
        "  in the database: {stored} guardian reports (of {count}: lost {}), pupils with more than one: {doubled}",
        count as i64 - stored
    );
    println!(
        "  POST absences     {rush_rate:>8.0} req/s {:>4.0} %   p50 {:.1} ms  p99 {:.1} ms",
        100.0 * rush_rate / health_rate,
        at(0.5),
        at(0.99)
    );
    println!("  GET /health/ready {health_rate:>8.0} req/s  100 %   ({health_failed} not 200)");
    let intact = stored == count as i64
        && doubled == 0
        && others == 0
        && wrong_replays == 0
        && created.iter().all(|&n| n == 1);
    if !intact {
        return Err("reports lost, duplicated or refused: see above".into());
    }
    Ok(())
}

/// Sends `lines` with `connections` requests in flight, each line exactly once.
async fn rush(
    client: &reqwest::Client,
    base: &str,
    reports: &[Report],
    lines: &[usize],
    body: &str,
    connections: usize,
) -> Vec<Outcome> {
    let next = &AtomicUsize::new(0);
    let workers = (0..connections).map(|_| async move {
        let mut outcomes = Vec::new();
        while let Some(&n) = lines.get(next.fetch_add(1, Ordering::Relaxed)) {
            let report = &reports[n];
            let started = Instant::now();
            let sent = client
                .post(format!("{base}/api/v1/pupils/{}/absences", report.pupil))
                .bearer_auth(&report.token)
                .header("Idempotency-Key", &report.key)
                .header("Content-Type", "application/json")
                .body(body.to_owned())
                .send()
                .await;
            let (status, replayed, id) = match sent {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let replayed = answer.headers().contains_key("Idempotent-Replayed");
                    let text = answer.text().await.unwrap_or_default();
                    let id = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|v| v["id"].as_str().map(str::to_owned));
                    if status != 201 && status != 409 {
                        eprintln!("{status}: {text}");
                    }
                    (status, replayed, id)
                }
                Err(err) => {
                    eprintln!("not sent: {err}");
                    (0, false, None)
                }
            };
            outcomes.push(Outcome {
                report: n,
                status,
                replayed,
                id,
                latency: started.elapsed(),
            });
        }
        outcomes
    });
    join_all(workers).await.into_iter().flatten().collect()
}

/// A school with one group of `count` pupils, each with one guardian with an account and a
/// session (as after a sign-in; 10,000 sign-ins would be minutes of argon2), and the guardians'
/// reports with access tokens minted for those sessions.
fn seed(db: &Database, count: usize, keys: &TokenKeys) -> Result<Vec<Report>, Failure> {
    let mut conn = db.get()?;
    let rows = persistence::transaction(&mut conn, |conn| {
        let (school, year_id) = common::school(conn, "98ZZ")?;
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
        common::add_families(&mut rows, &school, std::slice::from_ref(&group), count);
        roster::insert_rows(conn, &rows)?;
        let seeded = common::sign_in_guardians(conn, &rows)?;
        Ok::<_, persistence::RepoError>(seeded)
    })?;
    db.refresh_statistics()?;
    rows.into_iter()
        .enumerate()
        .map(|(n, (account, session, pupil))| {
            Ok(Report {
                token: keys.issue(uuid(&account), uuid(&session))?,
                pupil,
                key: format!("rush-{n}"),
            })
        })
        .collect()
}
