//! When a record expires, whether it has, and which purge cutoffs are allowed (SPEC §11, §12).
//!
//! Months are added with chrono's `checked_add_months`: the same day of the month, or the month's
//! last day when that day does not exist. So a pupil who left on 29 February 2024 has data kept
//! "2 years" through 28 February 2026 and gone from 1 March: never longer than the maximum.

use chrono::{Months, NaiveDate};

use super::{Anchor, Category, PUPIL_FILE_REFERRAL_EXTRA_MONTHS, Settings};
use crate::Invalid;
use crate::school_year::{START_DAY, START_MONTH, SchoolYear};

/// The last day `category`'s record with clock `anchor` is kept under `settings`; it is expired
/// from the day after. `Ok(None)`: the clock has not started (pupil enrolled, staff employed, a
/// guardian with a pupil at the school), so it does not expire.
///
/// - pupil categories (`PupilLeft`): the leaving day plus the term in months; a referral to special
///   education adds [`PUPIL_FILE_REFERRAL_EXTRA_MONTHS`] to the pupil file only;
/// - audit log (`Event`), staff and fiscal staff data (`EmploymentEnded`): the date plus the term;
/// - portal content (`ContentYear`): the last day (31 July) of the school year that many years
///   after the content's own (2025-2026 content, 2 years: kept through 31 July 2028);
/// - guardian account (`LastPupilLeft`): the last day of the school year in which the last pupil
///   left, so it goes at the roll-over on 1 August (seed 003). Leaving on 1 August itself is
///   leaving in the new year: the account stays until the next roll-over.
///
/// Refused: an anchor of the wrong kind for the category (`anchor_mismatch`), or a date beyond
/// chrono's range (`date_out_of_range`).
pub fn expires_on(
    category: Category,
    anchor: Anchor,
    settings: &Settings,
) -> Result<Option<NaiveDate>, Invalid> {
    match (category, anchor) {
        (
            Category::AbsenceAndLeave
            | Category::Enrolment
            | Category::PupilFile
            | Category::Complaints,
            Anchor::PupilLeft {
                left_on,
                referred_to_special_education,
            },
        ) => {
            let extra = if category == Category::PupilFile && referred_to_special_education {
                PUPIL_FILE_REFERRAL_EXTRA_MONTHS
            } else {
                0
            };
            after(left_on, months(category, settings)? + extra)
        }
        (Category::AuditLog, Anchor::Event { on }) => after(Some(on), months(category, settings)?),
        (Category::Staff | Category::StaffFiscal, Anchor::EmploymentEnded { on }) => {
            after(on, months(category, settings)?)
        }
        (Category::PortalContent, Anchor::ContentYear(year)) => {
            let last = year
                .start_year
                .checked_add_unsigned(settings.portal_content_years())
                .ok_or_else(out_of_range)?;
            last_day_of(last).map(Some)
        }
        (Category::GuardianAccount, Anchor::LastPupilLeft { on }) => on
            .map(|on| last_day_of(SchoolYear::containing(on).start_year))
            .transpose(),
        (category, _) => Err(Invalid::new(
            "anchor_mismatch",
            format!("{} does not run from this kind of date", category.as_str()),
        )),
    }
}

/// Whether the record is expired on `today`: the day after its expiry day or later. For a dry run
/// or a manual purge "as of" a cutoff, pass the cutoff as `today`.
pub fn is_expired(
    category: Category,
    anchor: Anchor,
    settings: &Settings,
    today: NaiveDate,
) -> Result<bool, Invalid> {
    Ok(expires_on(category, anchor, settings)?.is_some_and(|last| today > last))
}

/// A manual purge or dry run's cutoff (the date data counts as expired on) must lie in a school
/// year that has ended: one inside the current school year, or in the future, is refused. Data of
/// the running year is purged by the scheduled run with today's date, never ahead of it.
pub fn check_cutoff(cutoff: NaiveDate, today: NaiveDate) -> Result<(), Invalid> {
    if cutoff > today {
        Err(Invalid::new(
            "cutoff_in_future",
            "a purge cutoff may not lie in the future",
        ))
    } else if SchoolYear::containing(cutoff) >= SchoolYear::containing(today) {
        Err(Invalid::new(
            "cutoff_in_current_school_year",
            "a purge cutoff inside the current school year is refused",
        ))
    } else {
        Ok(())
    }
}

/// The term in months of a month-counted category; a category counted otherwise is a mismatch.
fn months(category: Category, settings: &Settings) -> Result<u32, Invalid> {
    settings.months(category).ok_or_else(|| {
        Invalid::new(
            "anchor_mismatch",
            format!("{} is not counted in months", category.as_str()),
        )
    })
}

/// `start` plus `months`, or `None` when the clock has not started.
fn after(start: Option<NaiveDate>, months: u32) -> Result<Option<NaiveDate>, Invalid> {
    start
        .map(|start| {
            start
                .checked_add_months(Months::new(months))
                .ok_or_else(out_of_range)
        })
        .transpose()
}

/// 31 July ending the school year that starts in `start_year`: the day before the next
/// roll-over. Computed here rather than with `SchoolYear::ends_on`, which falls back to a default
/// date out of range, and a default here would purge at once.
fn last_day_of(start_year: i32) -> Result<NaiveDate, Invalid> {
    start_year
        .checked_add(1)
        .and_then(|next| NaiveDate::from_ymd_opt(next, START_MONTH, START_DAY))
        .and_then(|roll_over| roll_over.pred_opt())
        .ok_or_else(out_of_range)
}

fn out_of_range() -> Invalid {
    Invalid::new("date_out_of_range", "the expiry date is out of range")
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
