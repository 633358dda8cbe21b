//! Lesson times: minutes of teaching per weekday, a school default with optional times per group
//! (groups 1–2 often have Wednesday or Friday afternoons off). Minutes as integers: hours such as
//! 5.5 are exact in minutes, and sums never drift as floats would.

use std::collections::BTreeMap;

use chrono::Weekday;
use uuid::Uuid;

/// Teaching minutes on Monday to Friday of an ordinary primary school day: 08:30–12:00 and
/// 13:00–15:00, 5.5 hours. Our choice of default; a school sets its own.
pub const DEFAULT_FULL_DAY_MINUTES: u32 = 330;
/// Teaching minutes on Wednesday, a morning: 08:30–12:15, 3.75 hours. Our choice of default.
pub const DEFAULT_WEDNESDAY_MINUTES: u32 = 225;
/// Most minutes of teaching on one day: our sanity bound (a day has 1440; a school day 8 hours).
pub const MAX_DAY_MINUTES: u32 = 480;

/// Teaching minutes per weekday, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeekMinutes(pub [u32; 7]);

impl Default for WeekMinutes {
    /// Monday, Tuesday, Thursday, Friday 5.5 h; Wednesday 3.75 h; no lessons at the weekend
    /// (25.75 h a week, our choice).
    fn default() -> WeekMinutes {
        let full = DEFAULT_FULL_DAY_MINUTES;
        WeekMinutes([full, full, DEFAULT_WEDNESDAY_MINUTES, full, full, 0, 0])
    }
}

impl WeekMinutes {
    /// Times per weekday; `None` when a day exceeds [`MAX_DAY_MINUTES`].
    pub fn new(minutes: [u32; 7]) -> Option<WeekMinutes> {
        minutes
            .iter()
            .all(|m| *m <= MAX_DAY_MINUTES)
            .then_some(WeekMinutes(minutes))
    }

    pub fn on(&self, weekday: Weekday) -> u32 {
        self.0[weekday.num_days_from_monday() as usize]
    }

    pub fn per_week(&self) -> u32 {
        self.0.iter().sum()
    }
}

/// The school's default times and the groups that differ from it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LessonTable {
    pub default: WeekMinutes,
    pub groups: BTreeMap<Uuid, WeekMinutes>,
}

impl LessonTable {
    pub fn new(default: WeekMinutes) -> LessonTable {
        LessonTable {
            default,
            groups: BTreeMap::new(),
        }
    }

    pub fn with_group(mut self, group: Uuid, minutes: WeekMinutes) -> LessonTable {
        self.groups.insert(group, minutes);
        self
    }

    /// The times of `group`, the default when it has none (or no group is known).
    pub fn for_group(&self, group: Option<Uuid>) -> &WeekMinutes {
        group
            .and_then(|g| self.groups.get(&g))
            .unwrap_or(&self.default)
    }

    pub fn minutes(&self, group: Option<Uuid>, weekday: Weekday) -> u32 {
        self.for_group(group).on(weekday)
    }
}
