//! The calendar as iCalendar (RFC 5545), for subscribing from a phone's agenda: one all-day VEVENT
//! per holiday and study day. Written by hand (some 60 lines) rather than with a crate: the few
//! rules that matter are tested here, and the domain stays free of dependencies it cannot check.
//! Pure: the time stamp (DTSTAMP) is passed in.

use std::fmt::Write;

use chrono::{DateTime, Days, NaiveDate, Utc};
use uuid::Uuid;

use super::{ClosureKind, SchoolCalendar};

/// Longest content line in octets, CRLF not counted (RFC 5545 §3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 §3.1): no line longer than 75 octets, continuation lines
/// start with a space, never splitting a UTF-8 character; each line ends in CRLF.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

fn date_value(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// The UID of a closure's event: the school, the kind and the days, so that the same closure has
/// the same UID in every export (a re-subscribed agenda updates instead of duplicating); `n`
/// tells apart closures that share kind and days.
fn uid(school_id: Uuid, kind: ClosureKind, first: NaiveDate, last: NaiveDate, n: usize) -> String {
    let suffix = if n == 0 {
        String::new()
    } else {
        format!("-{n}")
    };
    format!(
        "{}-{}-{}{suffix}@{}.ouderportaal",
        kind.as_str(),
        date_value(first),
        date_value(last),
        school_id.simple()
    )
}

/// The school calendar's closures as a VCALENDAR. `name` is the agenda's name (X-WR-CALNAME).
pub fn export(
    calendar: &SchoolCalendar,
    school_id: Uuid,
    name: &str,
    stamp: DateTime<Utc>,
) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Ouderportaal//Schoolkalender//NL".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", escape_text(name)),
    ];
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    let mut seen: Vec<(ClosureKind, NaiveDate, NaiveDate)> = Vec::new();
    for closure in calendar.closures() {
        let key = (closure.kind, closure.first, closure.last);
        let n = seen.iter().filter(|k| **k == key).count();
        seen.push(key);
        // DTEND of an all-day event is the day after the last (exclusive, RFC 5545 §3.6.1).
        let end = closure
            .last
            .checked_add_days(Days::new(1))
            .unwrap_or(closure.last);
        let category = match closure.kind {
            ClosureKind::Holiday => "HOLIDAY",
            ClosureKind::StudyDay => "STUDY DAY",
        };
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!(
                "UID:{}",
                uid(school_id, closure.kind, closure.first, closure.last, n)
            ),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", date_value(closure.first)),
            format!("DTEND;VALUE=DATE:{}", date_value(end)),
            format!("SUMMARY:{}", escape_text(&closure.name)),
            format!("CATEGORIES:{category}"),
            "TRANSP:TRANSPARENT".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().fold(String::new(), |mut out, line| {
        let _ = write!(out, "{}", fold_line(line));
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Closure, LessonTable};
    use crate::school_year::SchoolYear;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn stamp() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T16:46:00Z")
            .unwrap()
            .to_utc()
    }

    fn calendar(closures: Vec<Closure>) -> SchoolCalendar {
        SchoolCalendar::new(
            SchoolYear { start_year: 2026 },
            closures,
            LessonTable::default(),
        )
        .unwrap()
    }

    /// Undoes folding (RFC 5545 §3.1): a CRLF followed by one space is removed.
    fn unfold(text: &str) -> Vec<String> {
        text.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn an_all_day_event_ends_the_day_after_its_last_day() {
        let text = export(
            &calendar(vec![
                Closure::holiday("Kerstvakantie", date(2026, 12, 19), date(2027, 1, 3)),
                Closure::study_day("Studiedag", date(2026, 11, 16)),
            ]),
            Uuid::from_u128(7),
            "School",
            stamp(),
        );
        let lines = unfold(&text);
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
        assert!(lines.contains(&"DTSTART;VALUE=DATE:20261219".to_owned()));
        assert!(lines.contains(&"DTEND;VALUE=DATE:20270104".to_owned()));
        assert!(lines.contains(&"DTSTART;VALUE=DATE:20261116".to_owned()));
        assert!(lines.contains(&"DTEND;VALUE=DATE:20261117".to_owned()));
        assert!(lines.contains(&"DTSTAMP:20261129T164600Z".to_owned()));
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 2);
        assert!(lines.contains(&"CATEGORIES:STUDY DAY".to_owned()));
    }

    #[test]
    fn uids_are_stable_and_distinct() {
        let holiday = Closure::holiday("Meivakantie", date(2027, 4, 24), date(2027, 5, 2));
        let twice = calendar(vec![holiday.clone(), holiday.clone()]);
        let uids = |text: &str| -> Vec<String> {
            unfold(text)
                .into_iter()
                .filter(|l| l.starts_with("UID:"))
                .collect()
        };
        let first = uids(&export(&twice, Uuid::from_u128(7), "x", stamp()));
        let again = uids(&export(&twice, Uuid::from_u128(7), "y", stamp()));
        assert_eq!(first, again);
        assert_eq!(first.len(), 2);
        assert_ne!(first[0], first[1]);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a,b;c\\d\ne\r"), "a\\,b\\;c\\\\d\\ne");
        let text = export(
            &calendar(vec![]),
            Uuid::nil(),
            "Groep 1,2; \"De Wereld\"",
            stamp(),
        );
        assert!(text.contains("X-WR-CALNAME:Groep 1\\,2\\; \"De Wereld\"\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold_line(&line);
        for part in folded.split("\r\n") {
            assert!(part.len() <= MAX_LINE_OCTETS, "{}", part.len());
        }
        assert_eq!(unfold(&folded), vec![line]);
    }

    proptest! {
        #[test]
        fn no_line_exceeds_75_octets_and_unfolding_restores_it(name in "\\PC{0,300}") {
            let text = export(&calendar(vec![]), Uuid::nil(), &name, stamp());
            for line in text.split_terminator("\r\n") {
                prop_assert!(line.len() <= MAX_LINE_OCTETS);
            }
            let wanted = format!("X-WR-CALNAME:{}", escape_text(&name));
            prop_assert!(unfold(&text).contains(&wanted));
        }
    }
}
