//! A person's conversations as an iCalendar feed (RFC 5545) that a phone's calendar subscribes
//! to (issue #12): one VEVENT per booking, guardians' and teachers' alike. The UID is the
//! booking's and never changes, so a change or a cancellation updates the event already in the
//! calendar instead of adding one: SEQUENCE is the booking's `sequence` (moved on at every
//! ending), STATUS says whether it still takes place. Generated with the `icalendar` crate's
//! builder (it folds lines at 75 octets and escapes TEXT values); what it does not strip, control
//! characters in our own texts, is made plain here. Pure: every time is passed in.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

use super::BookingState;

/// How often a subscribed calendar should fetch the feed again (RFC 7986 REFRESH-INTERVAL, and
/// the older X-PUBLISHED-TTL that Outlook and Apple read): hourly, our choice.
pub const REFRESH_INTERVAL: &str = "PT1H";
/// The calendar's name in the phone's list.
pub const FEED_NAME: &str = "Oudergesprekken";
const PRODID: &str = "-//Ouderportaal//Gesprekkenplanner//NL";

/// A booking as its event shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub booking_id: String,
    pub round_name: String,
    pub pupil_first_name: String,
    /// The desk's label: where the conversation is held.
    pub desk_label: String,
    pub state: BookingState,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Changes the event went through (RFC 5545 SEQUENCE).
    pub sequence: u32,
    /// When the booking last changed (DTSTAMP and LAST-MODIFIED: with no METHOD in the feed, the
    /// time the event was last revised, RFC 5545 §3.8.7.2), so one state gives one text.
    pub changed_at: DateTime<Utc>,
}

/// The event's UID: the booking's id, the same in every fetch of every feed.
pub fn uid(booking_id: &str) -> String {
    format!("{booking_id}@ouderportaal")
}

/// A live booking is CONFIRMED; an unbooked or cancelled one CANCELLED, so the phone strikes or
/// drops the event it has instead of keeping a conversation that will not take place.
pub fn status(state: BookingState) -> EventStatus {
    match state {
        BookingState::Booked => EventStatus::Confirmed,
        BookingState::Unbooked | BookingState::Cancelled => EventStatus::Cancelled,
    }
}

/// "Gesprek <round> — <child>".
pub fn summary(round_name: &str, pupil_first_name: &str) -> String {
    format!(
        "Gesprek {} — {}",
        plain(round_name),
        plain(pupil_first_name)
    )
}

/// The text on one line: control characters (a CR the crate would pass through and break the
/// content line with, a line break) become spaces.
fn plain(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    line.trim().to_owned()
}

/// The VEVENT of one booking, times in UTC.
pub fn event(conversation: &Conversation) -> Event {
    Event::new()
        .uid(&uid(&conversation.booking_id))
        .sequence(conversation.sequence)
        .status(status(conversation.state))
        .timestamp(conversation.changed_at)
        .last_modified(conversation.changed_at)
        .starts(conversation.starts_at)
        .ends(conversation.ends_at)
        .summary(&summary(
            &conversation.round_name,
            &conversation.pupil_first_name,
        ))
        .location(&plain(&conversation.desk_label))
        .done()
}

/// The whole feed: a VCALENDAR with the events of these bookings, in the order given.
pub fn feed(conversations: &[Conversation]) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name(FEED_NAME)
        .append_property(
            Property::new("REFRESH-INTERVAL", REFRESH_INTERVAL)
                .add_parameter("VALUE", "DURATION")
                .done(),
        )
        .append_property(Property::new("X-PUBLISHED-TTL", REFRESH_INTERVAL));
    calendar.extend(conversations.iter().map(event));
    calendar.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 14, h, min, 0).unwrap()
    }

    fn conversation(state: BookingState, sequence: u32) -> Conversation {
        Conversation {
            booking_id: "0193a1b2-0000-7000-8000-000000000001".to_owned(),
            round_name: "Tienminutengesprekken".to_owned(),
            pupil_first_name: "Sanne".to_owned(),
            desk_label: "Groep 5 (juf Anna)".to_owned(),
            state,
            starts_at: at(14, 0),
            ends_at: at(14, 10),
            sequence,
            changed_at: Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap(),
        }
    }

    /// The unfolded content lines of a text (RFC 5545 §3.1).
    fn lines(text: &str) -> Vec<String> {
        text.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn has(text: &str, line: &str) -> bool {
        lines(text).iter().any(|l| l == line)
    }

    #[test]
    fn a_booking_is_a_confirmed_event_in_utc_with_a_stable_uid() {
        let text = feed(&[conversation(BookingState::Booked, 0)]);
        for line in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "UID:0193a1b2-0000-7000-8000-000000000001@ouderportaal",
            "SEQUENCE:0",
            "STATUS:CONFIRMED",
            "DTSTART:20261214T140000Z",
            "DTEND:20261214T141000Z",
            "DTSTAMP:20261208T090000Z",
            "SUMMARY:Gesprek Tienminutengesprekken — Sanne",
            "LOCATION:Groep 5 (juf Anna)",
            "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
            "X-PUBLISHED-TTL:PT1H",
            "END:VCALENDAR",
        ] {
            assert!(has(&text, line), "{line} in\n{text}");
        }
    }

    #[test]
    fn unbooked_and_cancelled_keep_the_uid_with_a_later_sequence() {
        for state in [BookingState::Unbooked, BookingState::Cancelled] {
            let text = feed(&[conversation(state, 1)]);
            assert!(has(
                &text,
                "UID:0193a1b2-0000-7000-8000-000000000001@ouderportaal"
            ));
            assert!(has(&text, "SEQUENCE:1"), "{text}");
            assert!(has(&text, "STATUS:CANCELLED"), "{text}");
        }
    }

    #[test]
    fn the_same_state_gives_the_same_text() {
        let one = feed(&[conversation(BookingState::Booked, 0)]);
        assert_eq!(one, feed(&[conversation(BookingState::Booked, 0)]));
    }

    #[test]
    fn texts_are_escaped_folded_and_one_line_each() {
        let mut long = conversation(BookingState::Booked, 0);
        long.round_name = "Rapportgesprekken; groep 7, 8 \\ ouders\r\nBEGIN:VEVENT ".repeat(3);
        long.desk_label = "Lokaal 12,\r\nBEGIN:VALARM — één".to_owned();
        let text = feed(&[long]);
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        // No injected component: the only BEGIN lines are the calendar's and the event's.
        let begins: Vec<String> = lines(&text)
            .into_iter()
            .filter(|l| l.starts_with("BEGIN:"))
            .collect();
        assert_eq!(begins, ["BEGIN:VCALENDAR", "BEGIN:VEVENT"]);
        assert!(
            has(&text, "LOCATION:Lokaal 12\\,  BEGIN:VALARM — één"),
            "{text}"
        );
        let summary = lines(&text)
            .into_iter()
            .find(|l| l.starts_with("SUMMARY:"))
            .unwrap();
        assert!(
            summary.starts_with("SUMMARY:Gesprek Rapportgesprekken\\; groep 7\\, 8 \\\\ ouders")
        );
    }

    #[test]
    fn an_empty_feed_is_a_calendar_without_events() {
        let text = feed(&[]);
        assert!(has(&text, "BEGIN:VCALENDAR"));
        assert!(has(&text, "X-WR-CALNAME:Oudergesprekken"));
        assert!(!text.contains("BEGIN:VEVENT"));
    }
}
