//! The contract's shapes of booking: a guardian's offer, a booking, its end, and the caller's list.

use chrono::{DateTime, Utc};
use domain::planner::{BookingState, Preparation};
use persistence::planner::{StoredBooking, StoredPreparation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::dto::PlannerDesk;
use crate::services::planner::Offer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlannerBookingState {
    Booked,
    /// Freed while booking was open.
    Unbooked,
    /// Cancelled with a reason.
    Cancelled,
}
same_enum!(
    PlannerBookingState,
    BookingState,
    [Booked, Unbooked, Cancelled]
);

/// A free slot a guardian may book.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerFreeSlot {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub desk_id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// A desk's word on a child's conversation.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
pub struct PlannerPreparation {
    #[serde(default, skip_deserializing)]
    #[schema(format = Uuid, max_length = 36, read_only)]
    pub desk_id: String,
    /// The teacher asks for a conversation, or finds one not necessary; absent: no word.
    pub state: Option<PlannerPreparationState>,
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlannerPreparationState {
    ConversationRequested,
    NotNecessary,
}
same_enum!(
    PlannerPreparationState,
    Preparation,
    [ConversationRequested, NotNecessary]
);

impl From<StoredPreparation> for PlannerPreparation {
    fn from(p: StoredPreparation) -> Self {
        PlannerPreparation {
            desk_id: p.desk_id,
            state: p.state.map(Into::into),
            note: p.note,
        }
    }
}

/// What one child may book.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerChildOffer {
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    /// What the child's teachers prepared.
    #[schema(max_items = 20)]
    pub preparations: Vec<PlannerPreparation>,
    #[schema(max_items = 20)]
    pub desks: Vec<PlannerDesk>,
    #[schema(max_items = 2000)]
    pub free_slots: Vec<PlannerFreeSlot>,
}

/// One step of a sibling sequence: this child, at this desk, in this slot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerSequenceStep {
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub desk_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub slot_id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// What a guardian may book in a round: per child, and for siblings slots in a row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerOffer {
    #[schema(format = Uuid, max_length = 36)]
    pub round_id: String,
    #[schema(max_items = 10)]
    pub children: Vec<PlannerChildOffer>,
    /// For several children: slots one after another (at most 30 minutes apart), one per child.
    #[schema(max_items = 20)]
    pub sequences: Vec<PlannerSequence>,
}

/// Slots one after another, one per child, in time order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerSequence {
    #[schema(max_items = 4)]
    pub steps: Vec<PlannerSequenceStep>,
}

impl From<Offer> for PlannerOffer {
    fn from(o: Offer) -> Self {
        PlannerOffer {
            round_id: o.round.id,
            children: o
                .children
                .into_iter()
                .map(|c| PlannerChildOffer {
                    preparations: c.preparations.into_iter().map(Into::into).collect(),
                    pupil_id: c.pupil_id,
                    desks: c.desks.into_iter().map(Into::into).collect(),
                    free_slots: c
                        .free
                        .into_iter()
                        .map(|s| PlannerFreeSlot {
                            id: s.id,
                            desk_id: s.desk_id,
                            starts_at: s.slot.starts_at,
                            ends_at: s.slot.ends_at,
                        })
                        .collect(),
                })
                .collect(),
            sequences: o
                .sequences
                .into_iter()
                .map(|seq| PlannerSequence {
                    steps: seq
                        .into_iter()
                        .map(|c| PlannerSequenceStep {
                            pupil_id: c.pupil.to_string(),
                            desk_id: c.desk.to_string(),
                            slot_id: c.slot.to_string(),
                            starts_at: c.starts_at,
                            ends_at: c.ends_at,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A booking as a guardian asks it.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannerBookingInput {
    pub slot_id: Uuid,
    pub pupil_id: Uuid,
}

/// A booking.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlannerBooking {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub round_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub desk_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub slot_id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    /// Absent: a joint booking (every household invited); else the household's own (the pupil is
    /// marked separated).
    #[schema(max_length = 100)]
    pub household: Option<String>,
    pub state: PlannerBookingState,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[schema(max_length = 500)]
    pub cancel_reason: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Where it is held (in the caller's list of bookings).
    #[schema(max_length = 100)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// The video meeting of the desk that day, for those invited (in the caller's list).
    #[schema(format = "uri", max_length = 200)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_link: Option<String>,
}

impl From<StoredBooking> for PlannerBooking {
    fn from(b: StoredBooking) -> Self {
        PlannerBooking {
            state: b.state.into(),
            id: b.id,
            round_id: b.round_id,
            desk_id: b.desk_id,
            slot_id: b.slot_id,
            pupil_id: b.pupil_id,
            household: b.household,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            cancel_reason: b.cancel_reason,
            ended_at: b.ended_at,
            created_at: b.created_at,
            room: None,
            video_link: None,
        }
    }
}

/// Ending a booking: a reason is needed for a cancellation (after the close, or by the school).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannerWithdrawalInput {
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub reason: Option<String>,
}

/// The caller's bookings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerBookingList {
    #[schema(max_items = 200)]
    pub items: Vec<PlannerBooking>,
}

impl From<crate::services::planner::MyBooking> for PlannerBooking {
    fn from(mine: crate::services::planner::MyBooking) -> Self {
        let mut booking = PlannerBooking::from(mine.booking);
        if let Some(day) = mine.day {
            booking.room = day.room;
            booking.video_link = day.video_link;
        }
        booking
    }
}

/// Where a desk sits on a day, as set.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlannerDeskDay {
    pub day: chrono::NaiveDate,
    #[schema(max_length = 100)]
    pub room: Option<String>,
    #[schema(format = "uri", max_length = 200)]
    pub video_link: Option<String>,
}

/// Where a desk sits on a day: a room, and whether to hold the conversations by video (a new,
/// unguessable link is made each time this is true).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannerDeskDayInput {
    #[schema(max_length = 100)]
    #[validate(length(max = 100))]
    pub room: Option<String>,
    #[serde(default)]
    pub video: bool,
}
