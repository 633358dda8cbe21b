//! A school's retention settings as an admin sees and sets them (SPEC §12: the terms are school
//! defaults an admin may shorten, never lengthen): what each category keeps, from when, and on
//! whose word; and [`assess`], which builds [`Settings`] from what an admin (or a stored row)
//! asks, naming every value it refuses.

use super::{Category, Settings};
use crate::Invalid;

/// Where a category's term comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Seed 002 Bijlage 2 (the maximum). Kennisnet Aanpak IBP bewaartermijnen gives the same
    /// terms; no category rests on Kennisnet alone, so it is no source of its own.
    Seed002,
    /// Seed 003: guardian accounts go at the roll-over after their last child left.
    Seed003,
    /// The school's own setting: portal content always, any term the school shortened.
    SchoolSetting,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Seed002 => "seed_002_bijlage_2",
            Source::Seed003 => "seed_003",
            Source::SchoolSetting => "school_setting",
        }
    }
}

impl Category {
    /// When this category's clock starts, in words.
    pub fn clock_start(self) -> &'static str {
        match self {
            Category::AbsenceAndLeave | Category::Enrolment | Category::Complaints => {
                "the day the pupil left (uitschrijving)"
            }
            Category::PupilFile => {
                "the day the pupil left (uitschrijving); a referral to special education adds a year"
            }
            Category::AuditLog => "the day of the logged event",
            Category::Staff | Category::StaffFiscal => "the day employment ended",
            Category::PortalContent => "the end (31 July) of the content's school year",
            Category::GuardianAccount => "the roll-over (1 August) after the last child left",
        }
    }
}

/// One category as a school keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub category: Category,
    /// The seed's maximum; `None` for categories not counted in months.
    pub maximum_months: Option<u32>,
    /// What this school keeps: its shortened term or the maximum; `None` as above.
    pub months: Option<u32>,
    pub may_shorten: bool,
    pub source: Source,
}

impl Settings {
    /// The months this school shortened `category` to; `None` where it keeps the maximum.
    pub fn shortened(&self, category: Category) -> Option<u32> {
        self.shortened.get(&category).copied()
    }

    /// Every category ([`Category::ALL`]) as this school keeps it.
    pub fn terms(&self) -> impl Iterator<Item = Term> + '_ {
        Category::ALL.into_iter().map(|category| Term {
            category,
            maximum_months: category.maximum_months(),
            months: self.months(category),
            may_shorten: category.may_shorten(),
            source: match category {
                _ if self.shortened(category).is_some() => Source::SchoolSetting,
                Category::PortalContent => Source::SchoolSetting,
                Category::GuardianAccount => Source::Seed003,
                _ => Source::Seed002,
            },
        })
    }
}

/// Which setting a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    PortalContentYears,
    Term(Category),
}

/// Settings keeping portal content `portal_content_years` and each of `shortened` for its months
/// (a category not listed keeps its maximum); every refused value named, or the settings.
pub fn assess(
    portal_content_years: u32,
    shortened: &[(Category, u32)],
) -> Result<Settings, Vec<(Setting, Invalid)>> {
    let mut refusals = Vec::new();
    let mut settings = Settings::new(portal_content_years).unwrap_or_else(|invalid| {
        refusals.push((Setting::PortalContentYears, invalid));
        Settings::default()
    });
    for &(category, months) in shortened {
        match settings.clone().shorten(category, months) {
            Ok(next) => settings = next,
            Err(invalid) => refusals.push((Setting::Term(category), invalid)),
        }
    }
    if refusals.is_empty() {
        Ok(settings)
    } else {
        Err(refusals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retention::{ABSENCE_AND_LEAVE_MONTHS, STAFF_FISCAL_MONTHS};

    fn codes(result: Result<Settings, Vec<(Setting, Invalid)>>) -> Vec<(Setting, &'static str)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|(setting, invalid)| (setting, invalid.code))
            .collect()
    }

    #[test]
    fn the_defaults_list_every_category_at_its_source() {
        let terms: Vec<Term> = Settings::default().terms().collect();
        assert_eq!(terms.len(), Category::ALL.len());
        let absence = terms[0];
        assert_eq!(absence.category, Category::AbsenceAndLeave);
        assert_eq!(absence.months, Some(ABSENCE_AND_LEAVE_MONTHS));
        assert_eq!(absence.maximum_months, Some(ABSENCE_AND_LEAVE_MONTHS));
        assert!(absence.may_shorten);
        assert_eq!(absence.source, Source::Seed002);
        let source = |c: Category| terms.iter().find(|t| t.category == c).unwrap().source;
        assert_eq!(source(Category::PortalContent), Source::SchoolSetting);
        assert_eq!(source(Category::GuardianAccount), Source::Seed003);
        assert_eq!(source(Category::StaffFiscal), Source::Seed002);
        // The contract promises printable ASCII words.
        let printable =
            |words: &str| !words.is_empty() && words.bytes().all(|b| (b' '..=b'~').contains(&b));
        assert!(terms.iter().all(|t| printable(t.category.clock_start())));
    }

    #[test]
    fn a_shortened_term_is_the_schools_setting() {
        let settings = assess(1, &[(Category::AbsenceAndLeave, 12)]).unwrap();
        assert_eq!(settings.portal_content_years(), 1);
        assert_eq!(settings.shortened(Category::AbsenceAndLeave), Some(12));
        assert_eq!(settings.shortened(Category::Enrolment), None);
        let absence = settings.terms().next().unwrap();
        assert_eq!(absence.months, Some(12));
        assert_eq!(absence.maximum_months, Some(ABSENCE_AND_LEAVE_MONTHS));
        assert_eq!(absence.source, Source::SchoolSetting);
    }

    #[test]
    fn every_refused_value_is_named() {
        // SPEC §12: a school shortens, never lengthens; fiscal staff data meets the fiscal keeping obligation.
        assert_eq!(
            codes(assess(
                0,
                &[
                    (Category::StaffFiscal, STAFF_FISCAL_MONTHS),
                    (Category::PupilFile, 25),
                    (Category::Staff, 0),
                    (Category::PortalContent, 12),
                ]
            )),
            [
                (Setting::PortalContentYears, "out_of_range"),
                (Setting::Term(Category::StaffFiscal), "not_shortenable"),
                (Setting::Term(Category::PupilFile), "out_of_range"),
                (Setting::Term(Category::Staff), "out_of_range"),
                (Setting::Term(Category::PortalContent), "not_shortenable"),
            ]
        );
        assert_eq!(
            codes(assess(11, &[])),
            [(Setting::PortalContentYears, "out_of_range")]
        );
        assert!(
            assess(10, &[(Category::PupilFile, 24)]).is_ok(),
            "the maximum itself"
        );
    }
}
