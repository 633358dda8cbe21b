//! What the engine does with one event for one person: whether it reaches them at all, and when
//! its e-mail goes out (at once, held by quiet hours, or in the daily overview). Pure: the engine
//! reads the settings and preferences, asks here, and writes what this answers.

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::{EventKind, OptIn};
use super::preference::{Delivery, Preference, Urgency, double_opt_in_allows, route};
use super::quiet_hours::QuietHours;

/// The default time of the daily overview, 16:00 Amsterdam: after the school day and before the
/// default quiet hours (17:00, seed 003), so a school that sets nothing sends it the same day.
pub const DEFAULT_DIGEST_TIME: NaiveTime = match NaiveTime::from_hms_opt(16, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// What an e-mail about a message says (issue #10): the message itself, or only that there is a
/// new one, for schools that keep content inside the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailContent {
    #[default]
    Full,
    NoticeOnly,
}

impl EmailContent {
    pub const ALL: [EmailContent; 2] = [EmailContent::Full, EmailContent::NoticeOnly];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailContent::Full => "full",
            EmailContent::NoticeOnly => "notice_only",
        }
    }

    pub fn parse(value: &str) -> Option<EmailContent> {
        EmailContent::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// A school's notification settings (SPEC §6: quiet hours configurable per school; the overview
/// at a time the school sets; seed 004: grade notifications only when the school switches them on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchoolSettings {
    /// `None`: the school keeps no quiet hours.
    pub quiet_hours: Option<QuietHours>,
    pub digest_time: NaiveTime,
    pub email_content: EmailContent,
    pub grade_notifications: bool,
}

impl Default for SchoolSettings {
    fn default() -> SchoolSettings {
        SchoolSettings {
            quiet_hours: Some(QuietHours::default()),
            digest_time: DEFAULT_DIGEST_TIME,
            email_content: EmailContent::Full,
            grade_notifications: false,
        }
    }
}

/// One person's side: their e-mail preference and whether they opted in to the kind's topic. The
/// default is a person who set nothing: the daily overview, no opt-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PersonChoice {
    pub email: Preference,
    /// Whether the person opted in to the event kind's topic (ignored for kinds that need none).
    pub opted_in: bool,
}

/// What one person gets of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Whether the event reaches them at all (inbox, live stream, e-mail).
    pub reaches: bool,
    pub email: EmailPlan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPlan {
    None,
    /// Handed to the outbox at `due`, on its own or in that day's overview.
    At {
        due: DateTime<Utc>,
        in_digest: bool,
    },
}

/// The plan for one person. A kind that needs opt-in reaches nobody unless the school and the
/// person both gave it (seed 004). Otherwise the inbox always gets it; the e-mail follows the
/// preference ([`route`]), and what is not urgent waits out the school's quiet hours (SPEC §6).
/// The overview is due at the school's next overview time, itself held if that falls in the quiet
/// period.
pub fn plan(
    kind: EventKind,
    urgency: Urgency,
    school: &SchoolSettings,
    person: PersonChoice,
    now: DateTime<Utc>,
) -> Plan {
    if !reaches(kind.opt_in(), school, person.opted_in) {
        return Plan {
            reaches: false,
            email: EmailPlan::None,
        };
    }
    let urgent = urgency == Urgency::Urgent;
    let held = |at: DateTime<Utc>| match school.quiet_hours {
        Some(quiet) => quiet.release_at(at, urgent),
        None => at,
    };
    let email = match route(person.email, urgency, kind.always_sent()) {
        Delivery::Now => EmailPlan::At {
            due: held(now),
            in_digest: false,
        },
        Delivery::InDigest => EmailPlan::At {
            due: held(super::next_digest_at(now, school.digest_time)),
            in_digest: true,
        },
        Delivery::Not => EmailPlan::None,
    };
    Plan {
        reaches: true,
        email,
    }
}

/// Whether a kind reaches a person at all: a kind that needs an opt-in only when the school and
/// the person both gave it (seed 004); every other kind always.
pub fn reaches(opt_in: Option<OptIn>, school: &SchoolSettings, person_opted_in: bool) -> bool {
    match opt_in {
        None => true,
        Some(OptIn::Grades) => double_opt_in_allows(school.grade_notifications, person_opted_in),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn person(email: Preference) -> PersonChoice {
        PersonChoice {
            email,
            opted_in: false,
        }
    }

    fn due(plan: Plan) -> (DateTime<Utc>, bool) {
        match plan.email {
            EmailPlan::At { due, in_digest } => (due, in_digest),
            EmailPlan::None => panic!("no e-mail planned: {plan:?}"),
        }
    }

    const NEWS: EventKind = EventKind::NewsPublished;

    #[test]
    fn a_post_at_half_past_five_is_mailed_at_seven_the_next_morning() {
        // Winter: Amsterdam is UTC+1. 17:30 local = 16:30Z; 07:00 local = 06:00Z.
        let at = utc("2026-12-01T16:30:00Z");
        let plan = plan(
            NEWS,
            Urgency::Normal,
            &SchoolSettings::default(),
            person(Preference::Immediate),
            at,
        );
        assert!(plan.reaches);
        assert_eq!(due(plan), (utc("2026-12-02T06:00:00Z"), false));
    }

    #[test]
    fn an_urgent_post_in_quiet_hours_goes_at_once_even_for_a_guardian_who_chose_off() {
        let at = utc("2026-12-01T16:30:00Z");
        for preference in Preference::ALL {
            let plan = plan(
                NEWS,
                Urgency::Urgent,
                &SchoolSettings::default(),
                person(preference),
                at,
            );
            assert_eq!(due(plan), (at, false), "{preference:?}");
        }
    }

    #[test]
    fn off_means_no_mail_but_the_inbox_still_has_it() {
        let plan = plan(
            NEWS,
            Urgency::Normal,
            &SchoolSettings::default(),
            person(Preference::Off),
            utc("2026-12-01T10:00:00Z"),
        );
        assert!(plan.reaches);
        assert_eq!(plan.email, EmailPlan::None);
    }

    #[test]
    fn the_default_goes_into_the_overview_at_the_schools_time() {
        // 11:00 local in winter; the overview at 16:00 local = 15:00Z that day.
        let plan = plan(
            NEWS,
            Urgency::Normal,
            &SchoolSettings::default(),
            person(Preference::default()),
            utc("2026-12-01T10:00:00Z"),
        );
        assert_eq!(due(plan), (utc("2026-12-01T15:00:00Z"), true));
        // After 16:00 it is tomorrow's overview.
        let later = plan_at(utc("2026-12-01T15:30:00Z"));
        assert_eq!(due(later), (utc("2026-12-02T15:00:00Z"), true));
    }

    fn plan_at(at: DateTime<Utc>) -> Plan {
        plan(
            NEWS,
            Urgency::Normal,
            &SchoolSettings::default(),
            person(Preference::DailyDigest),
            at,
        )
    }

    #[test]
    fn an_overview_time_inside_quiet_hours_waits_for_their_end() {
        let school = SchoolSettings {
            digest_time: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
            ..SchoolSettings::default()
        };
        let plan = plan(
            NEWS,
            Urgency::Normal,
            &school,
            person(Preference::DailyDigest),
            utc("2026-12-01T10:00:00Z"),
        );
        assert_eq!(due(plan), (utc("2026-12-02T06:00:00Z"), true));
    }

    #[test]
    fn quiet_hours_end_at_seven_local_on_both_dst_days() {
        // Last Sunday of March 2027 (28th): at 02:00 the clock jumps to 03:00; 07:00 is UTC+2.
        let spring = utc("2027-03-27T18:00:00Z"); // 19:00 local, UTC+1
        assert_eq!(
            due(plan(
                NEWS,
                Urgency::Normal,
                &SchoolSettings::default(),
                person(Preference::Immediate),
                spring
            )),
            (utc("2027-03-28T05:00:00Z"), false)
        );
        // Last Sunday of October 2026 (25th): at 03:00 the clock goes back to 02:00; 07:00 is UTC+1.
        let autumn = utc("2026-10-24T16:00:00Z"); // 18:00 local, UTC+2
        assert_eq!(
            due(plan(
                NEWS,
                Urgency::Normal,
                &SchoolSettings::default(),
                person(Preference::Immediate),
                autumn
            )),
            (utc("2026-10-25T06:00:00Z"), false)
        );
    }

    #[test]
    fn a_school_without_quiet_hours_mails_at_once() {
        let school = SchoolSettings {
            quiet_hours: None,
            ..SchoolSettings::default()
        };
        let at = utc("2026-12-01T22:00:00Z");
        let plan = plan(
            NEWS,
            Urgency::Normal,
            &school,
            person(Preference::Immediate),
            at,
        );
        assert_eq!(due(plan), (at, false));
    }

    #[test]
    fn a_confirmation_request_is_mailed_whatever_the_preference_but_waits_for_morning() {
        let at = utc("2026-12-01T16:30:00Z");
        let plan = plan(
            EventKind::NewsConfirmationRequested,
            Urgency::Normal,
            &SchoolSettings::default(),
            person(Preference::Off),
            at,
        );
        assert_eq!(due(plan), (utc("2026-12-02T06:00:00Z"), false));
    }

    #[test]
    fn a_grade_notification_needs_the_school_and_the_guardian() {
        let on = SchoolSettings {
            grade_notifications: true,
            ..SchoolSettings::default()
        };
        let off = SchoolSettings::default();
        assert!(reaches(Some(OptIn::Grades), &on, true));
        assert!(!reaches(Some(OptIn::Grades), &on, false));
        assert!(!reaches(Some(OptIn::Grades), &off, true));
        assert!(!reaches(Some(OptIn::Grades), &off, false));
        // Kinds without an opt-in are not affected by either switch.
        assert!(reaches(None, &off, false));
    }

    #[test]
    fn email_content_reads_back() {
        for content in EmailContent::ALL {
            assert_eq!(EmailContent::parse(content.as_str()), Some(content));
        }
        assert_eq!(EmailContent::parse("none"), None);
    }
}
