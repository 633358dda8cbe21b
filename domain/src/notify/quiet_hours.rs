//! Quiet hours: nothing but urgent messages reaches guardians in the evening and at night; what is
//! held goes out when the quiet period ends (SPEC §6, seed 003). The period is a pair of local
//! clock times in Amsterdam, so "07:00" stays 07:00 for the parent across the DST changes.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Europe::Amsterdam;

use crate::schedule::amsterdam_instants;

/// The default quiet period starts at 17:00 local (seed 003, SPEC §6).
pub const DEFAULT_START: NaiveTime = hour(17);
/// The default quiet period ends at 07:00 local (seed 003, SPEC §6).
pub const DEFAULT_END: NaiveTime = hour(7);

const fn hour(hour: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, 0, 0) {
        Some(time) => time,
        None => NaiveTime::MIN,
    }
}

/// A school's quiet period, from `start` (quiet) to `end` (no longer quiet), in Amsterdam local
/// time. When `start` is later than `end` the period wraps midnight (17:00–07:00); otherwise it
/// lies within one day (12:00–13:00). The fields are private so that every value went through
/// [`QuietHours::new`]: a school without quiet hours is `Option::<QuietHours>::None`, not a
/// period that starts and ends at the same time (which would read as either nothing or all day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuietHours {
    start: NaiveTime,
    end: NaiveTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuietHoursError {
    /// `start == end`: ambiguous between "never quiet" and "always quiet". Neither is a quiet
    /// period; the first is `None`, the second would silence a school for good.
    #[error("quiet hours must start and end at different times; for none, leave them unset")]
    StartEqualsEnd,
}

impl Default for QuietHours {
    /// 17:00–07:00 (seed 003, SPEC §6).
    fn default() -> QuietHours {
        QuietHours {
            start: DEFAULT_START,
            end: DEFAULT_END,
        }
    }
}

impl QuietHours {
    /// A school's configured quiet period (SPEC §6: configurable per school).
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<QuietHours, QuietHoursError> {
        if start == end {
            return Err(QuietHoursError::StartEqualsEnd);
        }
        Ok(QuietHours { start, end })
    }

    /// The first local time that is quiet.
    pub fn start(&self) -> NaiveTime {
        self.start
    }

    /// The first local time that is no longer quiet.
    pub fn end(&self) -> NaiveTime {
        self.end
    }

    fn wraps_midnight(&self) -> bool {
        self.start > self.end
    }

    /// Whether a local clock reading lies in the period: the start is quiet, the end is not.
    fn covers(&self, time: NaiveTime) -> bool {
        if self.wraps_midnight() {
            time >= self.start || time < self.end
        } else {
            self.start <= time && time < self.end
        }
    }

    /// Whether a non-urgent message may not go out at `at`: the Amsterdam clock then reads a
    /// time in the period. Exactly when `release_at(at, false) > at`.
    pub fn is_quiet(&self, at: DateTime<Utc>) -> bool {
        self.covers(at.with_timezone(&Amsterdam).time())
    }

    /// When a delivery created at `at` may go out. Urgent messages are never held (SPEC §6).
    /// Anything else created in the quiet period waits for its end: the first instant after `at`
    /// at which the Amsterdam clock shows `end`. If the clocks skip `end` that night (the spring
    /// gap), that is the first instant after the gap; if the clock shows `end` twice (the autumn
    /// hour that repeats), the earlier one, unless `at` lies in the repeat, and then the one that
    /// is still to come.
    pub fn release_at(&self, at: DateTime<Utc>, urgent: bool) -> DateTime<Utc> {
        let local = at.with_timezone(&Amsterdam).naive_local();
        if urgent || !self.covers(local.time()) {
            return at;
        }
        // In the evening part of a period that wraps midnight, the period ends tomorrow.
        let end_date = if self.wraps_midnight() && local.time() >= self.start {
            local.date().succ_opt().unwrap_or(local.date())
        } else {
            local.date()
        };
        amsterdam_instants(end_date.and_time(self.end))
            .into_iter()
            .find(|instant| *instant > at)
            .unwrap_or(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn time(hour: u32, minute: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hour, minute, 0).unwrap()
    }

    fn quiet(start: NaiveTime, end: NaiveTime) -> QuietHours {
        QuietHours::new(start, end).unwrap()
    }

    #[test]
    fn the_default_is_five_in_the_evening_to_seven_in_the_morning() {
        let default = QuietHours::default();
        assert_eq!((default.start(), default.end()), (time(17, 0), time(7, 0)));
    }

    #[test]
    fn an_evening_post_in_winter_waits_until_seven_the_next_morning() {
        // Tuesday 10 November 2026, 17:30 CET (UTC+1); 07:00 CET is 06:00 UTC.
        let at = utc("2026-11-10T16:30:00Z");
        assert_eq!(
            QuietHours::default().release_at(at, false),
            utc("2026-11-11T06:00:00Z")
        );
    }

    #[test]
    fn an_evening_post_in_summer_waits_until_seven_the_next_morning() {
        // Wednesday 10 June 2026, 17:30 CEST (UTC+2); 07:00 CEST is 05:00 UTC.
        let at = utc("2026-06-10T15:30:00Z");
        assert_eq!(
            QuietHours::default().release_at(at, false),
            utc("2026-06-11T05:00:00Z")
        );
    }

    #[test]
    fn an_urgent_post_goes_out_at_once() {
        let at = utc("2026-11-10T16:30:00Z");
        assert!(QuietHours::default().is_quiet(at));
        assert_eq!(QuietHours::default().release_at(at, true), at);
    }

    #[test]
    fn a_post_at_one_minute_to_five_is_not_held() {
        let at = utc("2026-11-10T15:59:00Z");
        assert!(!QuietHours::default().is_quiet(at));
        assert_eq!(QuietHours::default().release_at(at, false), at);
    }

    #[test]
    fn a_post_at_five_exactly_is_held() {
        let at = utc("2026-11-10T16:00:00Z");
        assert!(QuietHours::default().is_quiet(at));
        assert_eq!(
            QuietHours::default().release_at(at, false),
            utc("2026-11-11T06:00:00Z")
        );
    }

    #[test]
    fn a_post_at_seven_exactly_is_not_held() {
        let at = utc("2026-11-11T06:00:00Z");
        assert!(!QuietHours::default().is_quiet(at));
        assert_eq!(QuietHours::default().release_at(at, false), at);
    }

    #[test]
    fn a_post_at_one_minute_to_seven_waits_until_seven_the_same_morning() {
        let at = utc("2026-11-11T05:59:00Z");
        assert!(QuietHours::default().is_quiet(at));
        assert_eq!(
            QuietHours::default().release_at(at, false),
            utc("2026-11-11T06:00:00Z")
        );
    }

    #[test]
    fn a_post_after_midnight_waits_until_seven_the_same_morning() {
        // 00:30 CET on 11 November is 23:30 UTC on the 10th: the local date is what counts.
        let at = utc("2026-11-10T23:30:00Z");
        assert_eq!(
            QuietHours::default().release_at(at, false),
            utc("2026-11-11T06:00:00Z")
        );
    }

    #[test]
    fn the_night_the_clocks_go_forward_releases_at_seven_summer_time() {
        // Saturday 28 March 2026, 17:30 CET = 16:30 UTC. DST starts that night, so 07:00 on
        // Sunday 29 March is CEST (UTC+2): 05:00 UTC, not 06:00.
        let at = utc("2026-03-28T16:30:00Z");
        assert_eq!(
            QuietHours::default().release_at(at, false),
            utc("2026-03-29T05:00:00Z")
        );
    }

    #[test]
    fn the_night_the_clocks_go_back_releases_at_seven_winter_time() {
        // Saturday 24 October 2026, 17:30 CEST = 15:30 UTC. DST ends that night, so 07:00 on
        // Sunday 25 October is CET (UTC+1): 06:00 UTC, not 05:00.
        let at = utc("2026-10-24T15:30:00Z");
        assert_eq!(
            QuietHours::default().release_at(at, false),
            utc("2026-10-25T06:00:00Z")
        );
    }

    #[test]
    fn an_end_the_clocks_skip_releases_when_they_have_jumped() {
        // Quiet 22:00–02:30; on 29 March 2026 the clock goes from 02:00 CET to 03:00 CEST, which
        // is 01:00 UTC, and never shows 02:30.
        let hours = quiet(time(22, 0), time(2, 30));
        let released = utc("2026-03-29T01:00:00Z");
        // 22:30 CET on Saturday.
        assert_eq!(
            hours.release_at(utc("2026-03-28T21:30:00Z"), false),
            released
        );
        // 01:30 CET on Sunday.
        assert_eq!(
            hours.release_at(utc("2026-03-29T00:30:00Z"), false),
            released
        );
        assert!(!hours.is_quiet(released), "03:00 CEST is past 02:30");
    }

    #[test]
    fn an_end_the_clocks_show_twice_releases_at_the_first_unless_already_past_it() {
        // Quiet 22:00–02:30; on 25 October 2026 02:30 is shown at 00:30 UTC (CEST) and again at
        // 01:30 UTC (CET).
        let hours = quiet(time(22, 0), time(2, 30));
        // 22:30 CEST on Saturday: the first 02:30.
        assert_eq!(
            hours.release_at(utc("2026-10-24T20:30:00Z"), false),
            utc("2026-10-25T00:30:00Z")
        );
        // 02:15 CET, in the repeated hour: the clock reads before 02:30 again, so the second.
        let repeat = utc("2026-10-25T01:15:00Z");
        assert!(hours.is_quiet(repeat));
        assert_eq!(hours.release_at(repeat, false), utc("2026-10-25T01:30:00Z"));
    }

    #[test]
    fn a_period_within_one_day_holds_only_its_own_hour() {
        // Quiet 12:00–13:00, in winter (UTC+1).
        let lunch = quiet(time(12, 0), time(13, 0));
        let held_until = utc("2026-11-10T12:00:00Z");
        for held in [
            "2026-11-10T11:00:00Z",
            "2026-11-10T11:30:00Z",
            "2026-11-10T11:59:00Z",
        ] {
            assert!(lunch.is_quiet(utc(held)), "{held}");
            assert_eq!(lunch.release_at(utc(held), false), held_until, "{held}");
        }
        for free in [
            "2026-11-10T10:59:00Z",
            "2026-11-10T12:00:00Z",
            "2026-11-10T16:30:00Z",
            "2026-11-10T23:30:00Z",
            "2026-11-11T05:00:00Z",
        ] {
            assert!(!lunch.is_quiet(utc(free)), "{free}");
            assert_eq!(lunch.release_at(utc(free), false), utc(free), "{free}");
        }
    }

    #[test]
    fn is_quiet_agrees_with_release_at() {
        let hours = [
            QuietHours::default(),
            quiet(time(12, 0), time(13, 0)),
            quiet(time(22, 0), time(2, 30)),
        ];
        // Every quarter hour across both DST changes of 2026 and an ordinary week.
        for start in [
            "2026-03-27T00:00:00Z",
            "2026-06-08T00:00:00Z",
            "2026-10-23T00:00:00Z",
        ] {
            let start = utc(start);
            for quarter in 0..(4 * 24 * 4) {
                let at = start + chrono::Duration::minutes(15 * quarter);
                for hours in hours {
                    let released = hours.release_at(at, false);
                    assert!(released >= at, "{hours:?} {at}");
                    assert_eq!(hours.is_quiet(at), released > at, "{hours:?} {at}");
                    assert!(!hours.is_quiet(released), "{hours:?} {at} -> {released}");
                }
            }
        }
    }

    #[test]
    fn new_refuses_a_period_that_starts_when_it_ends() {
        assert_eq!(
            QuietHours::new(time(7, 0), time(7, 0)),
            Err(QuietHoursError::StartEqualsEnd)
        );
        assert_eq!(
            QuietHours::new(time(17, 0), time(7, 0)),
            Ok(QuietHours::default())
        );
        assert!(QuietHours::new(time(12, 0), time(13, 0)).is_ok());
    }
}
