//! Five-year-olds (Leerplichtwet art. 11a): from compulsory school age (the first day of the month
//! after the 5th birthday) until age 6, parents may keep the child home up to 5 hours a week by
//! notifying the director, and up to 10 with the director's consent.

use chrono::{Datelike, Months, NaiveDate};

use super::issues::Rule;
use super::rules::{FIVE_YEAR_OLD_CONSENT_MINUTES, FIVE_YEAR_OLD_NOTIFY_MINUTES};
use super::state::Decider;
use super::{EarlierRequest, LeaveKind, LeaveRequest, PupilFacts};

/// The n-th birthday; one born on 29 February has it on 28 February in other years.
fn birthday(birth: NaiveDate, years: i32) -> Option<NaiveDate> {
    let year = birth.year() + years;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
}

/// The day compulsory schooling starts: the first day of the month after the 5th birthday (*law*
/// Leerplichtwet art. 3; SPEC §12: "the first school day of the month after").
pub fn compulsory_from(birth: NaiveDate) -> Option<NaiveDate> {
    let fifth = birthday(birth, 5)?;
    fifth.with_day(1)?.checked_add_months(Months::new(1))
}

/// Art. 11a: from compulsory school age until the 6th birthday, up to 5 hours a week by
/// notification and up to 10 with the director's consent, counting the other arrangements of
/// the pupil that overlap this one.
pub(super) fn five_year_old(
    request: &LeaveRequest,
    earlier: &[EarlierRequest],
    pupil: &PupilFacts,
    rules: &mut Vec<Rule>,
    decider: &mut Decider,
) {
    match pupil.birth_date {
        None => rules.push(Rule::BirthDateUnknown),
        Some(birth) => {
            if let Some(sixth_birthday) = birthday(birth, 6)
                && request.last_day >= sixth_birthday
            {
                rules.push(Rule::FiveYearOldTooOld { sixth_birthday });
            }
            if let Some(from) = compulsory_from(birth)
                && request.last_day < from
            {
                rules.push(Rule::NotYetCompulsory { from });
            }
        }
    }
    let others: u32 = earlier
        .iter()
        .filter(|e| e.kind == LeaveKind::FiveYearOld && e.state.is_granted())
        .filter(|e| e.first_day <= request.last_day && request.first_day <= e.last_day)
        .filter_map(|e| e.minutes_per_week)
        .sum();
    let minutes = others + request.minutes_per_week.unwrap_or(0);
    if minutes > FIVE_YEAR_OLD_CONSENT_MINUTES {
        rules.push(Rule::FiveYearOldTooManyHours { minutes });
    }
    *decider = if minutes <= FIVE_YEAR_OLD_NOTIFY_MINUTES {
        Decider::Notification
    } else {
        Decider::Director
    };
}
