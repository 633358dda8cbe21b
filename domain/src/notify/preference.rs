//! Whether and how a guardian hears of something: their preference, the message's urgency, and
//! the school's daily overview time (SPEC §6, seeds 003 and 004).

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// How a guardian wants to hear of ordinary messages (SPEC §6). Urgent messages reach them
/// whatever they choose.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Preference {
    /// Every message as it comes (after quiet hours).
    Immediate,
    /// One overview a day, plus urgent messages at once: the default (seed 003, "dagelijks
    /// overzicht + urgent"), so a guardian who never opens the settings is neither flooded nor
    /// left uninformed.
    #[default]
    DailyDigest,
    /// Nothing but urgent messages and the messages that are always sent.
    Off,
}

impl Preference {
    pub const ALL: [Preference; 3] = [
        Preference::Immediate,
        Preference::DailyDigest,
        Preference::Off,
    ];

    /// The stored and wire form; the same as serde's.
    pub fn as_str(self) -> &'static str {
        match self {
            Preference::Immediate => "immediate",
            Preference::DailyDigest => "daily_digest",
            Preference::Off => "off",
        }
    }

    /// Reads `as_str`'s form. An unknown value is `None`, not the default: a typo must not
    /// quietly change what a guardian receives.
    pub fn parse(value: &str) -> Option<Preference> {
        Preference::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// Whether a message may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    Normal,
    /// Cannot be muted by the preference and is not held by quiet hours (SPEC §6).
    Urgent,
}

/// What happens to one message for one guardian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Sent on its own, as soon as quiet hours allow (urgent: at once).
    Now,
    /// Listed in the next daily overview.
    InDigest,
    /// Not sent; the guardian still sees it in the portal.
    Not,
}

/// How a message reaches a guardian. Urgent messages are always sent now: a guardian cannot mute
/// them (SPEC §6). `always` marks messages that are e-mailed whatever the preference, such as
/// sign-up form reminders (seed 003, SPEC §6). Everything else follows the preference.
pub fn route(preference: Preference, urgency: Urgency, always: bool) -> Delivery {
    if urgency == Urgency::Urgent || always {
        return Delivery::Now;
    }
    match preference {
        Preference::Immediate => Delivery::Now,
        Preference::DailyDigest => Delivery::InDigest,
        Preference::Off => Delivery::Not,
    }
}

/// Whether a grade-like notification may be sent: only when the school has switched them on and
/// the guardian has too (seed 004). Either one alone is not enough; the default for both is off.
pub fn double_opt_in_allows(school_opted_in: bool, guardian_opted_in: bool) -> bool {
    school_opted_in && guardian_opted_in
}

/// The next daily overview: the first instant strictly after `after` at which the Amsterdam clock
/// shows `local_time`, the school's overview time. One overview per local day: if the clock
/// skips `local_time` that night (the spring gap) it is the first instant after the gap; if it
/// shows it twice (the autumn hour that repeats) only the first counts, so an overview just sent
/// is not sent again an hour later.
pub fn next_digest_at(after: DateTime<Utc>, local_time: NaiveTime) -> DateTime<Utc> {
    crate::schedule::next_local(after, local_time)
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

    #[test]
    fn the_default_preference_is_the_daily_overview() {
        assert_eq!(Preference::default(), Preference::DailyDigest);
    }

    #[test]
    fn preferences_read_back_what_they_write_and_refuse_the_rest() {
        for preference in Preference::ALL {
            assert_eq!(Preference::parse(preference.as_str()), Some(preference));
            let json = serde_json::to_string(&preference).unwrap();
            assert_eq!(json, format!("\"{}\"", preference.as_str()));
            assert_eq!(
                serde_json::from_str::<Preference>(&json).unwrap(),
                preference
            );
        }
        assert_eq!(Preference::DailyDigest.as_str(), "daily_digest");
        for bad in ["", "Immediate", "daily", "dailyDigest", "none", " off"] {
            assert_eq!(Preference::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn normal_messages_follow_the_preference() {
        assert_eq!(
            route(Preference::Immediate, Urgency::Normal, false),
            Delivery::Now
        );
        assert_eq!(
            route(Preference::DailyDigest, Urgency::Normal, false),
            Delivery::InDigest
        );
        assert_eq!(
            route(Preference::Off, Urgency::Normal, false),
            Delivery::Not
        );
    }

    #[test]
    fn urgent_messages_go_out_now_whatever_the_preference() {
        for preference in Preference::ALL {
            assert_eq!(
                route(preference, Urgency::Urgent, false),
                Delivery::Now,
                "{preference:?}"
            );
        }
    }

    #[test]
    fn preference_off_still_gets_urgent() {
        assert_eq!(
            route(Preference::Off, Urgency::Urgent, false),
            Delivery::Now
        );
    }

    #[test]
    fn sign_up_reminders_are_always_sent_whatever_the_preference() {
        for preference in Preference::ALL {
            for urgency in [Urgency::Normal, Urgency::Urgent] {
                assert_eq!(
                    route(preference, urgency, true),
                    Delivery::Now,
                    "{preference:?} {urgency:?}"
                );
            }
        }
    }

    #[test]
    fn grade_notifications_need_both_the_school_and_the_guardian() {
        assert!(double_opt_in_allows(true, true));
        assert!(!double_opt_in_allows(true, false));
        assert!(!double_opt_in_allows(false, true));
        assert!(!double_opt_in_allows(false, false));
    }

    #[test]
    fn the_digest_is_at_the_local_time_in_winter_and_summer() {
        // 18:00 local: 17:00 UTC in winter (CET), 16:00 UTC in summer (CEST).
        assert_eq!(
            next_digest_at(utc("2026-11-10T12:00:00Z"), time(18, 0)),
            utc("2026-11-10T17:00:00Z")
        );
        assert_eq!(
            next_digest_at(utc("2026-06-10T12:00:00Z"), time(18, 0)),
            utc("2026-06-10T16:00:00Z")
        );
    }

    #[test]
    fn the_digest_is_strictly_after_the_given_instant() {
        // At the digest instant itself: tomorrow's.
        assert_eq!(
            next_digest_at(utc("2026-11-10T17:00:00Z"), time(18, 0)),
            utc("2026-11-11T17:00:00Z")
        );
        // One second before: today's.
        assert_eq!(
            next_digest_at(utc("2026-11-10T16:59:59Z"), time(18, 0)),
            utc("2026-11-10T17:00:00Z")
        );
        // After midnight local (23:30 UTC is 00:30 CET on the 11th): that day's 07:00.
        assert_eq!(
            next_digest_at(utc("2026-11-10T23:30:00Z"), time(7, 0)),
            utc("2026-11-11T06:00:00Z")
        );
    }

    #[test]
    fn the_digest_follows_the_clock_when_it_goes_forward() {
        // Saturday 28 March 2026 in the evening (CET); Sunday 07:00 is CEST: 05:00 UTC.
        assert_eq!(
            next_digest_at(utc("2026-03-28T19:00:00Z"), time(7, 0)),
            utc("2026-03-29T05:00:00Z")
        );
        // The day before, still winter time: 06:00 UTC.
        assert_eq!(
            next_digest_at(utc("2026-03-27T19:00:00Z"), time(7, 0)),
            utc("2026-03-28T06:00:00Z")
        );
    }

    #[test]
    fn the_digest_follows_the_clock_when_it_goes_back() {
        // Saturday 24 October 2026 in the evening (CEST); Sunday 07:00 is CET: 06:00 UTC.
        assert_eq!(
            next_digest_at(utc("2026-10-24T19:00:00Z"), time(7, 0)),
            utc("2026-10-25T06:00:00Z")
        );
        // The day before, still summer time: 05:00 UTC.
        assert_eq!(
            next_digest_at(utc("2026-10-23T19:00:00Z"), time(7, 0)),
            utc("2026-10-24T05:00:00Z")
        );
    }

    #[test]
    fn a_digest_time_the_clocks_skip_is_sent_when_they_have_jumped() {
        // 29 March 2026 never shows 02:30: 03:00 CEST, 01:00 UTC.
        assert_eq!(
            next_digest_at(utc("2026-03-28T19:00:00Z"), time(2, 30)),
            utc("2026-03-29T01:00:00Z")
        );
        // And the next night it is 02:30 CEST again: 00:30 UTC.
        assert_eq!(
            next_digest_at(utc("2026-03-29T01:00:00Z"), time(2, 30)),
            utc("2026-03-30T00:30:00Z")
        );
    }

    #[test]
    fn a_digest_time_the_clock_shows_twice_is_sent_once() {
        // 25 October 2026 shows 02:30 at 00:30 UTC (CEST) and at 01:30 UTC (CET): the first.
        assert_eq!(
            next_digest_at(utc("2026-10-24T19:00:00Z"), time(2, 30)),
            utc("2026-10-25T00:30:00Z")
        );
        // Just sent at the first: the next is Monday's 02:30 CET, not the repeat an hour later.
        assert_eq!(
            next_digest_at(utc("2026-10-25T00:30:00Z"), time(2, 30)),
            utc("2026-10-26T01:30:00Z")
        );
    }
}
