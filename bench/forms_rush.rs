//! The sign-up forms' race (issue #13): the school admin opens a form for the sportdag and 1,000
//! households respond at once, 64 requests in flight. The form has two options: "Hulp bij de
//! sportdag" (per household, 50 places) and "Sportclinic na schooltijd" (per child, 200 places),
//! both with a waiting list, places given at once in order of arrival. One school, 8 groups; each
//! pupil has one guardian with an account, in a household of their own. Every household signs up
//! for both options in one response (half name the household's option first, half the child's),
//! under an `Idempotency-Key`; one line in ten is a retry of an earlier response with the same
//! key (alternately right behind it, so the two race, and of one sent long before).
//!
//! Afterwards the admin reads `GET /forms/{id}/results` and the database is counted: one response
//! per household, on each option exactly its capacity placed (the first to arrive: tickets 1 to
//! capacity) and everyone else waiting at positions 1 to n in order of arrival, none lost or
//! doubled; and every household was told the place it holds at the end.
//!
//! The response rate is measured next to `GET /health/ready` with the same client and
//! concurrency: right after the race, as long of `/health/ready` as the race took.
//!
//! Run: `bench/forms-rush.sh` (it starts the server). By hand, against a running server on the
//! same database and JWT secret: `DATABASE_URL=… cargo run --release -p api --example forms_rush
//! -- http://127.0.0.1:8080`. GUARDIANS (1000), GROUPS (8), HELPERS (the household option's
//! places, 50), PLACES (the child option's, 200) and CONNECTIONS (64) vary it.

// A benchmark reports on standard output.
#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use api::auth::tokens::TokenKeys;
use chrono::Utc;
use diesel::prelude::*;
use futures_util::future::join_all;
use persistence::ids::uuid;
use persistence::roster::{self, NewGroup, NewStaff, RosterRows};
use persistence::schema::{form_options, form_responses, form_signups};
use persistence::{Database, DbSettings, migrations};
use serde_json::{Value, json};

#[path = "common/mod.rs"]
mod common;

use common::{Failure, health, ms, name, retry_plan, setting};

/// One household: its guardian's access token, their child, the key they respond under.
struct Family {
    token: String,
    pupil: String,
    key: String,
}

/// What one line got back: the household, the status, whether it was a replay, and from a 201
/// the response's id and its sign-ups (id → state and waiting position) as the household was told.
struct Outcome {
    family: usize,
    status: u16,
    replayed: bool,
    response: Option<String>,
    told: Vec<(String, String, Option<u64>)>,
    latency: Duration,
}

/// The form's two options: (id, capacity) of the household's and the child's.
struct Options {
    household: (String, usize),
    child: (String, usize),
}

fn main() -> Result<(), Failure> {
    let base = std::env::args()
        .nth(1)
        .ok_or("usage: forms_rush <server base url>")?;
    let count = setting("GUARDIANS", 1_000)?;
    let groups = setting("GROUPS", 8)?.clamp(1, 8);
    let helpers = setting("HELPERS", 50)?.max(1);
    let places = setting("PLACES", 200)?.max(1);
    let connections = setting("CONNECTIONS", 64)?.max(1);
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
    let (school, admin, families) = seed(
        &db,
        count,
        groups,
        &TokenKeys::new(secret.as_bytes(), Duration::from_secs(3600)),
    )?;
    println!(
        "seeded {count} pupils in {groups} groups (each with one guardian with an account and a session, a household each) and a school admin, in {:.1} s",
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
    let (form, options) = runtime.block_on(create_form(
        &client, &base, &school, &admin, helpers, places,
    ))?;
    println!(
        "the admin opened form {form}: \"Hulp bij de sportdag\" per household ({helpers} places), \"Sportclinic na schooltijd\" per child ({places} places), waiting lists, places given at once"
    );

    let lines = retry_plan(count);
    let started = Instant::now();
    let outcomes = runtime.block_on(rush(
        &client,
        &base,
        &form,
        &options,
        &families,
        &lines,
        connections,
    ));
    let rush_time = started.elapsed();
    let (health_done, health_failed) =
        runtime.block_on(health(&client, &base, connections, rush_time));

    // What the answers say.
    let mut created = vec![0usize; count];
    let mut first: Vec<Option<&Outcome>> = vec![None; count];
    for o in outcomes.iter().filter(|o| o.status == 201 && !o.replayed) {
        created[o.family] += 1;
        first[o.family] = Some(o);
    }
    let tally = |f: &dyn Fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let replayed = tally(&|o| o.status == 201 && o.replayed);
    let conflicts = tally(&|o| o.status == 409);
    let others = tally(&|o| o.status != 201 && o.status != 409);
    let wrong_replays = tally(&|o| {
        o.replayed
            && (o.response.is_none()
                || o.response != first[o.family].and_then(|f| f.response.clone()))
    });
    let mut statuses: Vec<u16> = outcomes
        .iter()
        .filter(|o| o.status != 201 && o.status != 409)
        .map(|o| o.status)
        .collect();
    statuses.sort_unstable();
    statuses.dedup();

    // What the admin reads.
    let started = Instant::now();
    let results = runtime.block_on(get_results(&client, &base, &form, &admin))?;
    let results_time = started.elapsed();
    let results_check = check_results(&results, count, &options);
    // What each household was told against where it stands at the end.
    let finally: HashMap<&str, (&str, Option<u64>)> = results["options"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| o["entries"].as_array().into_iter().flatten())
        .filter_map(|e| {
            Some((
                e["signup_id"].as_str()?,
                (e["state"].as_str()?, e["position"].as_u64()),
            ))
        })
        .collect();
    let told_otherwise = first
        .iter()
        .flatten()
        .flat_map(|o| &o.told)
        .filter(|(id, state, position)| {
            finally.get(id.as_str()) != Some(&(state.as_str(), *position))
        })
        .count();
    let told_signups: usize = first.iter().flatten().map(|o| o.told.len()).sum();

    // What the database says.
    let mut conn = db.get()?;
    let responses: i64 = form_responses::table
        .filter(form_responses::form_id.eq(&form))
        .count()
        .get_result(&mut *conn)?;
    let mut households: Vec<String> = form_responses::table
        .filter(form_responses::form_id.eq(&form))
        .select(form_responses::household)
        .load(&mut *conn)?;
    households.sort_unstable();
    households.dedup();
    let households = households.len() as i64;
    let signups: Vec<(String, String, i32)> = form_signups::table
        .filter(form_signups::form_id.eq(&form))
        .select((
            form_signups::option_id,
            form_signups::state,
            form_signups::ticket,
        ))
        .order((form_signups::option_id, form_signups::ticket))
        .load(&mut *conn)?;
    let counters: Vec<(String, i32, i32, i32)> = form_options::table
        .filter(form_options::form_id.eq(&form))
        .select((
            form_options::id,
            form_options::placed,
            form_options::waiting,
            form_options::tickets,
        ))
        .load(&mut *conn)?;
    drop(conn);
    let stored = [("household", &options.household), ("child", &options.child)].map(
        |(per, (id, capacity))| {
            let mine: Vec<&(String, String, i32)> =
                signups.iter().filter(|(o, _, _)| o == id).collect();
            let placed = mine.iter().filter(|(_, s, _)| s == "placed").count();
            let waiting = mine.iter().filter(|(_, s, _)| s == "waiting").count();
            // In order of arrival: tickets 1..=n, the first `capacity` placed, the rest waiting.
            let in_order = mine.iter().enumerate().all(|(i, (_, state, ticket))| {
                usize::try_from(*ticket).ok() == Some(i + 1)
                    && state == if i < *capacity { "placed" } else { "waiting" }
            });
            let counted = counters.iter().any(|(o, p, w, t)| {
                o == id
                    && usize::try_from(*p).ok() == Some(placed)
                    && usize::try_from(*w).ok() == Some(waiting)
                    && usize::try_from(*t).ok() == Some(mine.len())
            });
            (
                per,
                *capacity,
                mine.len(),
                placed,
                waiting,
                in_order,
                counted,
            )
        },
    );

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
        "sign-up race on {backend}: {} requests ({count} households, {} retries) in {:.2} s, {connections} in flight, then as long of /health/ready",
        outcomes.len(),
        outcomes.len() - count,
        rush_time.as_secs_f64()
    );
    println!(
        "  answers: 201 {} / 201 replayed {replayed} / 409 {conflicts} / other {others} {statuses:?}",
        outcomes.len() - replayed - conflicts - others
    );
    println!(
        "  households responded once {} / never {} / more than once {}; replays with another response {wrong_replays}",
        created.iter().filter(|&&n| n == 1).count(),
        created.iter().filter(|&&n| n == 0).count(),
        created.iter().filter(|&&n| n > 1).count()
    );
    println!("  in the database: {responses} responses from {households} households (of {count})");
    for (per, capacity, all, placed, waiting, in_order, counted) in &stored {
        println!(
            "    per {per:<9}: {all} sign-ups, {placed} placed (of {capacity}), {waiting} waiting; in order of arrival: {}; the option's counters agree: {}",
            yes(*in_order),
            yes(*counted)
        );
    }
    println!(
        "  results as the admin read them ({:.0} ms): {}",
        ms(results_time),
        results_check.as_deref().unwrap_or("as counted")
    );
    println!(
        "  households told another state or position than they hold at the end: {told_otherwise} of {told_signups} sign-ups"
    );
    println!(
        "  POST responses    {rush_rate:>8.0} req/s {:>4.1} %   p50 {:.1} ms  p99 {:.1} ms",
        100.0 * rush_rate / health_rate,
        at(0.5),
        at(0.99)
    );
    println!("  GET /health/ready {health_rate:>8.0} req/s  100 %   ({health_failed} not 200)");

    let intact = others == 0
        && wrong_replays == 0
        && created.iter().all(|&n| n == 1)
        && responses == count as i64
        && households == count as i64
        && stored
            .iter()
            .all(|(_, capacity, all, placed, waiting, in_order, counted)| {
                *all == count
                    && *placed == count.min(*capacity)
                    && *waiting == count - *placed
                    && *in_order
                    && *counted
            })
        && results_check.is_none()
        && told_otherwise == 0
        && told_signups == 2 * count;
    if !intact {
        return Err(
            "sign-ups lost, doubled, over capacity, out of order or refused: see above".into(),
        );
    }
    Ok(())
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "NO" }
}

/// The admin's form: open now, closing in a week, the two options.
async fn create_form(
    client: &reqwest::Client,
    base: &str,
    school: &str,
    admin: &str,
    helpers: usize,
    places: usize,
) -> Result<(String, Options), Failure> {
    let now = Utc::now();
    let input = json!({
        "title": "Sportdag",
        "description": "Wie helpt er mee, en welke kinderen doen mee aan de clinic?",
        "audience": {"kind": "school"},
        "opens_at": now,
        "closes_at": now + chrono::Duration::days(7),
        "options": [
            {"label": "Hulp bij de sportdag", "per": "household", "capacity": helpers},
            {"label": "Sportclinic na schooltijd", "per": "child", "capacity": places},
        ],
        "waiting_list": true,
        "allocation": "immediate",
    });
    let answer = client
        .post(format!("{base}/api/v1/schools/{school}/forms"))
        .bearer_auth(admin)
        .header("Idempotency-Key", "forms-rush-form")
        .header("Content-Type", "application/json")
        .body(input.to_string())
        .send()
        .await?;
    let status = answer.status().as_u16();
    let text = answer.text().await?;
    if status != 201 {
        return Err(format!("creating the form: {status}: {text}").into());
    }
    let form: Value = serde_json::from_str(&text)?;
    let id = form["id"].as_str().ok_or("the form has no id")?.to_owned();
    let option = |per: &str, capacity: usize| -> Result<(String, usize), Failure> {
        let found = form["options"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["per"] == per)
            .and_then(|o| o["id"].as_str())
            .ok_or_else(|| format!("the form has no option per {per}"))?;
        Ok((found.to_owned(), capacity))
    };
    Ok((
        id,
        Options {
            household: option("household", helpers)?,
            child: option("child", places)?,
        },
    ))
}

/// Household `n`'s response: both options, the household's first when `n` is even.
fn body(n: usize, options: &Options, pupil: &str) -> String {
    let household = json!({"option_id": options.household.0});
    let child = json!({"option_id": options.child.0, "pupil_id": pupil});
    let choices = if n.is_multiple_of(2) {
        vec![household, child]
    } else {
        vec![child, household]
    };
    json!({"answers": {}, "choices": choices}).to_string()
}

/// Sends `lines` with `connections` requests in flight, each line exactly once.
async fn rush(
    client: &reqwest::Client,
    base: &str,
    form: &str,
    options: &Options,
    families: &[Family],
    lines: &[usize],
    connections: usize,
) -> Vec<Outcome> {
    let next = &AtomicUsize::new(0);
    let url = &format!("{base}/api/v1/forms/{form}/responses");
    let workers = (0..connections).map(|_| async move {
        let mut outcomes = Vec::new();
        while let Some(&n) = lines.get(next.fetch_add(1, Ordering::Relaxed)) {
            let family = &families[n];
            let started = Instant::now();
            let sent = client
                .post(url)
                .bearer_auth(&family.token)
                .header("Idempotency-Key", &family.key)
                .header("Content-Type", "application/json")
                .body(body(n, options, &family.pupil))
                .send()
                .await;
            let (status, replayed, response, told) = match sent {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let replayed = answer.headers().contains_key("Idempotent-Replayed");
                    let text = answer.text().await.unwrap_or_default();
                    if status != 201 && status != 409 {
                        eprintln!("{status}: {text}");
                    }
                    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    let told = value["signups"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|s| {
                            Some((
                                s["id"].as_str()?.to_owned(),
                                s["state"].as_str()?.to_owned(),
                                s["position"].as_u64(),
                            ))
                        })
                        .collect();
                    let response = value["id"].as_str().map(str::to_owned);
                    (status, replayed, response, told)
                }
                Err(err) => {
                    eprintln!("not sent: {err}");
                    (0, false, None, Vec::new())
                }
            };
            outcomes.push(Outcome {
                family: n,
                status,
                replayed,
                response,
                told,
                latency: started.elapsed(),
            });
        }
        outcomes
    });
    join_all(workers).await.into_iter().flatten().collect()
}

async fn get_results(
    client: &reqwest::Client,
    base: &str,
    form: &str,
    admin: &str,
) -> Result<Value, Failure> {
    let answer = client
        .get(format!("{base}/api/v1/forms/{form}/results"))
        .bearer_auth(admin)
        .send()
        .await?;
    let status = answer.status().as_u16();
    let text = answer.text().await?;
    if status != 200 {
        return Err(format!("reading the results: {status}: {text}").into());
    }
    Ok(serde_json::from_str(&text)?)
}

/// What is wrong with the results the admin reads, if anything: every household responded, each
/// option has its capacity placed, and those waiting stand at 1..n in order.
fn check_results(results: &Value, count: usize, options: &Options) -> Option<String> {
    let mut wrong = Vec::new();
    if results["responses"].as_u64() != Some(count as u64) {
        wrong.push(format!("{} responses", results["responses"]));
    }
    let missing = results["not_responded"].as_array().map_or(0, Vec::len);
    if missing != 0 {
        wrong.push(format!("{missing} pupils not responded"));
    }
    for (id, capacity) in [&options.household, &options.child] {
        let Some(option) = results["options"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["option_id"].as_str() == Some(id))
        else {
            wrong.push(format!("option {id} missing"));
            continue;
        };
        let entries = option["entries"].as_array().map_or(&[][..], Vec::as_slice);
        let placed = entries.iter().filter(|e| e["state"] == "placed").count();
        let positions: Vec<Option<u64>> = entries
            .iter()
            .filter(|e| e["state"] == "waiting")
            .map(|e| e["position"].as_u64())
            .collect();
        let expected: Vec<Option<u64>> = (1..=(count - count.min(*capacity)) as u64)
            .map(Some)
            .collect();
        if entries.len() != count
            || placed != count.min(*capacity)
            || option["placed"].as_u64() != Some(placed as u64)
            || option["waiting"].as_u64() != Some(positions.len() as u64)
            || positions != expected
        {
            wrong.push(format!(
                "{}: {} entries, {placed} placed (says {}), {} waiting (says {}), positions 1..n in order: {}",
                option["label"],
                entries.len(),
                option["placed"],
                positions.len(),
                option["waiting"],
                yes(positions == expected)
            ));
        }
    }
    (!wrong.is_empty()).then(|| wrong.join("; "))
}

/// A school with `groups` groups (year groups 1 to 8) sharing `count` pupils, each pupil with one
/// guardian with an account and a session in a household of their own (as after a sign-in: 1,000
/// argon2 sign-ins would be the benchmark's bottleneck), and a school admin with a session:
/// (school id, the admin's token, the households).
fn seed(
    db: &Database,
    count: usize,
    groups: usize,
    keys: &TokenKeys,
) -> Result<(String, String, Vec<Family>), Failure> {
    let mut conn = db.get()?;
    let (school, admin, seeded) = persistence::transaction(&mut conn, |conn| {
        let (school, year_id) = common::school(conn, "98ZX")?;
        let mut rows = RosterRows::default();
        let mut group_ids = Vec::with_capacity(groups);
        for g in 0..groups {
            let key = format!("G{}", g + 1);
            group_ids.push(
                roster::insert_group(
                    conn,
                    &NewGroup {
                        school_id: &school,
                        school_year_id: &year_id,
                        las_key: &key,
                        name: &key,
                        year_group: i32::try_from(g + 1).ok(),
                        is_combined: false,
                    },
                )?
                .id,
            );
        }
        let admin = roster::staff_row(NewStaff {
            school_id: school.clone(),
            las_key: "admin".to_owned(),
            name: name("Beheerder", "Rush".to_owned()),
            email: Some("beheer@rush.example".to_owned()),
            phone: None,
        });
        rows.staff_roles
            .push((admin.id.clone(), "school_admin".to_owned()));
        let admin_id = admin.id.clone();
        rows.staff.push(admin);
        common::add_families(&mut rows, &school, &group_ids, count);
        roster::insert_rows(conn, &rows)?;
        let seeded = common::sign_in_guardians(conn, &rows)?;
        let account = persistence::accounts::insert_person(conn, "beheer@rush.example", None)?;
        roster::link_staff_account(conn, &admin_id, &account.id)?;
        let session = persistence::sessions::start(conn, &account.id)?;
        Ok::<_, persistence::RepoError>((school, (account.id, session), seeded))
    })?;
    drop(conn);
    db.refresh_statistics()?;
    let admin = keys.issue(uuid(&admin.0), uuid(&admin.1))?;
    let families = seeded
        .into_iter()
        .enumerate()
        .map(|(n, (account, session, pupil))| {
            Ok(Family {
                token: keys.issue(uuid(&account), uuid(&session))?,
                pupil,
                key: format!("forms-rush-{n}"),
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    Ok((school, admin, families))
}
