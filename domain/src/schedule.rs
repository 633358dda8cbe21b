//! When background work is due. Schools live in Europe/Amsterdam (SPEC §13: times in UTC on the
//! wire, school rules in Amsterdam time), so "nightly" means a local hour, whatever the season.

use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, SubsecRound, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;

/// The local hour of the nightly roster fetch: after the LAS's own nightly jobs and well before
/// school starts, so new pupils are there the next morning (seed 003: within a day).
pub const NIGHTLY_FETCH_HOUR: u32 = 2;

/// The first nightly fetch time (02:00 in Amsterdam) strictly after `now`, in UTC. On the night
/// the clocks go forward 02:00 does not exist, and the fetch runs at 03:00 CEST.
pub fn next_nightly_fetch(now: DateTime<Utc>) -> DateTime<Utc> {
    let at = NaiveTime::from_hms_opt(NIGHTLY_FETCH_HOUR, 0, 0).unwrap_or(NaiveTime::MIN);
    next_local(now, at)
}

/// The first instant strictly after `after` at which the Amsterdam clock shows `local_time`, once
/// per local day: if the clock skips `local_time` that night (the spring gap) it is the first
/// instant after the gap; if it shows it twice (the autumn hour that repeats) only the first
/// counts, so something just done is not done again an hour later.
pub fn next_local(after: DateTime<Utc>, local_time: NaiveTime) -> DateTime<Utc> {
    let today = after.with_timezone(&Amsterdam).date_naive();
    let [first_today, _] = amsterdam_instants(today.and_time(local_time));
    if first_today > after {
        return first_today;
    }
    // Tomorrow's is always later: its local date is, and Amsterdam's clocks never change near
    // midnight.
    let tomorrow = today.succ_opt().unwrap_or(today);
    let [first_tomorrow, _] = amsterdam_instants(tomorrow.and_time(local_time));
    first_tomorrow
}

/// The instants at which the Amsterdam clock shows `local`, earliest first. On an ordinary day
/// both are the same instant; in the autumn hour that repeats they are the two passes through it.
/// A reading the clock skips (the spring gap, 02:00–03:00) maps to the first instant after the
/// gap: something due "at 02:30" that night is due as soon as the clock has gone past it.
pub(crate) fn amsterdam_instants(local: NaiveDateTime) -> [DateTime<Utc>; 2] {
    let mapped = Amsterdam.from_local_datetime(&local);
    match (mapped.earliest(), mapped.latest()) {
        (Some(earliest), Some(latest)) => [earliest.to_utc(), latest.to_utc()],
        _ => {
            let after = end_of_gap(local);
            [after, after]
        }
    }
}

/// The first instant whose Amsterdam reading is past `local`, a reading inside a spring gap.
/// chrono-tz does not expose its transitions, so this searches for it: a day either side of
/// `local` brackets it (the offset is one or two hours), and within that bracket the local
/// reading only rises (the clocks change twice a year), so halving the bracket finds the second
/// the clock jumps. Transitions fall on whole seconds, so the answer is exact.
fn end_of_gap(local: NaiveDateTime) -> DateTime<Utc> {
    let base = (local - Duration::days(1)).and_utc().trunc_subsecs(0);
    let reading = |seconds: i64| {
        (base + Duration::seconds(seconds))
            .with_timezone(&Amsterdam)
            .naive_local()
    };
    // Invariant: reading(low) <= local < reading(high).
    let (mut low, mut high) = (0_i64, 2 * 86_400);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if reading(middle) > local {
            high = middle;
        } else {
            low = middle;
        }
    }
    base + Duration::seconds(high)
}

/// The date in Amsterdam at `now`: the day a pupil leaves or a rule applies is the school's day,
/// not UTC's (between 00:00 and 01:00/02:00 local they differ).
pub fn school_date(now: DateTime<Utc>) -> chrono::NaiveDate {
    now.with_timezone(&Amsterdam).date_naive()
}

/// A moment as the school's wall clock shows it in a message ("12-03-2027 17:00").
pub fn school_moment(at: DateTime<Utc>) -> String {
    at.with_timezone(&Amsterdam)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// `next_nightly_fetch` for a naive UTC time, as the database stores it.
pub fn next_nightly_fetch_naive(now: NaiveDateTime) -> NaiveDateTime {
    next_nightly_fetch(now.and_utc()).naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn an_ordinary_reading_is_one_instant() {
        let winter = utc("2026-11-10T06:00:00Z");
        assert_eq!(
            amsterdam_instants(local("2026-11-10 07:00:00")),
            [winter, winter]
        );
        let summer = utc("2026-06-10T05:00:00Z");
        assert_eq!(
            amsterdam_instants(local("2026-06-10 07:00:00")),
            [summer, summer]
        );
    }

    #[test]
    fn a_reading_in_the_spring_gap_is_the_first_instant_after_it() {
        // 29 March 2026: 02:00 CET jumps to 03:00 CEST, which is 01:00 UTC.
        let after_gap = utc("2026-03-29T01:00:00Z");
        for reading in [
            "2026-03-29 02:00:00",
            "2026-03-29 02:30:00",
            "2026-03-29 02:59:59",
        ] {
            assert_eq!(
                amsterdam_instants(local(reading)),
                [after_gap, after_gap],
                "{reading}"
            );
        }
        // A fraction of a second into the gap still lands on the jump itself.
        let fraction = local("2026-03-29 02:30:00") + Duration::milliseconds(250);
        assert_eq!(amsterdam_instants(fraction), [after_gap, after_gap]);
    }

    #[test]
    fn a_reading_in_the_repeated_autumn_hour_is_both_passes() {
        // 25 October 2026: 03:00 CEST falls back to 02:00 CET at 01:00 UTC.
        assert_eq!(
            amsterdam_instants(local("2026-10-25 02:30:00")),
            [utc("2026-10-25T00:30:00Z"), utc("2026-10-25T01:30:00Z")]
        );
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
