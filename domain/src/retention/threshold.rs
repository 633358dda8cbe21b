//! What the purge removes, as one date per category: records whose clock started on or before it
//! are expired today. Found from the rule itself ([`is_expired`]), so the SQL that deletes
//! "anchor <= threshold" and the rule can never disagree: a later start never expires earlier,
//! so the expired starts are a prefix of the calendar and a binary search finds its end.

use chrono::{Days, Months, NaiveDate};

use super::rules::is_expired;
use super::{Anchor, Category, Settings};
use crate::Invalid;
use crate::school_year::SchoolYear;

/// How far back the purge looks: our bound, above every term (the longest is 7 years).
pub const LOOK_BACK_YEARS: u32 = 30;

/// The anchor of a record whose clock started on `on` (no referral to special education: the
/// portal does not hold that; the pupil file's longer term is the LAS's to keep).
pub fn anchor_on(category: Category, on: NaiveDate) -> Anchor {
    match category {
        Category::AbsenceAndLeave
        | Category::Enrolment
        | Category::PupilFile
        | Category::Complaints => Anchor::PupilLeft {
            left_on: Some(on),
            referred_to_special_education: false,
        },
        Category::AuditLog => Anchor::Event { on },
        Category::Staff | Category::StaffFiscal => Anchor::EmploymentEnded { on: Some(on) },
        Category::PortalContent => Anchor::ContentYear(SchoolYear::containing(on)),
        Category::GuardianAccount => Anchor::LastPupilLeft { on: Some(on) },
    }
}

/// The latest start date whose records are expired on `today` (those that started on it or
/// before go); `None` when nothing in the last [`LOOK_BACK_YEARS`] years has expired.
pub fn expired_through(
    category: Category,
    settings: &Settings,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, Invalid> {
    let expired = |on: NaiveDate| is_expired(category, anchor_on(category, on), settings, today);
    let Some(mut lo) = today.checked_sub_months(Months::new(LOOK_BACK_YEARS * 12)) else {
        return Ok(None);
    };
    if !expired(lo)? {
        return Ok(None);
    }
    let mut hi = today;
    if expired(hi)? {
        return Ok(Some(hi));
    }
    // lo is expired, hi is not.
    while let Some(next) = lo.checked_add_days(Days::new(1)) {
        if next >= hi {
            break;
        }
        let span = (hi - lo).num_days() / 2;
        let mid = lo
            .checked_add_days(Days::new(u64::try_from(span.max(1)).unwrap_or(1)))
            .unwrap_or(next);
        if expired(mid)? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(Some(lo))
}

/// What a run removes for `category`: the rule's threshold, moved later by an early cutoff
/// (see [`super::check_cutoff`]) for the categories that run from a departure: pupils who left,
/// and guardians whose last child left, before the cutoff go too.
pub fn purge_through(
    category: Category,
    settings: &Settings,
    today: NaiveDate,
    cutoff: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, Invalid> {
    let rule = expired_through(category, settings, today)?;
    let early = match category {
        Category::AbsenceAndLeave
        | Category::Enrolment
        | Category::PupilFile
        | Category::Complaints
        | Category::GuardianAccount => cutoff.and_then(|c| c.pred_opt()),
        Category::AuditLog | Category::Staff | Category::StaffFiscal | Category::PortalContent => {
            None
        }
    };
    Ok(rule.max(early))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_threshold_is_the_last_expired_start_of_every_category() {
        let settings = Settings::default();
        let today = day(2026, 11, 30);
        for category in Category::ALL {
            let through = expired_through(category, &settings, today)
                .unwrap_or_else(|e| panic!("{}: {e}", category.as_str()))
                .unwrap_or_else(|| panic!("{}: nothing expires", category.as_str()));
            let after = through.succ_opt().unwrap_or(through);
            let is = |on| is_expired(category, anchor_on(category, on), &settings, today);
            assert_eq!(is(through), Ok(true), "{}", category.as_str());
            assert_eq!(is(after), Ok(false), "{}", category.as_str());
        }
    }

    #[test]
    fn an_early_cutoff_reaches_departures_only() {
        let settings = Settings::default();
        let today = day(2026, 11, 30);
        let cutoff = Some(day(2025, 7, 1));
        let through = |c| purge_through(c, &settings, today, cutoff).ok().flatten();
        assert_eq!(through(Category::Enrolment), Some(day(2025, 6, 30)));
        assert_eq!(
            through(Category::GuardianAccount),
            Some(day(2026, 7, 31)),
            "the rule is later"
        );
        assert_eq!(
            through(Category::AuditLog),
            Some(day(2026, 5, 29)),
            "not a departure"
        );
        assert_eq!(
            purge_through(Category::Enrolment, &settings, today, None),
            expired_through(Category::Enrolment, &settings, today)
        );
    }

    #[test]
    fn thresholds_follow_the_terms() {
        let settings = Settings::default();
        let today = day(2026, 11, 30);
        let through = |c| expired_through(c, &settings, today).ok().flatten();
        // Seed 002, appendix 2: five years after leaving, six months after the event.
        assert_eq!(through(Category::Enrolment), Some(day(2021, 11, 29)));
        assert_eq!(through(Category::AuditLog), Some(day(2026, 5, 29)));
        // Two years after the end of the content's school year: 2023-2024 went on 1 August 2026.
        assert_eq!(through(Category::PortalContent), Some(day(2024, 7, 31)));
        // At the roll-over after the last pupil left: every departure before this school year.
        assert_eq!(through(Category::GuardianAccount), Some(day(2026, 7, 31)));
    }
}
