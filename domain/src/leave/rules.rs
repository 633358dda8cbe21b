//! The rule engine of leave (SPEC §12, Leerplichtwet 1969 as in force from 1 August 2026).
//! `evaluate` returns every rule a request breaks, not the first; "days" are school days of the
//! school's calendar, and a request that spans the summer counts each day in its own school year.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::five_year_old::five_year_old;
use super::issues::{Issue, Rule, Severity};
use super::state::Decider;
use super::{
    EarlierRequest, LeaveKind, LeaveRequest, LeaveSettings, MAX_REASON_LENGTH,
    MAX_REFERENCE_LENGTH, MAX_SPAN_DAYS, PupilFacts,
};
use crate::Invalid;
use crate::calendar::{SchoolCalendar, dates, weekend};
use crate::change_request::{Refusal, refusal};
use crate::school_year::SchoolYear;

/// Holiday leave: at most once per school year (*law* art. 13a). Granted leave counts (approved,
/// or approved by the attendance officer); refused, withdrawn and pending requests do not (a
/// pending one is a warning, so that two pending requests do not reject each other).
pub const HOLIDAY_LEAVE_PER_SCHOOL_YEAR: usize = 1;
/// Holiday leave: at most 10 school days per school year (*law* art. 13a).
pub const HOLIDAY_LEAVE_MAX_SCHOOL_DAYS: u32 = 10;
/// Holiday leave: never in the first two school weeks of the school year (*law* art. 13a).
pub const HOLIDAY_LEAVE_BLOCKED_SCHOOL_WEEKS: u32 = 2;
/// Holiday leave is requested at least 8 weeks ahead (school/municipal practice, SPEC §12).
pub const DEFAULT_ADVANCE_WEEKS: u32 = 8;
/// Most weeks ahead a school may ask holiday leave to be requested: our bound (a school year).
pub const MAX_ADVANCE_WEEKS: u32 = 52;

/// Whether a school may set `weeks` as its advance notice ([`MAX_ADVANCE_WEEKS`] at most).
pub fn advance_weeks_allowed(weeks: u32) -> bool {
    weeks <= MAX_ADVANCE_WEEKS
}
/// The director decides art. 14 leave up to 10 school days per school year in total; beyond, the
/// attendance officer (*law* art. 14 lid 1–3).
pub const DIRECTOR_MAX_IMPORTANT_DAYS: u32 = 10;
/// Art. 14 leave not asked in advance may be granted when the reasons are given within 2 days of
/// its first day (*law* art. 14; calendar days, our reading of "twee dagen").
pub const AFTER_THE_FACT_DAYS: i64 = 2;
/// Religious obligations are notified at least 2 days ahead (*law* art. 13; calendar days).
pub const RELIGIOUS_NOTICE_DAYS: i64 = 2;
/// Five-year-olds: up to 5 hours a week by notification (*law* art. 11a lid 1).
pub const FIVE_YEAR_OLD_NOTIFY_MINUTES: u32 = 300;
/// Five-year-olds: up to 10 hours a week with the director's consent (*law* art. 11a lid 2).
pub const FIVE_YEAR_OLD_CONSENT_MINUTES: u32 = 600;

/// What the rules say about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub kind: LeaveKind,
    /// Every broken rule, in a fixed order (law first, then practice, then routing; by rule and
    /// school year within).
    pub issues: Vec<Issue>,
    /// School days asked for, per school year.
    pub days_per_year: BTreeMap<SchoolYear, u32>,
    pub decider: Decider,
}

impl Verdict {
    /// A rule of the law is broken: the request is rejected.
    pub fn breaks_law(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Law)
    }

    pub fn codes(&self) -> Vec<&'static str> {
        self.issues.iter().map(|i| i.code()).collect()
    }

    pub fn total_days(&self) -> u32 {
        self.days_per_year.values().sum()
    }
}

fn check_text(value: Option<&str>, max: usize, field: &str, refusals: &mut Vec<Refusal>) {
    let Some(value) = value else { return };
    if value.chars().count() > max {
        refusals.push(refusal(
            field,
            Invalid::new("too_long", format!("is longer than {max} characters")),
        ));
    }
}

/// Field checks before the rules: a last day before the first, a span over [`MAX_SPAN_DAYS`],
/// over-long texts, a five-year-old's request without its minutes a week.
pub fn check(request: &LeaveRequest) -> Result<(), Vec<Refusal>> {
    let mut refusals = Vec::new();
    let span = (request.last_day - request.first_day).num_days();
    if span < 0 {
        refusals.push(refusal(
            "last_day",
            Invalid::new("before_first_day", "lies before the first day"),
        ));
    } else if span >= MAX_SPAN_DAYS {
        refusals.push(refusal(
            "last_day",
            Invalid::new("too_long", format!("spans more than {MAX_SPAN_DAYS} days")),
        ));
    }
    check_text(
        request.reason.as_deref(),
        MAX_REASON_LENGTH,
        "reason",
        &mut refusals,
    );
    check_text(
        request.employer_statement.as_deref(),
        MAX_REFERENCE_LENGTH,
        "employer_statement",
        &mut refusals,
    );
    if request.kind == LeaveKind::FiveYearOld && !matches!(request.minutes_per_week, Some(1..)) {
        refusals.push(refusal(
            "minutes_per_week",
            Invalid::new("required", "must say how many minutes a week"),
        ));
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

/// The school days from `first` to `last` per school year, each counted in the calendar of its
/// own year; and the years without a calendar, where weekdays were counted instead (more, never
/// fewer: a missing calendar must not let a request slip under a limit). At most
/// [`MAX_SPAN_DAYS`] days are looked at.
pub fn school_days_per_year(
    calendars: &[SchoolCalendar],
    first: NaiveDate,
    last: NaiveDate,
) -> (BTreeMap<SchoolYear, Vec<NaiveDate>>, BTreeSet<SchoolYear>) {
    let mut days: BTreeMap<SchoolYear, Vec<NaiveDate>> = BTreeMap::new();
    let mut missing = BTreeSet::new();
    let span = usize::try_from(MAX_SPAN_DAYS).unwrap_or(366);
    for date in dates(first, last).take(span) {
        let year = SchoolYear::containing(date);
        let school_day = match calendars.iter().find(|c| c.year() == year) {
            Some(calendar) => calendar.is_school_day(date),
            None => {
                missing.insert(year);
                !weekend(date)
            }
        };
        if school_day {
            days.entry(year).or_default().push(date);
        }
    }
    (days, missing)
}

fn counts(
    calendars: &[SchoolCalendar],
    first: NaiveDate,
    last: NaiveDate,
) -> BTreeMap<SchoolYear, u32> {
    school_days_per_year(calendars, first, last)
        .0
        .into_iter()
        .map(|(year, days)| (year, u32::try_from(days.len()).unwrap_or(u32::MAX)))
        .collect()
}

/// Evaluates a request against the law and the school's practice. `calendars` are the school's
/// calendars of the years the request and the earlier requests touch; `earlier` are the pupil's
/// other requests (not this one; in any order: the verdict does not depend on it). No clock: the
/// deadlines are measured from the request's `submitted_on`, so the director sees the verdict the
/// guardian saw, whenever it is evaluated. Expects a request that passed [`check`].
pub fn evaluate(
    request: &LeaveRequest,
    calendars: &[SchoolCalendar],
    earlier: &[EarlierRequest],
    pupil: &PupilFacts,
    settings: &LeaveSettings,
) -> Verdict {
    let (per_year, missing) = school_days_per_year(calendars, request.first_day, request.last_day);
    let days_per_year: BTreeMap<SchoolYear, u32> = per_year
        .iter()
        .map(|(y, d)| (*y, u32::try_from(d.len()).unwrap_or(u32::MAX)))
        .collect();
    let mut rules: Vec<Rule> = Vec::new();
    if days_per_year.is_empty() {
        rules.push(Rule::NoSchoolDays);
    }
    rules.extend(
        missing
            .iter()
            .map(|year| Rule::CalendarMissing { year: *year }),
    );
    let same_kind = |kind: LeaveKind| earlier.iter().filter(move |e| e.kind == kind);
    let mut decider = Decider::Director;
    match request.kind {
        LeaveKind::Holiday => {
            if request
                .employer_statement
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
            {
                rules.push(Rule::EmployerStatementMissing);
            }
            for (year, days) in &days_per_year {
                let in_year = |e: &&EarlierRequest| {
                    counts(calendars, e.first_day, e.last_day)
                        .get(year)
                        .is_some_and(|n| *n > 0)
                };
                if same_kind(LeaveKind::Holiday)
                    .filter(|e| e.state.is_granted())
                    .filter(in_year)
                    .count()
                    >= HOLIDAY_LEAVE_PER_SCHOOL_YEAR
                {
                    rules.push(Rule::HolidayOncePerYear { year: *year });
                }
                if same_kind(LeaveKind::Holiday)
                    .filter(|e| !e.state.is_final())
                    .any(|e| in_year(&e))
                {
                    rules.push(Rule::HolidayOtherPending { year: *year });
                }
                if *days > HOLIDAY_LEAVE_MAX_SCHOOL_DAYS {
                    rules.push(Rule::HolidayTooManyDays {
                        year: *year,
                        days: *days,
                    });
                }
            }
            let blocked = per_year.iter().find_map(|(year, days)| {
                let calendar = calendars.iter().find(|c| c.year() == *year)?;
                days.iter().copied().find(|d| {
                    calendar
                        .school_week_index(*d)
                        .is_some_and(|w| w <= HOLIDAY_LEAVE_BLOCKED_SCHOOL_WEEKS)
                })
            });
            if let Some(day) = blocked {
                rules.push(Rule::HolidayFirstTwoWeeks { day });
            }
            let days_ahead = (request.first_day - request.submitted_on).num_days();
            if days_ahead < i64::from(settings.advance_weeks) * 7 {
                rules.push(Rule::HolidayLateSubmission {
                    days_ahead,
                    weeks_required: settings.advance_weeks,
                });
            }
        }
        LeaveKind::ImportantCircumstances => {
            if request
                .reason
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
            {
                rules.push(Rule::ReasonMissing);
            }
            let after = (request.submitted_on - request.first_day).num_days();
            if after > AFTER_THE_FACT_DAYS {
                rules.push(Rule::ImportantReasonsTooLate);
            } else if after > 0 {
                rules.push(Rule::ImportantAfterTheFact);
            }
            for (year, days) in &days_per_year {
                let granted: u32 = same_kind(LeaveKind::ImportantCircumstances)
                    .filter(|e| e.state.is_granted())
                    .filter_map(|e| {
                        counts(calendars, e.first_day, e.last_day)
                            .get(year)
                            .copied()
                    })
                    .sum();
                let total = granted + days;
                if total > DIRECTOR_MAX_IMPORTANT_DAYS {
                    rules.push(Rule::ImportantOverDirectorLimit { year: *year, total });
                    decider = Decider::AttendanceOfficer;
                }
            }
        }
        LeaveKind::Religious => {
            decider = Decider::Notification;
            if (request.first_day - request.submitted_on).num_days() < RELIGIOUS_NOTICE_DAYS {
                rules.push(Rule::ReligiousNoticeTooLate);
            }
        }
        LeaveKind::FiveYearOld => {
            five_year_old(request, earlier, pupil, &mut rules, &mut decider);
        }
    }
    let mut issues: Vec<Issue> = rules.into_iter().map(Issue::new).collect();
    issues.sort();
    issues.dedup();
    Verdict {
        kind: request.kind,
        issues,
        days_per_year,
        decider,
    }
}
