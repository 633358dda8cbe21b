//! The time the API acts at. The system clock, except in tests, which hold it at the instant they
//! choose (a report "at 08:01 Amsterdam time in winter"). Nothing outside the process can set it:
//! there is no configuration or request that does.

use std::sync::RwLock;

use chrono::{DateTime, Utc};

#[derive(Debug, Default)]
pub struct Clock {
    /// Set by a test; `None`: the system clock.
    held: RwLock<Option<DateTime<Utc>>>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        self.held
            .read()
            .ok()
            .and_then(|held| *held)
            .unwrap_or_else(Utc::now)
    }

    /// Holds the clock at `at` (tests); `None` lets it run again.
    pub fn hold(&self, at: Option<DateTime<Utc>>) {
        if let Ok(mut held) = self.held.write() {
            *held = at;
        }
    }
}
