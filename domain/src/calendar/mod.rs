//! The school calendar of one school for one school year (1 August–31 July, seed 003): which days
//! are school days, how many minutes of teaching a group has on a day, and which weeks are school
//! weeks. Absence ("16 hours within 4 school weeks", SPEC §12) and leave ("10 school days", "not in
//! the first two school weeks") are counted against it.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use uuid::Uuid;

use crate::Invalid;
use crate::change_request::{Refusal, refusal};
use crate::school_year::SchoolYear;

pub mod holidays;
pub mod ical;
pub mod lessons;
#[cfg(test)]
pub(crate) mod tests;
pub mod weeks;

pub use holidays::{DEFAULT_REGION, Region, easter_sunday, fixed_days_off, region_holidays};
pub use lessons::{
    DEFAULT_FULL_DAY_MINUTES, DEFAULT_WEDNESDAY_MINUTES, LessonTable, MAX_DAY_MINUTES, WeekMinutes,
};
pub use weeks::SchoolWeek;

/// Longest name of a holiday or study day: our choice ("Kerstvakantie", "Studiedag team").
pub const MAX_CLOSURE_NAME_LENGTH: usize = 100;

/// What a day is for the pupils of a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    SchoolDay,
    /// A vacation or a day off (named in its [`Closure`]).
    Holiday,
    /// A study day (studiedag): the team works, pupils have no lessons.
    StudyDay,
    Weekend,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::SchoolDay => "school_day",
            DayKind::Holiday => "holiday",
            DayKind::StudyDay => "study_day",
            DayKind::Weekend => "weekend",
        }
    }
}

/// Why a closure has no lessons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClosureKind {
    Holiday,
    StudyDay,
}

impl ClosureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClosureKind::Holiday => "holiday",
            ClosureKind::StudyDay => "study_day",
        }
    }

    pub fn parse(value: &str) -> Option<ClosureKind> {
        [ClosureKind::Holiday, ClosureKind::StudyDay]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// A named range of days without lessons, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Closure {
    pub kind: ClosureKind,
    pub name: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Closure {
    pub fn holiday(name: &str, first: NaiveDate, last: NaiveDate) -> Closure {
        Closure {
            kind: ClosureKind::Holiday,
            name: name.to_owned(),
            first,
            last,
        }
    }

    pub fn study_day(name: &str, day: NaiveDate) -> Closure {
        Closure {
            kind: ClosureKind::StudyDay,
            name: name.to_owned(),
            first: day,
            last: day,
        }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }
}

/// One school's calendar for one school year. Built once through [`SchoolCalendar::new`]; dates
/// outside the year are never school days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolCalendar {
    year: SchoolYear,
    closures: Vec<Closure>,
    lessons: LessonTable,
    /// The school weeks in order; index 0 is school week 1.
    weeks: Vec<SchoolWeek>,
}

pub(crate) fn weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Every date from `first` to `last`, both included (none when `last < first`).
pub fn dates(first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    first.iter_days().take_while(move |d| *d <= last)
}

impl SchoolCalendar {
    /// A calendar from its closures (holidays and study days, in any order; they may overlap and
    /// reach past the year, as the summer holiday does) and its lesson table. Refused per field
    /// (`closures[i].name`, `closures[i].last`): an empty or over-long name, a range that ends
    /// before it starts, a range wholly outside the school year.
    pub fn new(
        year: SchoolYear,
        closures: Vec<Closure>,
        lessons: LessonTable,
    ) -> Result<SchoolCalendar, Vec<Refusal>> {
        let mut refusals = Vec::new();
        for (i, closure) in closures.iter().enumerate() {
            let name = closure.name.trim();
            if name.is_empty() || name.chars().any(char::is_control) {
                refusals.push(refusal(
                    format!("closures[{i}].name"),
                    Invalid::new("required", "must be a name without control characters"),
                ));
            } else if name.chars().count() > MAX_CLOSURE_NAME_LENGTH {
                refusals.push(refusal(
                    format!("closures[{i}].name"),
                    Invalid::new(
                        "too_long",
                        format!("is longer than {MAX_CLOSURE_NAME_LENGTH} characters"),
                    ),
                ));
            }
            if closure.last < closure.first {
                refusals.push(refusal(
                    format!("closures[{i}].last"),
                    Invalid::new("before_first", "lies before the first day"),
                ));
            } else if closure.last < year.starts_on() || closure.first > year.ends_on() {
                refusals.push(refusal(
                    format!("closures[{i}].first"),
                    Invalid::new("outside_school_year", "lies outside the school year"),
                ));
            }
        }
        if !refusals.is_empty() {
            return Err(refusals);
        }
        let mut calendar = SchoolCalendar {
            year,
            closures,
            lessons,
            weeks: Vec::new(),
        };
        calendar.closures.sort_by_key(|c| (c.first, c.last, c.kind));
        calendar.weeks = weeks::school_weeks(&calendar);
        Ok(calendar)
    }

    pub fn year(&self) -> SchoolYear {
        self.year
    }

    /// The closures, sorted by their first day.
    pub fn closures(&self) -> &[Closure] {
        &self.closures
    }

    pub fn lessons(&self) -> &LessonTable {
        &self.lessons
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.year.starts_on() <= date && date <= self.year.ends_on()
    }

    /// The closure that makes `date` a day without lessons; a holiday wins over a study day.
    pub fn closure_on(&self, date: NaiveDate) -> Option<&Closure> {
        let mut found = self.closures.iter().filter(|c| c.contains(date));
        let first = found.next()?;
        Some(
            std::iter::once(first)
                .chain(found)
                .find(|c| c.kind == ClosureKind::Holiday)
                .unwrap_or(first),
        )
    }

    /// The kind of `date`; `None` outside the school year. A weekend is a weekend even inside a
    /// holiday.
    pub fn day_kind(&self, date: NaiveDate) -> Option<DayKind> {
        if !self.contains(date) {
            return None;
        }
        if weekend(date) {
            return Some(DayKind::Weekend);
        }
        Some(match self.closure_on(date).map(|c| c.kind) {
            None => DayKind::SchoolDay,
            Some(ClosureKind::Holiday) => DayKind::Holiday,
            Some(ClosureKind::StudyDay) => DayKind::StudyDay,
        })
    }

    pub fn is_school_day(&self, date: NaiveDate) -> bool {
        self.day_kind(date) == Some(DayKind::SchoolDay)
    }

    /// The school days from `first` to `last`, both included, in order.
    pub fn school_days(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> impl Iterator<Item = NaiveDate> + '_ {
        let first = first.max(self.year.starts_on());
        let last = last.min(self.year.ends_on());
        dates(first, last).filter(|d| self.is_school_day(*d))
    }

    pub fn count_school_days(&self, first: NaiveDate, last: NaiveDate) -> u32 {
        u32::try_from(self.school_days(first, last).count()).unwrap_or(u32::MAX)
    }

    /// The first school day after `date` in this school year.
    pub fn next_school_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let next = date.checked_add_days(Days::new(1))?;
        self.school_days(next, self.year.ends_on()).next()
    }

    /// The last school day before `date` in this school year.
    pub fn previous_school_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let before = date.pred_opt()?;
        self.school_days(self.year.starts_on(), before).last()
    }

    /// Minutes of teaching `group` has on `date` (the school's default when the group has no
    /// times of its own); 0 on a day that is not a school day.
    pub fn teaching_minutes(&self, group: Option<Uuid>, date: NaiveDate) -> u32 {
        if self.is_school_day(date) {
            self.lessons.minutes(group, date.weekday())
        } else {
            0
        }
    }

    /// Minutes of teaching `group` has from `first` to `last`, both included.
    pub fn teaching_minutes_between(
        &self,
        group: Option<Uuid>,
        first: NaiveDate,
        last: NaiveDate,
    ) -> u32 {
        self.school_days(first, last)
            .map(|d| self.lessons.minutes(group, d.weekday()))
            .sum()
    }

    /// The school weeks of the year in order: ISO weeks (Monday–Sunday) with at least one school
    /// day. Weeks without school days (holidays) are not school weeks (SPEC §12).
    pub fn school_weeks(&self) -> &[SchoolWeek] {
        &self.weeks
    }

    /// The 1-based number of the school week `date` lies in; `None` when its week has no school
    /// day or lies outside the year.
    pub fn school_week_index(&self, date: NaiveDate) -> Option<u32> {
        let monday = weeks::monday_of(date);
        let at = self
            .weeks
            .binary_search_by_key(&monday, |w| w.monday)
            .ok()?;
        u32::try_from(at + 1).ok()
    }

    /// The first two school weeks, from the Monday of the first to the Sunday of the second (or
    /// of the first, when the year has one).
    pub fn first_two_school_weeks(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.weeks.first()?;
        let second = self.weeks.get(1).unwrap_or(first);
        Some((first.monday, second.sunday()))
    }

    pub fn in_first_two_school_weeks(&self, date: NaiveDate) -> bool {
        matches!(self.school_week_index(date), Some(1 | 2))
    }
}
