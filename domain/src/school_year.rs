//! School years run from 1 August to 31 July: the new year is set up after 1 August (seed 003,
//! "Jaarlijks wordt na 1 augustus het nieuwe schooljaar ingericht").

use chrono::{Datelike, NaiveDate};

/// The month and day a school year starts (seed 003).
pub const START_MONTH: u32 = 8;
pub const START_DAY: u32 = 1;

/// Ordered by start: leave counts days per school year in a `BTreeMap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchoolYear {
    /// The calendar year it starts in: 2026 for 2026-2027.
    pub start_year: i32,
}

impl SchoolYear {
    /// The school year a date falls in.
    pub fn containing(date: NaiveDate) -> SchoolYear {
        let start_year = if (date.month(), date.day()) >= (START_MONTH, START_DAY) {
            date.year()
        } else {
            date.year() - 1
        };
        SchoolYear { start_year }
    }

    /// Reads `2026-2027` (two consecutive years), as EDEXML and the roster write it.
    pub fn parse(value: &str) -> Option<SchoolYear> {
        let (first, second) = value.split_once('-')?;
        let four_digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
        if !four_digits(first) || !four_digits(second) {
            return None;
        }
        let (first, second): (i32, i32) = (first.parse().ok()?, second.parse().ok()?);
        (second == first + 1 && (2000..2100).contains(&first))
            .then_some(SchoolYear { start_year: first })
    }

    /// `2026-2027`, as EDEXML writes it.
    pub fn name(self) -> String {
        format!("{}-{}", self.start_year, self.start_year + 1)
    }

    pub fn starts_on(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year, START_MONTH, START_DAY).unwrap_or_default()
    }

    pub fn ends_on(self) -> NaiveDate {
        self.next().starts_on().pred_opt().unwrap_or_default()
    }

    /// Whether a roster for this school year may be synced on `today`: the current year, or the
    /// next one (schools load the coming year's groups before the summer). A file of a year that
    /// has ended is an old export, and applying it would mark today's pupils as leavers.
    pub fn accepts_sync(self, today: NaiveDate) -> bool {
        let current = SchoolYear::containing(today);
        self == current || self == current.next()
    }

    pub fn next(self) -> SchoolYear {
        SchoolYear {
            start_year: self.start_year + 1,
        }
    }
}

#[cfg(test)]
mod sync_tests {
    use super::*;

    #[test]
    fn only_the_current_and_the_next_school_year_are_synced() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let year = |s| SchoolYear::parse(s).unwrap();
        assert!(year("2026-2027").accepts_sync(today));
        assert!(year("2027-2028").accepts_sync(today));
        assert!(!year("2025-2026").accepts_sync(today), "ended");
        assert!(!year("2014-2015").accepts_sync(today));
        assert!(!year("2028-2029").accepts_sync(today));
        // On 31 July the coming year is the next one; on 1 August it is the current one.
        let july = NaiveDate::from_ymd_opt(2027, 7, 31).unwrap();
        assert!(year("2027-2028").accepts_sync(july));
        assert!(!year("2025-2026").accepts_sync(july));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_year_turns_on_the_first_of_august() {
        assert_eq!(
            SchoolYear::containing(date(2026, 7, 31)).name(),
            "2025-2026"
        );
        assert_eq!(SchoolYear::containing(date(2026, 8, 1)).name(), "2026-2027");
        assert_eq!(
            SchoolYear::containing(date(2027, 1, 15)).name(),
            "2026-2027"
        );
    }

    #[test]
    fn names_parse_back_and_nonsense_is_refused() {
        assert_eq!(
            SchoolYear::parse("2026-2027"),
            Some(SchoolYear { start_year: 2026 })
        );
        for bad in [
            "2026-2028",
            "2026",
            "x-y",
            "2026-2027-2028",
            "",
            "+2026-2027",
            "2100-2101",
        ] {
            assert_eq!(SchoolYear::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_year_runs_from_august_to_july() {
        let year = SchoolYear { start_year: 2026 };
        assert_eq!(year.starts_on(), date(2026, 8, 1));
        assert_eq!(year.ends_on(), date(2027, 7, 31));
    }
}
