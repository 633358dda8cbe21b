//! The rules a leave request can break, each with a stable code, a severity and its message in
//! Dutch and English (SPEC §13). The director sees them all.

use chrono::NaiveDate;

use super::rules::{
    AFTER_THE_FACT_DAYS, DIRECTOR_MAX_IMPORTANT_DAYS, FIVE_YEAR_OLD_CONSENT_MINUTES,
    HOLIDAY_LEAVE_MAX_SCHOOL_DAYS, RELIGIOUS_NOTICE_DAYS,
};
use crate::mail::Language;
use crate::school_year::SchoolYear;

/// What breaking a rule means for the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// A rule of the law: the request is rejected (the director cannot approve it).
    Law,
    /// School practice: a warning the director weighs.
    Practice,
    /// Not the director's to decide: it goes to the attendance officer.
    Routing,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Law => "law",
            Severity::Practice => "practice",
            Severity::Routing => "routing",
        }
    }
}

/// A rule a request breaks, with what the message needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// The days asked for hold no school day.
    NoSchoolDays,
    /// The school has no calendar for a school year the request touches: weekdays were counted.
    CalendarMissing { year: SchoolYear },
    /// Holiday leave without the employer's statement (art. 11 f, 13a).
    EmployerStatementMissing,
    /// A second holiday leave in a school year (art. 13a).
    HolidayOncePerYear { year: SchoolYear },
    /// Another holiday leave request of the year is still pending (practice).
    HolidayOtherPending { year: SchoolYear },
    /// More than 10 school days of holiday leave in a school year (art. 13a).
    HolidayTooManyDays { year: SchoolYear, days: u32 },
    /// Holiday leave in the first two school weeks of a school year (art. 13a).
    HolidayFirstTwoWeeks { day: NaiveDate },
    /// Holiday leave asked less than the school's weeks ahead (practice).
    HolidayLateSubmission {
        days_ahead: i64,
        weeks_required: u32,
    },
    /// Art. 14 leave needs its reasons.
    ReasonMissing,
    /// More than 10 school days of art. 14 leave in a school year in total: the attendance officer
    /// decides (art. 14 lid 3).
    ImportantOverDirectorLimit { year: SchoolYear, total: u32 },
    /// Asked after the leave began, within 2 days: may still be granted (art. 14).
    ImportantAfterTheFact,
    /// Asked more than 2 days after the leave began (art. 14).
    ImportantReasonsTooLate,
    /// A religious notification less than 2 days ahead (art. 13).
    ReligiousNoticeTooLate,
    /// The pupil's birth date is unknown: the age rules of art. 11a cannot be checked.
    BirthDateUnknown,
    /// The child is not of compulsory school age yet on the last day: no leave is needed.
    NotYetCompulsory { from: NaiveDate },
    /// Art. 11a ends at age 6.
    FiveYearOldTooOld { sixth_birthday: NaiveDate },
    /// More than 10 hours a week (art. 11a).
    FiveYearOldTooManyHours { minutes: u32 },
}

/// One broken rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Issue {
    pub severity: Severity,
    pub rule: Rule,
}

fn hours(minutes: u32) -> String {
    if minutes.is_multiple_of(60) {
        format!("{}", minutes / 60)
    } else {
        format!("{}:{:02}", minutes / 60, minutes % 60)
    }
}

impl Rule {
    pub fn severity(self) -> Severity {
        match self {
            Rule::CalendarMissing { .. }
            | Rule::HolidayOtherPending { .. }
            | Rule::HolidayLateSubmission { .. }
            | Rule::ImportantAfterTheFact
            | Rule::BirthDateUnknown
            | Rule::NotYetCompulsory { .. } => Severity::Practice,
            Rule::ImportantOverDirectorLimit { .. } => Severity::Routing,
            _ => Severity::Law,
        }
    }

    /// The stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            Rule::NoSchoolDays => "no_school_days",
            Rule::CalendarMissing { .. } => "calendar_missing",
            Rule::EmployerStatementMissing => "employer_statement_missing",
            Rule::HolidayOncePerYear { .. } => "holiday_once_per_year",
            Rule::HolidayOtherPending { .. } => "holiday_other_pending",
            Rule::HolidayTooManyDays { .. } => "holiday_too_many_days",
            Rule::HolidayFirstTwoWeeks { .. } => "holiday_first_two_weeks",
            Rule::HolidayLateSubmission { .. } => "holiday_late_submission",
            Rule::ReasonMissing => "reason_missing",
            Rule::ImportantOverDirectorLimit { .. } => "important_over_director_limit",
            Rule::ImportantAfterTheFact => "important_after_the_fact",
            Rule::ImportantReasonsTooLate => "important_reasons_too_late",
            Rule::ReligiousNoticeTooLate => "religious_notice_too_late",
            Rule::BirthDateUnknown => "birth_date_unknown",
            Rule::NotYetCompulsory { .. } => "not_yet_compulsory",
            Rule::FiveYearOldTooOld { .. } => "five_year_old_too_old",
            Rule::FiveYearOldTooManyHours { .. } => "five_year_old_too_many_hours",
        }
    }

    /// The message for the director and the guardians.
    pub fn message(self, language: Language) -> String {
        let nl = language == Language::Dutch;
        let max = HOLIDAY_LEAVE_MAX_SCHOOL_DAYS;
        match self {
            Rule::NoSchoolDays if nl => "De gevraagde dagen bevatten geen schooldag.".into(),
            Rule::NoSchoolDays => "The days asked for hold no school day.".into(),
            Rule::CalendarMissing { year } if nl => format!(
                "Er is geen schoolkalender voor {}; werkdagen zijn als schooldagen geteld.",
                year.name()
            ),
            Rule::CalendarMissing { year } => format!(
                "There is no school calendar for {}; weekdays were counted as school days.",
                year.name()
            ),
            Rule::EmployerStatementMissing if nl => {
                "Voor vakantieverlof is een werkgeversverklaring nodig (Leerplichtwet art. 13a)."
                    .into()
            }
            Rule::EmployerStatementMissing => {
                "Holiday leave needs a statement of the employer (Leerplichtwet art. 13a).".into()
            }
            Rule::HolidayOncePerYear { year } if nl => format!(
                "In schooljaar {} is al vakantieverlof verleend; dat kan één keer per schooljaar (art. 13a).",
                year.name()
            ),
            Rule::HolidayOncePerYear { year } => format!(
                "Holiday leave was already granted in school year {}; it is granted once per school year (art. 13a).",
                year.name()
            ),
            Rule::HolidayOtherPending { year } if nl => format!(
                "Er ligt nog een andere aanvraag voor vakantieverlof in {} ter beslissing.",
                year.name()
            ),
            Rule::HolidayOtherPending { year } => format!(
                "Another holiday leave request in {} awaits a decision.",
                year.name()
            ),
            Rule::HolidayTooManyDays { year, days } if nl => format!(
                "{days} schooldagen in {}; vakantieverlof is ten hoogste {max} schooldagen (art. 13a).",
                year.name()
            ),
            Rule::HolidayTooManyDays { year, days } => format!(
                "{days} school days in {}; holiday leave is at most {max} school days (art. 13a).",
                year.name()
            ),
            Rule::HolidayFirstTwoWeeks { day } if nl => format!(
                "{day} valt in de eerste twee schoolweken van het schooljaar; dan is geen vakantieverlof mogelijk (art. 13a)."
            ),
            Rule::HolidayFirstTwoWeeks { day } => format!(
                "{day} lies in the first two school weeks of the school year, when no holiday leave is granted (art. 13a)."
            ),
            Rule::HolidayLateSubmission {
                days_ahead,
                weeks_required,
            } if nl => format!(
                "Aangevraagd {days_ahead} dagen vooraf; de school vraagt ten minste {weeks_required} weken."
            ),
            Rule::HolidayLateSubmission {
                days_ahead,
                weeks_required,
            } => format!(
                "Requested {days_ahead} days ahead; the school asks for at least {weeks_required} weeks."
            ),
            Rule::ReasonMissing if nl => "Geef de gewichtige omstandigheden op (art. 14).".into(),
            Rule::ReasonMissing => "State the important circumstances (art. 14).".into(),
            Rule::ImportantOverDirectorLimit { year, total } if nl => format!(
                "Samen {total} schooldagen verlof wegens gewichtige omstandigheden in {}; boven {} beslist de leerplichtambtenaar (art. 14 lid 3).",
                year.name(),
                DIRECTOR_MAX_IMPORTANT_DAYS
            ),
            Rule::ImportantOverDirectorLimit { year, total } => format!(
                "{total} school days of leave for important circumstances in {} in total; above {} the attendance officer decides (art. 14 lid 3).",
                year.name(),
                DIRECTOR_MAX_IMPORTANT_DAYS
            ),
            Rule::ImportantAfterTheFact if nl => format!(
                "Achteraf gemeld, binnen {AFTER_THE_FACT_DAYS} dagen: verlof kan nog worden verleend (art. 14)."
            ),
            Rule::ImportantAfterTheFact => format!(
                "Asked after the fact, within {AFTER_THE_FACT_DAYS} days: leave may still be granted (art. 14)."
            ),
            Rule::ImportantReasonsTooLate if nl => format!(
                "Meer dan {AFTER_THE_FACT_DAYS} dagen na de eerste verlofdag gemeld (art. 14)."
            ),
            Rule::ImportantReasonsTooLate => format!(
                "Asked more than {AFTER_THE_FACT_DAYS} days after the first day of leave (art. 14)."
            ),
            Rule::ReligiousNoticeTooLate if nl => format!(
                "Melding voor godsdienstplichten moet ten minste {RELIGIOUS_NOTICE_DAYS} dagen vooraf (art. 13)."
            ),
            Rule::ReligiousNoticeTooLate => format!(
                "A notification for religious obligations is due at least {RELIGIOUS_NOTICE_DAYS} days ahead (art. 13)."
            ),
            Rule::BirthDateUnknown if nl => {
                "De geboortedatum is onbekend; de leeftijd is niet gecontroleerd (art. 11a).".into()
            }
            Rule::BirthDateUnknown => {
                "The birth date is unknown; the age was not checked (art. 11a).".into()
            }
            Rule::NotYetCompulsory { from } if nl => {
                format!("Het kind is pas leerplichtig vanaf {from}; verlof is niet nodig.")
            }
            Rule::NotYetCompulsory { from } => {
                format!("The child is of compulsory school age from {from}; no leave is needed.")
            }
            Rule::FiveYearOldTooOld { sixth_birthday } if nl => format!(
                "Vanaf de zesde verjaardag ({sixth_birthday}) geldt de regeling voor vijfjarigen niet meer (art. 11a)."
            ),
            Rule::FiveYearOldTooOld { sixth_birthday } => format!(
                "From the sixth birthday ({sixth_birthday}) the rule for five-year-olds no longer applies (art. 11a)."
            ),
            Rule::FiveYearOldTooManyHours { minutes } if nl => format!(
                "{} uur per week; ten hoogste {} uur (art. 11a).",
                hours(minutes),
                hours(FIVE_YEAR_OLD_CONSENT_MINUTES)
            ),
            Rule::FiveYearOldTooManyHours { minutes } => format!(
                "{} hours a week; at most {} hours (art. 11a).",
                hours(minutes),
                hours(FIVE_YEAR_OLD_CONSENT_MINUTES)
            ),
        }
    }
}

impl Issue {
    pub fn new(rule: Rule) -> Issue {
        Issue {
            severity: rule.severity(),
            rule,
        }
    }

    pub fn code(&self) -> &'static str {
        self.rule.code()
    }

    pub fn message(&self, language: Language) -> String {
        self.rule.message(language)
    }
}
