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
