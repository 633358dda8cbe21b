//! Retention (SPEC §11, §12; seed 002 Bijlage 2; Kennisnet Aanpak IBP bewaartermijnen): how long
//! each category of data is kept, and from which day a scheduled or manual purge may remove it.
//!
//! A record is kept *through* its expiry day and is expired from the next day. The clock starts
//! at an [`Anchor`]: the day a pupil left (uitschrijving), an event's date, the end of employment,
//! the school year content belongs to, or the day a guardian's last pupil left. A record whose
//! clock has not started (a pupil still enrolled) never expires.
//!
//! The seed's terms are maxima ("Maximaal 5 jaar"): a school may shorten them in its
//! [`Settings`], never lengthen them. `rules` computes expiry and checks a purge's cutoff; `terms`
//! builds a school's settings from what its admin sets, and shows them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::Invalid;
use crate::school_year::SchoolYear;

pub mod rules;
pub mod terms;
pub mod threshold;

pub use rules::{check_cutoff, expires_on, is_expired};
pub use terms::{Setting, Source, Term, assess};
pub use threshold::{anchor_on, expired_through, purge_through};

/// Absence and leave records: seed 002 Bijlage 2, "Maximaal 5 jaar nadat een leerling is
/// uitgeschreven"; Kennisnet Aanpak IBP bewaartermijnen.
pub const ABSENCE_AND_LEAVE_MONTHS: u32 = 5 * 12;
/// Enrolment and de-enrolment data: seed 002 Bijlage 2, "Maximaal 5 jaar nadat een leerling is
/// uitgeschreven"; Kennisnet.
pub const ENROLMENT_MONTHS: u32 = 5 * 12;
/// Pupil file (leerlingdossier): seed 002 Bijlage 2, "Maximaal 2 jaar nadat een leerling is
/// uitgeschreven"; Kennisnet.
pub const PUPIL_FILE_MONTHS: u32 = 2 * 12;
/// The year a referral to special education adds to the pupil file: seed 002 Bijlage 2, "en 3 jaar
/// als er sprake is van een verwijzing naar het speciaal onderwijs".
pub const PUPIL_FILE_REFERRAL_EXTRA_MONTHS: u32 = 12;
/// Complaint, objection and legal procedure records: seed 002 Bijlage 2, "Maximaal 5 jaar nadat
/// leerling is uitgeschreven"; Kennisnet.
pub const COMPLAINTS_MONTHS: u32 = 5 * 12;
/// Usage logs of systems and network (our audit log): seed 002 Bijlage 2, "Maximaal 6 maanden";
/// Kennisnet. Counted from the logged event.
pub const AUDIT_LOG_MONTHS: u32 = 6;
/// Staff data: seed 002 Bijlage 2, "Maximaal 2 jaar na uitdiensttreding"; seed 002 §2.6.
pub const STAFF_MONTHS: u32 = 2 * 12;
/// Staff data under the fiscal keeping obligation: seed 002 Bijlage 2, "Maximaal 5 jaar na
/// uitdiensttreding".
pub const STAFF_FISCAL_MONTHS: u32 = 5 * 12;
/// Portal content (news, forms, planner rounds), years after the end of its school year: a school
/// setting, default 2 (SPEC §12).
pub const PORTAL_CONTENT_YEARS: u32 = 2;
/// The portal-content period a school may set: our bound. Under a year would remove this year's
/// news at the roll-over; over ten keeps parents' messages far past any use.
pub const PORTAL_CONTENT_YEARS_RANGE: std::ops::RangeInclusive<u32> = 1..=10;
/// The shortest a school may shorten a maximum to: our bound. Zero would purge a leaver's data the
/// day after, before a mistaken de-enrolment in the LAS can be put right.
pub const MIN_SHORTENED_MONTHS: u32 = 1;

/// A category of data with a retention rule of its own (SPEC §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Absence reports and leave requests: 5 years after the pupil leaves.
    AbsenceAndLeave,
    /// Enrolment and de-enrolment data: 5 years after the pupil leaves.
    Enrolment,
    /// The pupil file: 2 years after the pupil leaves, 3 on referral to special education.
    PupilFile,
    /// Complaint, objection and legal procedure records: 5 years after the pupil leaves.
    Complaints,
    /// The audit log (usage logs): 6 months after the event.
    AuditLog,
    /// Staff data: 2 years after employment ends.
    Staff,
    /// Staff data under the fiscal keeping obligation: 5 years after employment ends.
    StaffFiscal,
    /// News, forms and planner rounds: a school setting, years after their school year ends.
    PortalContent,
    /// A guardian account with no pupil at the school: removed at the first roll-over (1 August)
    /// after its last pupil left (seed 003).
    GuardianAccount,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::AbsenceAndLeave,
        Category::Enrolment,
        Category::PupilFile,
        Category::Complaints,
        Category::AuditLog,
        Category::Staff,
        Category::StaffFiscal,
        Category::PortalContent,
        Category::GuardianAccount,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::AbsenceAndLeave => "absence_and_leave",
            Category::Enrolment => "enrolment",
            Category::PupilFile => "pupil_file",
            Category::Complaints => "complaints",
            Category::AuditLog => "audit_log",
            Category::Staff => "staff",
            Category::StaffFiscal => "staff_fiscal",
            Category::PortalContent => "portal_content",
            Category::GuardianAccount => "guardian_account",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The seed's maximum in months, for the categories counted in months from a date (`None`
    /// for portal content and guardian accounts, which run to a school year's end). For the pupil
    /// file this is the term without referral.
    pub fn maximum_months(self) -> Option<u32> {
        match self {
            Category::AbsenceAndLeave => Some(ABSENCE_AND_LEAVE_MONTHS),
            Category::Enrolment => Some(ENROLMENT_MONTHS),
            Category::PupilFile => Some(PUPIL_FILE_MONTHS),
            Category::Complaints => Some(COMPLAINTS_MONTHS),
            Category::AuditLog => Some(AUDIT_LOG_MONTHS),
            Category::Staff => Some(STAFF_MONTHS),
            Category::StaffFiscal => Some(STAFF_FISCAL_MONTHS),
            Category::PortalContent | Category::GuardianAccount => None,
        }
    }

    /// Whether a school may shorten this category's term. Fiscal staff data may not: its term
    /// exists to meet the fiscal keeping obligation, and keeping less would break it.
    pub fn may_shorten(self) -> bool {
        self.maximum_months().is_some() && self != Category::StaffFiscal
    }
}

/// What a record's clock starts from. Each category takes one kind (see [`expires_on`]); `None`
/// dates mean the clock has not started, and such a record never expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// A pupil's data: the day they left (uitschrijving, as the LAS gives it), `None` while they
    /// are enrolled. The referral flag only lengthens the pupil file; other categories ignore it.
    PupilLeft {
        left_on: Option<NaiveDate>,
        referred_to_special_education: bool,
    },
    /// A logged event's date (in the school's time zone).
    Event { on: NaiveDate },
    /// A staff member's last day of employment, `None` while employed.
    EmploymentEnded { on: Option<NaiveDate> },
    /// The school year a news post, form or planner round belongs to.
    ContentYear(SchoolYear),
    /// The day a guardian's last pupil at the school left, `None` while one is enrolled.
    LastPupilLeft { on: Option<NaiveDate> },
}

/// A school's retention settings. Built only through [`Settings::new`] and
/// [`Settings::shorten`], so every value it holds is in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    portal_content_years: u32,
    /// Terms the school shortened, in months; a category not here keeps its maximum.
    shortened: BTreeMap<Category, u32>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            portal_content_years: PORTAL_CONTENT_YEARS,
            shortened: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// Settings keeping portal content `portal_content_years` after its school year ends
    /// (within [`PORTAL_CONTENT_YEARS_RANGE`]) and every other category at its maximum.
    pub fn new(portal_content_years: u32) -> Result<Settings, Invalid> {
        if !PORTAL_CONTENT_YEARS_RANGE.contains(&portal_content_years) {
            return Err(Invalid::new(
                "out_of_range",
                format!(
                    "portal content is kept {} to {} years",
                    PORTAL_CONTENT_YEARS_RANGE.start(),
                    PORTAL_CONTENT_YEARS_RANGE.end()
                ),
            ));
        }
        Ok(Settings {
            portal_content_years,
            ..Settings::default()
        })
    }

    /// Keeps `category` for `months` instead of its maximum: a school may shorten a maximum (to
    /// no less than [`MIN_SHORTENED_MONTHS`]) but never lengthen it. For the pupil file this sets
    /// the ordinary term; a referral still adds its year.
    pub fn shorten(mut self, category: Category, months: u32) -> Result<Settings, Invalid> {
        let maximum = match category.maximum_months() {
            Some(maximum) if category.may_shorten() => maximum,
            _ => {
                return Err(Invalid::new(
                    "not_shortenable",
                    format!("the term of {} cannot be shortened", category.as_str()),
                ));
            }
        };
        if !(MIN_SHORTENED_MONTHS..=maximum).contains(&months) {
            return Err(Invalid::new(
                "out_of_range",
                format!(
                    "{} is kept {MIN_SHORTENED_MONTHS} to {maximum} months",
                    category.as_str()
                ),
            ));
        }
        self.shortened.insert(category, months);
        Ok(self)
    }

    pub fn portal_content_years(&self) -> u32 {
        self.portal_content_years
    }

    /// The term in months this school keeps a month-counted category (shortened or the maximum);
    /// `None` for portal content and guardian accounts.
    pub fn months(&self, category: Category) -> Option<u32> {
        self.shortened
            .get(&category)
            .copied()
            .or(category.maximum_months())
    }
}
