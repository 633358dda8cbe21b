//! When background work is due. Schools live in Europe/Amsterdam (SPEC §13: times in UTC on the
//! wire, school rules in Amsterdam time), so "nightly" means a local hour, whatever the season.

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;

/// The local hour of the nightly roster fetch: after the LAS's own nightly jobs and well before
/// school starts, so new pupils are there the next morning (seed 003: within a day).
pub const NIGHTLY_FETCH_HOUR: u32 = 2;

/// The first nightly fetch time (02:00 in Amsterdam) strictly after `now`, in UTC.
pub fn next_nightly_fetch(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&Amsterdam);
    let at = NaiveTime::from_hms_opt(NIGHTLY_FETCH_HOUR, 0, 0).unwrap_or(NaiveTime::MIN);
    let mut day = local.date_naive();
    loop {
        // 02:00 does not exist on the night clocks go forward; the next valid instant is 03:00.
        let candidate = Amsterdam
            .from_local_datetime(&day.and_time(at))
            .earliest()
            .or_else(|| {
                Amsterdam
                    .from_local_datetime(&(day.and_time(at) + Duration::hours(1)))
                    .earliest()
            });
        if let Some(candidate) = candidate
            && candidate.with_timezone(&Utc) > now
        {
            return candidate.with_timezone(&Utc);
        }
        day = day.succ_opt().unwrap_or(day);
    }
}

/// The date in Amsterdam at `now`: the day a pupil leaves or a rule applies is the school's day,
/// not UTC's (between 00:00 and 01:00/02:00 local they differ).
pub fn school_date(now: DateTime<Utc>) -> chrono::NaiveDate {
    now.with_timezone(&Amsterdam).date_naive()
}

/// `next_nightly_fetch` for a naive UTC time, as the database stores it.
pub fn next_nightly_fetch_naive(now: NaiveDateTime) -> NaiveDateTime {
    next_nightly_fetch(now.and_utc()).naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn nightly_is_two_oclock_in_amsterdam_in_winter_and_summer() {
        // Winter: UTC+1, so 01:00 UTC.
        assert_eq!(
            next_nightly_fetch(utc("2026-11-22T12:00:00Z")),
            utc("2026-11-23T01:00:00Z")
        );
        // Summer: UTC+2, so 00:00 UTC.
        assert_eq!(
            next_nightly_fetch(utc("2026-06-10T12:00:00Z")),
            utc("2026-06-11T00:00:00Z")
        );
        // Just before the hour on the same night.
        assert_eq!(
            next_nightly_fetch(utc("2026-11-23T00:59:00Z")),
            utc("2026-11-23T01:00:00Z")
        );
        // At the hour itself: the next night.
        assert_eq!(
            next_nightly_fetch(utc("2026-11-23T01:00:00Z")),
            utc("2026-11-24T01:00:00Z")
        );
    }

    #[test]
    fn the_school_date_is_amsterdams() {
        let date = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(school_date(utc("2026-11-22T23:30:00Z")), date("2026-11-23"));
        assert_eq!(school_date(utc("2026-06-10T22:30:00Z")), date("2026-06-11"));
        assert_eq!(school_date(utc("2026-06-10T21:30:00Z")), date("2026-06-10"));
    }

    #[test]
    fn the_night_the_clocks_go_forward_still_fetches() {
        // 29 March 2026: 02:00 local does not exist; 03:00 CEST is 01:00 UTC.
        assert_eq!(
            next_nightly_fetch(utc("2026-03-28T12:00:00Z")),
            utc("2026-03-29T01:00:00Z")
        );
    }
}
