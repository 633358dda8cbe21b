//! School weeks: ISO weeks (Monday–Sunday) with at least one school day. A week of holiday is no
//! school week, so "4 consecutive school weeks" (Leerplichtwet art. 21a, SPEC §12) skips it.

use chrono::{Datelike, Days, NaiveDate};

use super::{DayKind, SchoolCalendar, dates};

/// One school week of a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchoolWeek {
    pub monday: NaiveDate,
    /// School days in the week (1..=5 with the usual weekend).
    pub school_days: u32,
}

impl SchoolWeek {
    pub fn sunday(&self) -> NaiveDate {
        self.monday
            .checked_add_days(Days::new(6))
            .unwrap_or(self.monday)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.monday <= date && date <= self.sunday()
    }
}

/// The Monday of the ISO week of `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    let back = u64::from(date.weekday().num_days_from_monday());
    date.checked_sub_days(Days::new(back)).unwrap_or(date)
}

/// The school weeks of a calendar, in order. A week that straddles 1 August counts only the days
/// of this school year (it is always summer there in practice).
pub(super) fn school_weeks(calendar: &SchoolCalendar) -> Vec<SchoolWeek> {
    let year = calendar.year();
    let mut weeks: Vec<SchoolWeek> = Vec::new();
    for date in dates(year.starts_on(), year.ends_on()).filter(|d| calendar.is_school_day(*d)) {
        let monday = monday_of(date);
        match weeks.last_mut() {
            Some(week) if week.monday == monday => week.school_days += 1,
            _ => weeks.push(SchoolWeek {
                monday,
                school_days: 1,
            }),
        }
    }
    weeks
}

impl SchoolCalendar {
    /// Maximal runs of days without lessons (weekends included) that hold at least one holiday
    /// day, as (first, last): "the kerstvakantie" from its Saturday to its Sunday.
    pub fn holiday_breaks(&self) -> Vec<(NaiveDate, NaiveDate)> {
        let mut breaks = Vec::new();
        let mut run: Option<(NaiveDate, NaiveDate, bool)> = None;
        for date in dates(self.year.starts_on(), self.year.ends_on()) {
            let kind = self.day_kind(date);
            if kind == Some(DayKind::SchoolDay) {
                if let Some((first, last, true)) = run.take() {
                    breaks.push((first, last));
                }
                continue;
            }
            let holiday = kind == Some(DayKind::Holiday);
            run = Some(match run {
                Some((first, _, seen)) => (first, date, seen || holiday),
                None => (date, date, holiday),
            });
        }
        if let Some((first, last, true)) = run {
            breaks.push((first, last));
        }
        breaks
    }
}
