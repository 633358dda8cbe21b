//! The holidays a school year starts from: the national fixed days off (computed; Easter by the
//! Gregorian computus) and the holiday regions' vacation dates, which the Ministry of OCW sets per
//! region (regio noord, midden, zuid). A school adopts them and then adds or moves its own days.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::Closure;
use crate::school_year::SchoolYear;

/// The three Dutch holiday regions (vakantieregio's) of the OCW advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    North,
    Middle,
    South,
}

impl Region {
    pub const ALL: [Region; 3] = [Region::North, Region::Middle, Region::South];

    pub fn as_str(self) -> &'static str {
        match self {
            Region::North => "north",
            Region::Middle => "middle",
            Region::South => "south",
        }
    }

    pub fn parse(value: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

fn plus(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

/// King's Day: 27 April, or 26 April when the 27th is a Sunday (Wet vaststelling Koningsdag).
pub fn kings_day(year: i32) -> Option<NaiveDate> {
    let day = NaiveDate::from_ymd_opt(year, 4, 27)?;
    Some(if day.weekday() == Weekday::Sun {
        day.pred_opt()?
    } else {
        day
    })
}

/// The national days off in the spring of a school year: Easter Monday, King's Day, Liberation
/// Day (5 May; a day off for every school is our default, most years it lies in the
/// meivakantie), Ascension Day and Whit Monday. Christmas lies in the kerstvakantie.
pub fn fixed_days_off(year: SchoolYear) -> Vec<Closure> {
    let spring = year.start_year + 1;
    let mut days = Vec::new();
    if let Some(easter) = easter_sunday(spring) {
        days.push(("Tweede Paasdag", plus(easter, 1)));
        days.push(("Hemelvaartsdag", plus(easter, 39)));
        days.push(("Tweede Pinksterdag", plus(easter, 50)));
    }
    if let Some(day) = kings_day(spring) {
        days.push(("Koningsdag", day));
    }
    if let Some(day) = NaiveDate::from_ymd_opt(spring, 5, 5) {
        days.push(("Bevrijdingsdag", day));
    }
    days.sort_by_key(|(_, d)| *d);
    days.into_iter()
        .map(|(name, day)| Closure::holiday(name, day, day))
        .collect()
}

type Range = ((i32, u32, u32), (i32, u32, u32));

/// OCW's vacation dates per region for the school years we hold, as (name, north, middle, south).
///
/// 2026-2027 — NOT verified against rijksoverheid.nl ("Schoolvakanties 2026-2027") from here: the
/// summer of 2026 agrees with secondary sources (school and news sites quoting the ministry); the
/// other dates are as we understood the ministry's advice. A school checks them when it adopts a
/// region, and every school can move its own days; confirm before relying on them.
const VACATIONS_2026: [(&str, Range, Range, Range); 6] = [
    (
        "Zomervakantie",
        ((2026, 7, 4), (2026, 8, 16)),
        ((2026, 7, 18), (2026, 8, 30)),
        ((2026, 7, 11), (2026, 8, 23)),
    ),
    (
        "Herfstvakantie",
        ((2026, 10, 17), (2026, 10, 25)),
        ((2026, 10, 17), (2026, 10, 25)),
        ((2026, 10, 10), (2026, 10, 18)),
    ),
    (
        "Kerstvakantie",
        ((2026, 12, 19), (2027, 1, 3)),
        ((2026, 12, 19), (2027, 1, 3)),
        ((2026, 12, 19), (2027, 1, 3)),
    ),
    (
        "Voorjaarsvakantie",
        ((2027, 2, 20), (2027, 2, 28)),
        ((2027, 2, 13), (2027, 2, 21)),
        ((2027, 2, 6), (2027, 2, 14)),
    ),
    (
        "Meivakantie",
        ((2027, 4, 24), (2027, 5, 2)),
        ((2027, 4, 24), (2027, 5, 2)),
        ((2027, 4, 24), (2027, 5, 2)),
    ),
    (
        "Zomervakantie",
        ((2027, 7, 17), (2027, 8, 29)),
        ((2027, 7, 10), (2027, 8, 22)),
        ((2027, 7, 24), (2027, 9, 5)),
    ),
];

fn ymd((y, m, d): (i32, u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The region whose vacations a school's calendar holds until the school names its own: the
/// middle region (our choice; the admin names the school's region, which seeds its vacations).
pub const DEFAULT_REGION: Region = Region::Middle;

/// The holidays of a school year in a region: the region's vacations (the summer at both ends of
/// the year) and the fixed days off. `None` for a year whose vacation dates we do not hold.
pub fn region_holidays(year: SchoolYear, region: Region) -> Option<Vec<Closure>> {
    let table = match year.start_year {
        2026 => &VACATIONS_2026,
        _ => return None,
    };
    let mut closures = Vec::new();
    for (name, north, middle, south) in table {
        let (first, last) = match region {
            Region::North => north,
            Region::Middle => middle,
            Region::South => south,
        };
        closures.push(Closure::holiday(name, ymd(*first)?, ymd(*last)?));
    }
    closures.extend(fixed_days_off(year));
    Some(closures)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_falls_on_the_known_sundays() {
        for (year, expected) in [
            (1818, date(1818, 3, 22)), // the earliest possible
            (1943, date(1943, 4, 25)), // the latest possible
            (2000, date(2000, 4, 23)),
            (2019, date(2019, 4, 21)),
            (2024, date(2024, 3, 31)),
            (2025, date(2025, 4, 20)),
            (2026, date(2026, 4, 5)),
            (2027, date(2027, 3, 28)),
            (2038, date(2038, 4, 25)),
            (2285, date(2285, 3, 22)),
        ] {
            let easter = easter_sunday(year).unwrap();
            assert_eq!(easter, expected, "{year}");
            assert_eq!(easter.weekday(), Weekday::Sun);
        }
    }

    #[test]
    fn the_fixed_days_off_of_2026_2027() {
        let days: Vec<_> = fixed_days_off(SchoolYear { start_year: 2026 })
            .into_iter()
            .map(|c| (c.name, c.first))
            .collect();
        assert_eq!(
            days,
            vec![
                ("Tweede Paasdag".to_owned(), date(2027, 3, 29)),
                ("Koningsdag".to_owned(), date(2027, 4, 27)),
                ("Bevrijdingsdag".to_owned(), date(2027, 5, 5)),
                ("Hemelvaartsdag".to_owned(), date(2027, 5, 6)),
                ("Tweede Pinksterdag".to_owned(), date(2027, 5, 17)),
            ]
        );
    }

    #[test]
    fn kings_day_moves_to_saturday_when_the_27th_is_a_sunday() {
        assert_eq!(kings_day(2025), Some(date(2025, 4, 26)));
        assert_eq!(kings_day(2026), Some(date(2026, 4, 27)));
    }

    #[test]
    fn every_region_has_the_vacations_of_2026_2027_and_no_other_year() {
        let year = SchoolYear { start_year: 2026 };
        for region in Region::ALL {
            assert_eq!(Region::parse(region.as_str()), Some(region));
            let closures = region_holidays(year, region).unwrap();
            assert_eq!(closures.len(), 11, "{region:?}");
            assert!(closures.iter().all(|c| c.first <= c.last));
            // Christmas lies in the kerstvakantie.
            assert!(closures.iter().any(|c| c.contains(date(2026, 12, 25))));
        }
        assert_eq!(
            region_holidays(SchoolYear { start_year: 2030 }, Region::North),
            None
        );
    }
}
