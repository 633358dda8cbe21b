//! What the notification engine is told: an event of one kind about one object of one school
//! (SPEC §6). Modules emit events inside the transaction of the change that causes them; the
//! engine decides who hears of it, on which channel and when.
//!
//! Payloads that leave the portal (webhooks, the live stream) carry only the kind and a reference
//! to the object, never names or content (SPEC §6): the app fetches the object with the user's
//! token, so it sees only what that user may see.

use serde::{Deserialize, Serialize};

/// The kinds of event, in their stored and wire form (`news.published`, …). A webhook endpoint
/// subscribes to some of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventKind {
    /// A news post went live (at once, or at its scheduled time: once either way).
    #[serde(rename = "news.published")]
    NewsPublished,
    /// The author asked the guardians who have not confirmed a post to do so.
    #[serde(rename = "news.confirmation_requested")]
    NewsConfirmationRequested,
    /// The school processed or rejected a guardian's change request.
    #[serde(rename = "change_request.decided")]
    ChangeRequestDecided,
    /// The director (or the attendance officer, recorded by the school) decided a leave request.
    #[serde(rename = "leave.decided")]
    LeaveDecided,
    /// Staff registered a pupil absent (unauthorized) while no report of a guardian covers the day,
    /// at a school that switched this notice on (issue #11). Urgent: the child is not at school.
    #[serde(rename = "absence.unreported")]
    AbsenceUnreported,
    /// A round of parent conversations was published: the guardians of its groups may book
    /// (seed 003: it is sent out centrally).
    #[serde(rename = "planner.published")]
    PlannerPublished,
    /// The school cancelled a booked conversation (a teacher's illness, say): the guardians
    /// invited to it are told and may book another time.
    #[serde(rename = "planner.booking_cancelled")]
    PlannerBookingCancelled,
    /// The school reminded the guardians of pupils without a booking in an open round.
    #[serde(rename = "planner.reminder")]
    PlannerReminder,
    /// A booked conversation starts within a day: its guardians are reminded, once.
    #[serde(rename = "planner.conversation_reminder")]
    PlannerConversationReminder,
    /// A sign-up form opened: the guardians of the children it is for are told, once.
    #[serde(rename = "forms.opened")]
    FormsOpened,
    /// The author of a sign-up form reminded the households in its audience that have not
    /// responded; always e-mailed (seed 003).
    #[serde(rename = "forms.reminder")]
    FormsReminder,
    /// A place came free and a household on the waiting list got it.
    #[serde(rename = "forms.place_given")]
    FormsPlaceGiven,
    /// A ranked form's allocation ran: the households that signed up see where they stand.
    #[serde(rename = "forms.allocated")]
    FormsAllocated,
}

impl EventKind {
    pub const ALL: [EventKind; 13] = [
        EventKind::NewsPublished,
        EventKind::NewsConfirmationRequested,
        EventKind::ChangeRequestDecided,
        EventKind::LeaveDecided,
        EventKind::AbsenceUnreported,
        EventKind::PlannerPublished,
        EventKind::PlannerBookingCancelled,
        EventKind::PlannerReminder,
        EventKind::PlannerConversationReminder,
        EventKind::FormsOpened,
        EventKind::FormsReminder,
        EventKind::FormsPlaceGiven,
        EventKind::FormsAllocated,
    ];

    /// The stored and wire form; the same as serde's.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::NewsPublished => "news.published",
            EventKind::NewsConfirmationRequested => "news.confirmation_requested",
            EventKind::ChangeRequestDecided => "change_request.decided",
            EventKind::LeaveDecided => "leave.decided",
            EventKind::AbsenceUnreported => "absence.unreported",
            EventKind::PlannerPublished => "planner.published",
            EventKind::PlannerBookingCancelled => "planner.booking_cancelled",
            EventKind::PlannerReminder => "planner.reminder",
            EventKind::PlannerConversationReminder => "planner.conversation_reminder",
            EventKind::FormsOpened => "forms.opened",
            EventKind::FormsReminder => "forms.reminder",
            EventKind::FormsPlaceGiven => "forms.place_given",
            EventKind::FormsAllocated => "forms.allocated",
        }
    }

    /// Reads `as_str`'s form; anything else is `None`.
    pub fn parse(value: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// The kind of object the event refers to (what the app fetches).
    pub fn object_kind(self) -> &'static str {
        match self {
            EventKind::NewsPublished | EventKind::NewsConfirmationRequested => "news_post",
            EventKind::ChangeRequestDecided => "change_request",
            EventKind::LeaveDecided => "leave_request",
            EventKind::AbsenceUnreported => "absence",
            EventKind::PlannerPublished | EventKind::PlannerReminder => "planner_round",
            EventKind::PlannerBookingCancelled | EventKind::PlannerConversationReminder => {
                "planner_booking"
            }
            EventKind::FormsOpened | EventKind::FormsReminder => "form",
            EventKind::FormsPlaceGiven | EventKind::FormsAllocated => "form_response",
        }
    }

    /// Whether the message goes out by e-mail whatever the guardian's preference: a sign-up
    /// form's reminder (seed 003: "hiervan ontvangen de ouders altijd een mail, ongeacht of en hoe
    /// vaak een ouder e-mail notificaties wil ontvangen"), and like it a request to confirm a news
    /// post (SPEC §6), something the school needs an answer to.
    pub fn always_sent(self) -> bool {
        matches!(
            self,
            EventKind::NewsConfirmationRequested | EventKind::FormsReminder
        )
    }

    /// The opt-in both the school and the guardian must have given before this kind is sent at
    /// all (seed 004: grade notifications); `None` for kinds that need none.
    pub fn opt_in(self) -> Option<OptIn> {
        match self {
            EventKind::NewsPublished
            | EventKind::NewsConfirmationRequested
            | EventKind::ChangeRequestDecided
            | EventKind::LeaveDecided
            | EventKind::AbsenceUnreported
            | EventKind::PlannerPublished
            | EventKind::PlannerBookingCancelled
            | EventKind::PlannerReminder
            | EventKind::PlannerConversationReminder
            | EventKind::FormsOpened
            | EventKind::FormsReminder
            | EventKind::FormsPlaceGiven
            | EventKind::FormsAllocated => None,
        }
    }
}

/// A kind of notification that needs the school's and the guardian's explicit opt-in (seed 004:
/// "cijfernotificaties … zowel door de school alsook door de ouder bewust ingeschakeld").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptIn {
    Grades,
}

impl OptIn {
    pub const ALL: [OptIn; 1] = [OptIn::Grades];

    pub fn as_str(self) -> &'static str {
        match self {
            OptIn::Grades => "grades",
        }
    }

    pub fn parse(value: &str) -> Option<OptIn> {
        OptIn::ALL.into_iter().find(|o| o.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_reads_back_from_its_wire_form_and_serde_agrees() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(EventKind::parse("news"), None);
        assert_eq!(EventKind::parse("NEWS.PUBLISHED"), None);
    }

    #[test]
    fn only_a_confirmation_request_bypasses_the_preference() {
        assert!(EventKind::NewsConfirmationRequested.always_sent());
        // Seed 003: sign-up reminders always go by e-mail.
        assert!(EventKind::FormsReminder.always_sent());
        assert!(!EventKind::FormsPlaceGiven.always_sent());
        assert!(!EventKind::NewsPublished.always_sent());
        assert!(!EventKind::ChangeRequestDecided.always_sent());
    }

    #[test]
    fn opt_ins_read_back() {
        for opt_in in OptIn::ALL {
            assert_eq!(OptIn::parse(opt_in.as_str()), Some(opt_in));
        }
        assert_eq!(OptIn::parse("cijfers"), None);
    }
}
