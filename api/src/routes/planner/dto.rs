//! The contract's shapes of the conversation planner, with typed enums, and their conversions.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::change_request::Refusal;
use domain::planner::{
    CreateRound, DuoMode, Fairness, MAX_BOOKINGS_PER_PUPIL, MAX_NAME_LENGTH, MAX_PURPOSE_LENGTH,
    MAX_QUOTA_HOURS, MAX_REASON_LENGTH, Phase, RoundSettings, RoundTimes, Window,
};
use persistence::ids::uuid;
use persistence::planner::{DeskSlot, StoredDesk, StoredRound};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::services::planner::RoundView;

/// Where a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundPhase {
    /// Teachers check their times until the deadline.
    Availability,
    /// The deadline passed; the school publishes it next.
    AwaitingPublication,
    /// Published; booking opens later.
    Scheduled,
    Open,
    Closed,
}
same_enum!(
    RoundPhase,
    Phase,
    [Availability, AwaitingPublication, Scheduled, Open, Closed]
);

/// Two teachers of one group (a duo job): together at one desk, or each with slots of their own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundDuoMode {
    #[default]
    Share,
    Split,
}
same_enum!(RoundDuoMode, DuoMode, [Share, Split]);

/// A day's time window on the Amsterdam wall clock.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannerWindow {
    pub day: NaiveDate,
    /// `HH:MM`, Europe/Amsterdam.
    #[schema(
        max_length = 5,
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        example = "18:00"
    )]
    pub starts: String,
    #[schema(
        max_length = 5,
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        example = "21:00"
    )]
    pub ends: String,
}

/// At most `per_pupil` bookings per child in the first `hours` after booking opens.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FairnessQuota {
    #[schema(minimum = 1, maximum = 10)]
    #[validate(range(min = 1, max = 10))]
    pub per_pupil: u32,
    #[schema(minimum = 1, maximum = 168)]
    #[validate(range(min = 1, max = 168))]
    pub hours: u32,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

/// A round as the school makes it.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Tienminutengesprekken november",
    "purpose": "Voortgang eerste periode",
    "groups": ["0190f5a4-0000-7000-8000-000000000001"],
    "windows": [{"day": "2026-12-14", "starts": "15:00", "ends": "17:00"}],
    "slot_minutes": 10,
    "pause_minutes": 5,
    "teachers_deadline": "2026-12-04T16:00:00Z",
    "booking_opens": "2026-12-07T07:00:00Z",
    "booking_closes": "2026-12-11T16:00:00Z",
    "fairness": {"per_pupil": 1, "hours": 24}
}))]
pub struct PlannerRoundInput {
    #[schema(max_length = 120)]
    pub name: String,
    #[schema(max_length = 2000)]
    pub purpose: Option<String>,
    /// The groups whose pupils the round is for.
    #[schema(max_items = 100)]
    #[validate(length(min = 1, max = 100))]
    pub groups: Vec<Uuid>,
    #[schema(max_items = 60)]
    #[validate(length(min = 1, max = 60))]
    pub windows: Vec<PlannerWindow>,
    #[schema(minimum = 5, maximum = 120)]
    pub slot_minutes: u32,
    #[schema(minimum = 0, maximum = 60)]
    pub pause_minutes: u32,
    /// Until when teachers check their times.
    pub teachers_deadline: DateTime<Utc>,
    pub booking_opens: DateTime<Utc>,
    pub booking_closes: DateTime<Utc>,
    /// Whether guardians may unbook and book again until the close (default yes).
    #[serde(default = "yes")]
    pub guardians_may_change: bool,
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 10)]
    pub max_bookings_per_pupil: u32,
    #[validate(nested)]
    pub fairness: Option<FairnessQuota>,
    #[serde(default)]
    pub duo_mode: RoundDuoMode,
}

fn clock(field: String, text: &str, refusals: &mut Vec<Refusal>) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M").unwrap_or_else(|_| {
        refusals.push(Refusal {
            field,
            reason: domain::Invalid::new("invalid_time", "must be HH:MM"),
        });
        NaiveTime::MIN
    })
}

impl PlannerRoundInput {
    /// The command, or the refusals of its windows' times.
    pub fn command(&self) -> Result<CreateRound, Vec<Refusal>> {
        let mut refusals = Vec::new();
        let windows = self
            .windows
            .iter()
            .enumerate()
            .map(|(i, w)| Window {
                day: w.day,
                starts: clock(format!("windows[{i}].starts"), &w.starts, &mut refusals),
                ends: clock(format!("windows[{i}].ends"), &w.ends, &mut refusals),
            })
            .collect();
        if !refusals.is_empty() {
            return Err(refusals);
        }
        let settings = RoundSettings {
            name: self.name.clone(),
            purpose: self.purpose.clone(),
            windows,
            slot_minutes: self.slot_minutes,
            pause_minutes: self.pause_minutes,
            times: RoundTimes {
                teachers_deadline: self.teachers_deadline,
                booking_opens: self.booking_opens,
                booking_closes: self.booking_closes,
            },
            guardians_may_change: self.guardians_may_change,
            max_bookings_per_pupil: self.max_bookings_per_pupil,
            fairness: self.fairness.map(|f| Fairness {
                per_pupil: f.per_pupil,
                hours: f.hours,
            }),
        };
        Ok(CreateRound {
            settings,
            groups: self.groups.clone(),
            duo_mode: self.duo_mode.into(),
        })
    }
}

/// Where conversations are held: the staff at it and the groups whose pupils book there.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerDesk {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// The teachers' names.
    #[schema(max_length = 500)]
    pub label: String,
    #[schema(max_items = 10)]
    pub staff_ids: Vec<Uuid>,
    #[schema(max_items = 100)]
    pub group_ids: Vec<Uuid>,
}

impl From<StoredDesk> for PlannerDesk {
    fn from(d: StoredDesk) -> Self {
        PlannerDesk {
            id: d.id,
            label: d.label,
            staff_ids: d.staff.iter().map(|s| uuid(s)).collect(),
            group_ids: d.groups.iter().map(|g| uuid(g)).collect(),
        }
    }
}

/// A round with its windows and desks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerRound {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    #[schema(max_length = 120)]
    pub name: String,
    #[schema(max_length = 2000)]
    pub purpose: Option<String>,
    pub phase: RoundPhase,
    #[schema(max_items = 100)]
    pub group_ids: Vec<Uuid>,
    #[schema(max_items = 60)]
    pub windows: Vec<PlannerWindow>,
    #[schema(minimum = 5, maximum = 120)]
    pub slot_minutes: u32,
    #[schema(minimum = 0, maximum = 60)]
    pub pause_minutes: u32,
    pub teachers_deadline: DateTime<Utc>,
    pub booking_opens: DateTime<Utc>,
    pub booking_closes: DateTime<Utc>,
    pub guardians_may_change: bool,
    #[schema(minimum = 1, maximum = 10)]
    pub max_bookings_per_pupil: u32,
    pub fairness: Option<FairnessQuota>,
    pub duo_mode: RoundDuoMode,
    pub published_at: Option<DateTime<Utc>>,
    /// All desks for staff; a guardian's children's desks for a guardian.
    #[schema(max_items = 200)]
    pub desks: Vec<PlannerDesk>,
}

impl From<RoundView> for PlannerRound {
    fn from(v: RoundView) -> Self {
        let r = v.round;
        PlannerRound {
            phase: v.phase.into(),
            group_ids: v.groups.iter().map(|g| uuid(g)).collect(),
            windows: v
                .windows
                .into_iter()
                .map(|w| PlannerWindow {
                    day: w.day,
                    starts: w.starts.format("%H:%M").to_string(),
                    ends: w.ends.format("%H:%M").to_string(),
                })
                .collect(),
            desks: v.desks.into_iter().map(Into::into).collect(),
            slot_minutes: r.slot_minutes,
            pause_minutes: r.pause_minutes,
            teachers_deadline: r.times.teachers_deadline,
            booking_opens: r.times.booking_opens,
            booking_closes: r.times.booking_closes,
            guardians_may_change: r.guardians_may_change,
            max_bookings_per_pupil: r.max_bookings_per_pupil,
            fairness: r.fairness.map(|f| FairnessQuota {
                per_pupil: f.per_pupil,
                hours: f.hours,
            }),
            duo_mode: r.duo_mode.into(),
            published_at: r.published_at,
            id: r.id,
            school_id: r.school_id,
            name: r.name,
            purpose: r.purpose,
        }
    }
}

/// A round in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerRoundSummary {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 120)]
    pub name: String,
    pub teachers_deadline: DateTime<Utc>,
    pub booking_opens: DateTime<Utc>,
    pub booking_closes: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<StoredRound> for PlannerRoundSummary {
    fn from(r: StoredRound) -> Self {
        PlannerRoundSummary {
            teachers_deadline: r.times.teachers_deadline,
            booking_opens: r.times.booking_opens,
            booking_closes: r.times.booking_closes,
            published_at: r.published_at,
            id: r.id,
            name: r.name,
        }
    }
}

/// A slot of a desk, as its staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerSlot {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub desk_id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Not offered to guardians.
    pub blocked: bool,
    /// Added by the teacher (not generated from the round's windows).
    pub added: bool,
    #[schema(format = Uuid, max_length = 36)]
    pub booking_id: Option<String>,
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: Option<String>,
}

impl From<DeskSlot> for PlannerSlot {
    fn from(s: DeskSlot) -> Self {
        let (booking_id, pupil_id) = s.booking.map_or((None, None), |(b, p)| (Some(b), Some(p)));
        PlannerSlot {
            id: s.id,
            desk_id: s.desk_id,
            starts_at: s.slot.starts_at,
            ends_at: s.slot.ends_at,
            blocked: s.blocked,
            added: s.added,
            booking_id,
            pupil_id,
        }
    }
}

/// A desk's slots.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerDeskSlots {
    #[schema(format = Uuid, max_length = 36)]
    pub round_id: String,
    pub desk: PlannerDesk,
    #[schema(max_items = 1000)]
    pub slots: Vec<PlannerSlot>,
}

/// A slot blocked or freed.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannerSlotChange {
    pub blocked: bool,
}

/// A slot a teacher adds (its length is the round's).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannerSlotInput {
    pub starts_at: DateTime<Utc>,
}

/// A desk's day cancelled (a teacher's illness), with the reason the guardians are given.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannerDayCancellationInput {
    /// The day (Europe/Amsterdam).
    pub day: NaiveDate,
    #[schema(min_length = 1, max_length = 500, example = "Juf is ziek")]
    #[validate(length(min = 1, max = 500))]
    pub reason: String,
}

/// What a day's cancellation did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerDayCancelled {
    /// Bookings cancelled (their guardians are told).
    #[schema(minimum = 0, maximum = 1000)]
    pub cancelled: u32,
    /// Slots of the day blocked.
    #[schema(minimum = 0, maximum = 1000)]
    pub blocked: u32,
}

// The bounds in the contract are the domain's.
const _: () = {
    assert!(MAX_NAME_LENGTH == 120);
    assert!(MAX_PURPOSE_LENGTH == 2000);
    assert!(MAX_BOOKINGS_PER_PUPIL == 10);
    assert!(MAX_QUOTA_HOURS == 168);
    assert!(MAX_REASON_LENGTH == 500);
    assert!(domain::planner::MAX_ROUND_GROUPS == 100);
    assert!(domain::planner::MAX_ROOM_LENGTH == 100);
};
