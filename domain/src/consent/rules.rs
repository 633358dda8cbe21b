//! What a stored decision counts as now. A purpose with yearly renewal asks again each school
//! year: a "yes" from before this school year began counts as not given until renewed (the Dutch
//! regulator, Autoriteit Persoonsgegevens, on photo consent at school: ask it again every year).

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Europe::Amsterdam;

use super::Decision;
use crate::school_year::SchoolYear;

/// Where a subject stands on a purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Consent given (this school year, where the purpose renews yearly).
    Given,
    /// Consent withdrawn or refused.
    Withdrawn,
    /// Never asked or answered: not given.
    NotAsked,
    /// Given in an earlier school year for a purpose that renews yearly: not given until renewed.
    Expired,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Given => "given",
            State::Withdrawn => "withdrawn",
            State::NotAsked => "not_asked",
            State::Expired => "expired",
        }
    }

    /// Only a current "yes" lets data be shared; everything else counts as no (AVG art. 7: consent
    /// must be demonstrable, silence is not consent).
    pub fn allows(self) -> bool {
        self == State::Given
    }
}

/// The instant the current school year began (1 August, 00:00 in Amsterdam, seed 003): a yearly
/// purpose's decisions from before it have lapsed.
pub fn renewal_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(&Amsterdam).date_naive();
    let start = SchoolYear::containing(today).starts_on();
    let [first, _] = crate::schedule::amsterdam_instants(start.and_time(NaiveTime::MIN));
    first
}

/// What `decision` counts as at `now`.
pub fn state(decision: Option<Decision>, yearly_renewal: bool, now: DateTime<Utc>) -> State {
    match decision {
        None => State::NotAsked,
        Some(d) if !d.given => State::Withdrawn,
        Some(d) if yearly_renewal && d.decided_at < renewal_cutoff(now) => State::Expired,
        Some(_) => State::Given,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap_or_default()
    }

    fn given(decided_at: DateTime<Utc>) -> Option<Decision> {
        Some(Decision {
            given: true,
            decided_at,
        })
    }

    #[test]
    fn the_school_year_begins_at_midnight_on_1_august_in_amsterdam() {
        // 1 August is summer time (UTC+2): local midnight is 22:00 UTC on 31 July.
        assert_eq!(
            renewal_cutoff(at(2026, 11, 30, 12, 0)),
            at(2026, 7, 31, 22, 0)
        );
        assert_eq!(
            renewal_cutoff(at(2026, 7, 31, 21, 59)),
            at(2025, 7, 31, 22, 0)
        );
        assert_eq!(
            renewal_cutoff(at(2026, 7, 31, 22, 0)),
            at(2026, 7, 31, 22, 0)
        );
    }

    #[test]
    fn yearly_consent_lapses_when_a_new_school_year_begins() {
        let now = at(2026, 9, 1, 8, 0);
        // Given one minute before the school year began (23:59 in Amsterdam on 31 July): lapsed.
        let before = given(at(2026, 7, 31, 21, 59));
        assert_eq!(state(before, true, now), State::Expired);
        assert!(!State::Expired.allows());
        // Given at the first minute of the new year: holds all year, until the next 1 August.
        let after = given(at(2026, 7, 31, 22, 0));
        assert_eq!(state(after, true, now), State::Given);
        assert_eq!(state(after, true, at(2027, 7, 31, 21, 59)), State::Given);
        assert_eq!(state(after, true, at(2027, 7, 31, 22, 0)), State::Expired);
        // Without yearly renewal a "yes" holds until withdrawn.
        assert_eq!(state(before, false, at(2030, 1, 1, 0, 0)), State::Given);
    }

    #[test]
    fn a_withdrawal_or_no_answer_is_never_consent() {
        let now = at(2026, 9, 1, 8, 0);
        let withdrawn = Some(Decision {
            given: false,
            decided_at: at(2026, 8, 20, 8, 0),
        });
        assert_eq!(state(withdrawn, true, now), State::Withdrawn);
        assert_eq!(state(withdrawn, false, now), State::Withdrawn);
        assert_eq!(state(None, false, now), State::NotAsked);
        assert!(State::Given.allows() && !State::Withdrawn.allows() && !State::NotAsked.allows());
    }
}
