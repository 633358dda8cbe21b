use chrono::NaiveDate;

use super::*;
use crate::retention::{MIN_SHORTENED_MONTHS, PORTAL_CONTENT_YEARS};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn pupil(left_on: Option<NaiveDate>, referred: bool) -> Anchor {
    Anchor::PupilLeft {
        left_on,
        referred_to_special_education: referred,
    }
}

fn left(on: NaiveDate) -> Anchor {
    pupil(Some(on), false)
}

fn year(start_year: i32) -> Anchor {
    Anchor::ContentYear(SchoolYear { start_year })
}

/// Kept the day before and on `last`, gone the day after.
fn assert_last_day(category: Category, anchor: Anchor, settings: &Settings, last: NaiveDate) {
    let expired = |day| is_expired(category, anchor, settings, day).unwrap();
    let name = category.as_str();
    assert_eq!(
        expires_on(category, anchor, settings),
        Ok(Some(last)),
        "{name}"
    );
    assert!(!expired(last.pred_opt().unwrap()), "{name}: day before");
    assert!(!expired(last), "{name}: the expiry day is kept");
    assert!(expired(last.succ_opt().unwrap()), "{name}: day after");
}

#[test]
fn every_category_is_kept_through_its_expiry_day_and_gone_the_next() {
    let left_on = date(2026, 6, 30);
    let ended = Anchor::EmploymentEnded {
        on: Some(date(2026, 3, 31)),
    };
    let table = [
        // seed 002 Bijlage 2: 5 years after leaving.
        (Category::AbsenceAndLeave, left(left_on), date(2031, 6, 30)),
        (Category::Enrolment, left(left_on), date(2031, 6, 30)),
        (Category::Complaints, left(left_on), date(2031, 6, 30)),
        // 2 years after leaving.
        (Category::PupilFile, left(left_on), date(2028, 6, 30)),
        // 6 months after the event.
        (
            Category::AuditLog,
            Anchor::Event {
                on: date(2026, 1, 15),
            },
            date(2026, 7, 15),
        ),
        // 2 and 5 years after employment ends.
        (Category::Staff, ended, date(2028, 3, 31)),
        (Category::StaffFiscal, ended, date(2031, 3, 31)),
        // Default 2 years after the school year 2025-2026 ends (31 July 2026).
        (Category::PortalContent, year(2025), date(2028, 7, 31)),
        // Removed at the roll-over after the last pupil left.
        (
            Category::GuardianAccount,
            Anchor::LastPupilLeft { on: Some(left_on) },
            date(2026, 7, 31),
        ),
    ];
    for category in Category::ALL {
        assert!(
            table.iter().any(|(c, _, _)| *c == category),
            "{} has no row",
            category.as_str()
        );
    }
    for (category, anchor, last) in table {
        assert_last_day(category, anchor, &Settings::default(), last);
    }
}

#[test]
fn a_referral_to_special_education_keeps_the_pupil_file_a_year_longer_only() {
    let referred = pupil(Some(date(2026, 6, 30)), true);
    let settings = Settings::default();
    assert_last_day(Category::PupilFile, referred, &settings, date(2029, 6, 30));
    // Other pupil categories ignore the flag.
    assert_last_day(Category::Enrolment, referred, &settings, date(2031, 6, 30));
    // A shortened pupil file keeps the referral's extra year on top.
    let shortened = Settings::default()
        .shorten(Category::PupilFile, 12)
        .unwrap();
    assert_last_day(Category::PupilFile, referred, &shortened, date(2028, 6, 30));
}

#[test]
fn a_record_whose_clock_has_not_started_never_expires() {
    let far = date(2200, 1, 1);
    let settings = Settings::default();
    let cases = [
        (Category::AbsenceAndLeave, pupil(None, false)),
        (Category::Enrolment, pupil(None, false)),
        (Category::PupilFile, pupil(None, true)),
        (Category::Complaints, pupil(None, false)),
        (Category::Staff, Anchor::EmploymentEnded { on: None }),
        (Category::StaffFiscal, Anchor::EmploymentEnded { on: None }),
        (
            Category::GuardianAccount,
            Anchor::LastPupilLeft { on: None },
        ),
    ];
    for (category, anchor) in cases {
        assert_eq!(expires_on(category, anchor, &settings), Ok(None));
        assert_eq!(is_expired(category, anchor, &settings, far), Ok(false));
    }
}

#[test]
fn the_school_sets_the_portal_content_period() {
    for (years, last) in [
        (1, date(2027, 7, 31)),
        (5, date(2031, 7, 31)),
        (10, date(2036, 7, 31)),
    ] {
        let settings = Settings::new(years).unwrap();
        assert_last_day(Category::PortalContent, year(2025), &settings, last);
    }
    assert_eq!(
        Settings::default().portal_content_years(),
        PORTAL_CONTENT_YEARS
    );
    assert_eq!(Settings::new(PORTAL_CONTENT_YEARS), Ok(Settings::default()));
    for bad in [0, 11, u32::MAX] {
        assert_eq!(
            Settings::new(bad).unwrap_err().code,
            "out_of_range",
            "{bad}"
        );
    }
}

#[test]
fn a_school_may_shorten_a_maximum_but_never_lengthen_it() {
    let settings = Settings::default()
        .shorten(Category::AbsenceAndLeave, 36)
        .unwrap()
        .shorten(Category::AuditLog, MIN_SHORTENED_MONTHS)
        .unwrap();
    assert_last_day(
        Category::AbsenceAndLeave,
        left(date(2026, 6, 30)),
        &settings,
        date(2029, 6, 30),
    );
    assert_last_day(
        Category::AuditLog,
        Anchor::Event {
            on: date(2026, 1, 31),
        },
        &settings,
        date(2026, 2, 28),
    );
    // Untouched categories keep their maximum.
    assert_eq!(settings.months(Category::Enrolment), Some(60));
    let refused = |category, months| {
        Settings::default()
            .shorten(category, months)
            .unwrap_err()
            .code
    };
    assert_eq!(refused(Category::AbsenceAndLeave, 61), "out_of_range");
    assert_eq!(refused(Category::AuditLog, 7), "out_of_range");
    assert_eq!(refused(Category::Staff, 0), "out_of_range");
    for fixed in [
        Category::StaffFiscal,
        Category::PortalContent,
        Category::GuardianAccount,
    ] {
        assert_eq!(refused(fixed, 12), "not_shortenable", "{}", fixed.as_str());
    }
    // The maximum itself is allowed (a no-op).
    assert!(Settings::default().shorten(Category::Staff, 24).is_ok());
}

#[test]
fn a_guardian_account_goes_at_the_roll_over_after_its_last_pupil_left() {
    let settings = Settings::default();
    let account = |y, m, d| Anchor::LastPupilLeft {
        on: Some(date(y, m, d)),
    };
    for (anchor, last) in [
        // Left in June: gone from 1 August the same year.
        (account(2026, 6, 30), date(2026, 7, 31)),
        // Left on the last day of the year: gone the next day.
        (account(2026, 7, 31), date(2026, 7, 31)),
        // Left on or after the roll-over day: gone at the next one.
        (account(2026, 8, 1), date(2027, 7, 31)),
        (account(2026, 8, 15), date(2027, 7, 31)),
        (account(2027, 1, 10), date(2027, 7, 31)),
    ] {
        assert_last_day(Category::GuardianAccount, anchor, &settings, last);
    }
    assert_eq!(
        is_expired(
            Category::GuardianAccount,
            account(2026, 8, 15),
            &settings,
            date(2027, 8, 1)
        ),
        Ok(true)
    );
}

#[test]
fn the_twenty_ninth_of_february_ends_on_the_last_day_of_february() {
    let settings = Settings::default();
    let leap = date(2024, 2, 29);
    for (category, anchor, last) in [
        (Category::PupilFile, left(leap), date(2026, 2, 28)),
        (Category::AbsenceAndLeave, left(leap), date(2029, 2, 28)),
        // To a leap year and into one: the 29th exists there and is used.
        (
            Category::PupilFile,
            pupil(Some(leap), true),
            date(2027, 2, 28),
        ),
        (
            Category::AuditLog,
            Anchor::Event {
                on: date(2023, 8, 29),
            },
            leap,
        ),
        (
            Category::AuditLog,
            Anchor::Event {
                on: date(2023, 8, 31),
            },
            leap,
        ),
        (
            Category::StaffFiscal,
            Anchor::EmploymentEnded {
                on: Some(date(2023, 2, 28)),
            },
            // The same day, not the month's end: the 29th of 2028 is not its "5 years".
            date(2028, 2, 28),
        ),
    ] {
        assert_last_day(category, anchor, &settings, last);
    }
}

#[test]
fn a_wrong_anchor_or_an_impossible_date_is_an_error_not_a_purge() {
    let settings = Settings::default();
    let code = |category, anchor| expires_on(category, anchor, &settings).unwrap_err().code;
    assert_eq!(
        code(Category::AuditLog, left(date(2026, 1, 1))),
        "anchor_mismatch"
    );
    assert_eq!(code(Category::PupilFile, year(2025)), "anchor_mismatch");
    assert_eq!(
        code(
            Category::PortalContent,
            Anchor::Event {
                on: date(2026, 1, 1)
            }
        ),
        "anchor_mismatch"
    );
    assert_eq!(
        code(Category::AuditLog, Anchor::Event { on: NaiveDate::MAX }),
        "date_out_of_range"
    );
    assert_eq!(
        code(Category::PortalContent, year(i32::MAX)),
        "date_out_of_range"
    );
    assert!(
        is_expired(
            Category::PortalContent,
            year(i32::MAX),
            &settings,
            NaiveDate::MAX
        )
        .is_err()
    );
}

#[test]
fn a_purge_cutoff_inside_the_current_school_year_is_refused() {
    let code = |cutoff, today| check_cutoff(cutoff, today).unwrap_err().code;
    let today = date(2026, 11, 22);
    assert_eq!(check_cutoff(date(2026, 7, 31), today), Ok(()));
    assert_eq!(check_cutoff(date(2020, 1, 1), today), Ok(()));
    assert_eq!(
        code(date(2026, 8, 1), today),
        "cutoff_in_current_school_year"
    );
    assert_eq!(code(today, today), "cutoff_in_current_school_year");
    assert_eq!(code(date(2026, 11, 23), today), "cutoff_in_future");
    assert_eq!(code(date(2027, 9, 1), today), "cutoff_in_future");
    // On the first day of a school year the previous one has just ended.
    assert_eq!(check_cutoff(date(2026, 7, 31), date(2026, 8, 1)), Ok(()));
    // On its last day it has not.
    let last = date(2026, 7, 31);
    assert_eq!(code(last, last), "cutoff_in_current_school_year");
    assert_eq!(
        code(date(2025, 8, 1), last),
        "cutoff_in_current_school_year"
    );
    assert_eq!(check_cutoff(date(2025, 7, 31), last), Ok(()));
}

#[test]
fn every_category_reads_back_from_its_name() {
    for category in Category::ALL {
        assert_eq!(Category::parse(category.as_str()), Some(category));
    }
    assert_eq!(Category::parse("AuditLog"), None);
    assert_eq!(Category::parse(""), None);
}
