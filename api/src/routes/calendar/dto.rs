//! The contract's shapes of the school calendar.

use chrono::{NaiveDate, NaiveDateTime};
use domain::calendar::{Closure, ClosureKind, LessonTable, MAX_DAY_MINUTES, Region, WeekMinutes};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, FieldError};
use crate::services::calendar::{CalendarView, SetCalendar};

/// A national holiday region (regio noord, midden, zuid): it sets the school vacations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HolidayRegion {
    North,
    Middle,
    South,
}

impl From<Region> for HolidayRegion {
    fn from(region: Region) -> Self {
        match region {
            Region::North => HolidayRegion::North,
            Region::Middle => HolidayRegion::Middle,
            Region::South => HolidayRegion::South,
        }
    }
}

impl From<HolidayRegion> for Region {
    fn from(region: HolidayRegion) -> Self {
        match region {
            HolidayRegion::North => Region::North,
            HolidayRegion::Middle => Region::Middle,
            HolidayRegion::South => Region::South,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// A vacation or a national day off.
    Holiday,
    /// A study day: the team works, pupils have no lessons.
    StudyDay,
}

/// Minutes of teaching on one weekday.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DayMinutes(pub u32);

impl utoipa::PartialSchema for DayMinutes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Int32,
            )))
            .minimum(Some(0))
            .maximum(Some(MAX_DAY_MINUTES))
            .into()
    }
}

impl ToSchema for DayMinutes {}

fn minutes_of(week: &WeekMinutes) -> Vec<DayMinutes> {
    week.0.iter().copied().map(DayMinutes).collect()
}

/// Days without lessons, both ends included.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayOff {
    pub kind: DayOffKind,
    /// E.g. `Kerstvakantie`, `Studiedag`.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// The lesson times of a group that differ from the school's.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupLessonMinutes {
    pub group_id: Uuid,
    /// Minutes of teaching Monday to Sunday (seven numbers, each at most 480; 0: no lessons).
    #[schema(min_items = 7, max_items = 7)]
    pub lesson_minutes: Vec<DayMinutes>,
}

/// A school's calendar for one school year. Until an admin sets it, the default: the middle
/// region's vacations, the national days off and 25.75 hours a week (`version` 0).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchoolCalendarDto {
    /// `2026-2027`.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{4}$", max_length = 9)]
    pub school_year: String,
    /// The region its vacations were seeded from, when named.
    pub region: Option<HolidayRegion>,
    /// 0 while the default is answered; give it back when setting the calendar.
    #[schema(minimum = 0, maximum = 2147483647)]
    pub version: i32,
    pub updated_at: Option<NaiveDateTime>,
    /// Minutes of teaching Monday to Sunday, the school's (seven numbers; 0: no lessons).
    #[schema(min_items = 7, max_items = 7)]
    pub lesson_minutes: Vec<DayMinutes>,
    #[schema(max_items = 100)]
    pub groups: Vec<GroupLessonMinutes>,
    /// Sorted by first day.
    #[schema(max_items = 200)]
    pub days_off: Vec<DayOff>,
    /// School days in the school year.
    #[schema(minimum = 0, maximum = 366)]
    pub school_days: u32,
    /// Weeks with at least one school day.
    #[schema(minimum = 0, maximum = 53)]
    pub school_weeks: u32,
}

impl From<CalendarView> for SchoolCalendarDto {
    fn from(view: CalendarView) -> Self {
        let calendar = &view.calendar;
        let year = calendar.year();
        SchoolCalendarDto {
            school_year: year.name(),
            region: view.region.map(Into::into),
            version: view.version,
            updated_at: view.updated_at,
            lesson_minutes: minutes_of(&calendar.lessons().default),
            groups: calendar
                .lessons()
                .groups
                .iter()
                .map(|(group_id, minutes)| GroupLessonMinutes {
                    group_id: *group_id,
                    lesson_minutes: minutes_of(minutes),
                })
                .collect(),
            days_off: calendar
                .closures()
                .iter()
                .map(|c| DayOff {
                    kind: match c.kind {
                        ClosureKind::Holiday => DayOffKind::Holiday,
                        ClosureKind::StudyDay => DayOffKind::StudyDay,
                    },
                    name: c.name.clone(),
                    first_day: c.first,
                    last_day: c.last,
                })
                .collect(),
            school_days: calendar.count_school_days(year.starts_on(), year.ends_on()),
            school_weeks: u32::try_from(calendar.school_weeks().len()).unwrap_or(u32::MAX),
        }
    }
}

/// A calendar to store for a school year, replacing the one there.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SchoolCalendarInput {
    /// The version read (0 for the default): a save on an older version answers 409.
    #[schema(minimum = 0, maximum = 2147483647)]
    pub version: i32,
    /// The school's holiday region. Without `days_off`, the region's vacations and the national
    /// days off are stored (the middle region's when none is named).
    pub region: Option<HolidayRegion>,
    /// Minutes of teaching Monday to Sunday, the school's (seven numbers, each at most 480; 0: no
    /// lessons).
    #[schema(min_items = 7, max_items = 7)]
    pub lesson_minutes: Vec<DayMinutes>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub groups: Vec<GroupLessonMinutes>,
    /// The days without lessons; omitted: seeded from `region`.
    #[schema(max_items = 200)]
    pub days_off: Option<Vec<DayOff>>,
}

fn week(field: &str, minutes: &[DayMinutes]) -> Result<WeekMinutes, FieldError> {
    let days: Vec<u32> = minutes.iter().map(|m| m.0).collect();
    let days: [u32; 7] = days.try_into().map_err(|_| {
        FieldError::new(
            field,
            "seven_days",
            "must hold seven numbers, Monday to Sunday".to_owned(),
        )
    })?;
    WeekMinutes::new(days).ok_or_else(|| {
        FieldError::new(
            field,
            "too_many_minutes",
            format!("a day has at most {MAX_DAY_MINUTES} minutes of lessons"),
        )
    })
}

/// Most days off in one calendar and most groups with their own times: our bounds, far above any
/// school's (a few vacations and study days; groups 1–8 or classes).
const MAX_DAYS_OFF: usize = 200;
const MAX_GROUPS: usize = 100;

impl TryFrom<SchoolCalendarInput> for SetCalendar {
    type Error = ApiError;

    fn try_from(input: SchoolCalendarInput) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        if input.version < 0 {
            errors.push(FieldError::new(
                "version",
                "minimum",
                "must be 0 or more".to_owned(),
            ));
        }
        let default = week("lesson_minutes", &input.lesson_minutes).map_err(|e| errors.push(e));
        let mut lessons = LessonTable::new(default.unwrap_or_default());
        if input.groups.len() > MAX_GROUPS {
            errors.push(FieldError::new(
                "groups",
                "too_many",
                format!("at most {MAX_GROUPS}"),
            ));
        }
        for (i, group) in input.groups.iter().enumerate() {
            if lessons.groups.contains_key(&group.group_id) {
                errors.push(FieldError::new(
                    format!("groups[{i}].group_id"),
                    "duplicate",
                    "is named twice".to_owned(),
                ));
            }
            match week(
                &format!("groups[{i}].lesson_minutes"),
                &group.lesson_minutes,
            ) {
                Ok(minutes) => lessons = lessons.with_group(group.group_id, minutes),
                Err(err) => errors.push(err),
            }
        }
        if input
            .days_off
            .as_ref()
            .is_some_and(|d| d.len() > MAX_DAYS_OFF)
        {
            errors.push(FieldError::new(
                "days_off",
                "too_many",
                format!("at most {MAX_DAYS_OFF}"),
            ));
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let closures = input.days_off.map(|days| {
            days.into_iter()
                .map(|d| Closure {
                    kind: match d.kind {
                        DayOffKind::Holiday => ClosureKind::Holiday,
                        DayOffKind::StudyDay => ClosureKind::StudyDay,
                    },
                    name: d.name.trim().to_owned(),
                    first: d.first_day,
                    last: d.last_day,
                })
                .collect()
        });
        Ok(SetCalendar {
            version: input.version,
            region: input.region.map(Into::into),
            lessons,
            closures,
        })
    }
}
