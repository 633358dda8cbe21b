//! Consent and sharing (SPEC §10, seeds 001 and 002, issue #14): the school's purposes, each with
//! its legal basis; a guardian with parental authority gives or withdraws consent per pupil and
//! purpose, a guardian decides for their own contact details; every decision is kept as proof.
//!
//! `rules` says what a stored decision counts as today (yearly renewal), `policy` who may decide
//! and who reads what. The well-known purposes ([`Code`]) are the ones the portal enforces on
//! reads: the medical note and the class contact list.

use chrono::{DateTime, Utc};

use crate::Invalid;
use crate::legal_basis::LegalBasis;

pub mod policy;
pub mod rules;

pub use rules::{State, renewal_cutoff, state};

/// Longest purpose title: our choice (one line, as a news title).
pub const MAX_TITLE_LENGTH: usize = 120;
/// Longest purpose description: our choice (what a parent reads before deciding).
pub const MAX_DESCRIPTION_LENGTH: usize = 2_000;
/// Longest medical note: our choice (allergies, medication, what to do; not a medical file).
pub const MAX_MEDICAL_NOTE_LENGTH: usize = 2_000;
/// Most purposes one school keeps (retired ones included): our bound.
pub const MAX_PURPOSES: usize = 50;

/// Whose consent a purpose asks: the pupil's (given by a guardian with parental authority) or the
/// guardian's own (their contact details).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    Pupil,
    Guardian,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Pupil => "pupil",
            Subject::Guardian => "guardian",
        }
    }

    pub fn parse(value: &str) -> Option<Subject> {
        [Subject::Pupil, Subject::Guardian]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// The purposes every school starts with (SPEC §10); the portal enforces the sharing ones on reads.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    PhotosWebsite,
    PhotosNewsletter,
    PhotosSocialMedia,
    /// The medical note reaches the lunch supervisors (seed 001: "optioneel de overblijfleerkracht").
    MedicalLunchSupervisor,
    /// The medical note reaches the other parents of the group (seed 001: "en andere ouders").
    MedicalOtherParents,
    /// The guardian's name, e-mail and phone appear on the group's contact list (seed 001: NAW
    /// "als u dat wenselijk vindt, met andere ouders binnen de groep(en) te delen").
    ContactDetailsGroup,
}

impl Code {
    pub const ALL: [Code; 6] = [
        Code::PhotosWebsite,
        Code::PhotosNewsletter,
        Code::PhotosSocialMedia,
        Code::MedicalLunchSupervisor,
        Code::MedicalOtherParents,
        Code::ContactDetailsGroup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::PhotosWebsite => "photos_website",
            Code::PhotosNewsletter => "photos_newsletter",
            Code::PhotosSocialMedia => "photos_social_media",
            Code::MedicalLunchSupervisor => "medical_lunch_supervisor",
            Code::MedicalOtherParents => "medical_other_parents",
            Code::ContactDetailsGroup => "contact_details_group",
        }
    }

    pub fn parse(value: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == value)
    }

    pub fn subject(self) -> Subject {
        match self {
            Code::ContactDetailsGroup => Subject::Guardian,
            _ => Subject::Pupil,
        }
    }

    /// Photo consent is asked again each school year: the Dutch regulator (Autoriteit
    /// Persoonsgegevens, "foto's op school") expects it renewed yearly. Sharing choices last until
    /// withdrawn.
    pub fn yearly_renewal(self) -> bool {
        matches!(
            self,
            Code::PhotosWebsite | Code::PhotosNewsletter | Code::PhotosSocialMedia
        )
    }

    /// The default title and description (Dutch: the school's own language).
    pub fn texts(self) -> (&'static str, &'static str) {
        match self {
            Code::PhotosWebsite => (
                "Foto's op de website",
                "Foto's en video's waarop uw kind herkenbaar is, op de website van de school.",
            ),
            Code::PhotosNewsletter => (
                "Foto's in de nieuwsbrief",
                "Foto's waarop uw kind herkenbaar is, in de nieuwsbrief en de schoolgids.",
            ),
            Code::PhotosSocialMedia => (
                "Foto's op sociale media",
                "Foto's waarop uw kind herkenbaar is, op de sociale-mediakanalen van de school.",
            ),
            Code::MedicalLunchSupervisor => (
                "Medische informatie voor de overblijfkrachten",
                "De medische notitie over uw kind is zichtbaar voor de overblijfkrachten.",
            ),
            Code::MedicalOtherParents => (
                "Medische informatie voor andere ouders van de groep",
                "De medische notitie over uw kind is zichtbaar voor de ouders van de groep.",
            ),
            Code::ContactDetailsGroup => (
                "Contactgegevens delen met de groep",
                "Uw naam, e-mailadres en telefoonnummer staan op de contactlijst van de groepen \
                 van uw kinderen.",
            ),
        }
    }
}

/// A purpose a school defines, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPurpose {
    pub title: String,
    pub description: Option<String>,
    pub subject: Subject,
    pub legal_basis: LegalBasis,
    pub yearly_renewal: bool,
}

/// A change to a purpose; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurposeChanges {
    pub title: Option<String>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub yearly_renewal: Option<bool>,
    /// `Some(true)` retires the purpose (no longer asked; its history stays), `Some(false)`
    /// brings it back.
    pub retired: Option<bool>,
}

/// One field refused.
pub type Refusal = crate::change_request::Refusal;

fn refusal(field: &str, reason: Invalid) -> Refusal {
    Refusal {
        field: field.to_owned(),
        reason,
    }
}

/// The title, trimmed: 1–120 characters on one line.
pub fn check_title(title: &str) -> Result<String, Refusal> {
    crate::news::rules::check_line(title, MAX_TITLE_LENGTH).map_err(|e| refusal("title", e))
}

/// The description, trimmed: up to 2 000 characters; blank reads as none.
pub fn check_description(description: &str) -> Result<Option<String>, Refusal> {
    if description.trim().is_empty() {
        return Ok(None);
    }
    crate::news::rules::check_text(description, MAX_DESCRIPTION_LENGTH)
        .map(Some)
        .map_err(|e| refusal("description", e))
}

/// The medical note, trimmed: 1–2 000 characters.
pub fn check_medical_note(note: &str) -> Result<String, Refusal> {
    crate::news::rules::check_text(note, MAX_MEDICAL_NOTE_LENGTH).map_err(|e| refusal("note", e))
}

/// A decision as stored: given or withdrawn, when, and whether it came from the LAS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub given: bool,
    pub decided_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_the_defaults_ask_the_right_subject() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!(!code.texts().0.is_empty());
        }
        assert_eq!(Code::ContactDetailsGroup.subject(), Subject::Guardian);
        assert_eq!(Code::MedicalLunchSupervisor.subject(), Subject::Pupil);
        assert!(Code::PhotosSocialMedia.yearly_renewal());
        assert!(!Code::MedicalOtherParents.yearly_renewal());
        assert_eq!(Subject::parse("guardian"), Some(Subject::Guardian));
        assert_eq!(Subject::parse("school"), None);
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(
            check_title("  Foto's  ").map_err(|r| r.field),
            Ok("Foto's".into())
        );
        assert_eq!(check_title(" ").map_err(|r| r.field), Err("title".into()));
        assert_eq!(
            check_title(&"x".repeat(MAX_TITLE_LENGTH + 1)).map_err(|r| r.reason.code),
            Err("too_long")
        );
        assert_eq!(check_description("  ").map_err(|r| r.field), Ok(None));
        assert!(check_medical_note(&"x".repeat(MAX_MEDICAL_NOTE_LENGTH)).is_ok());
        assert_eq!(
            check_medical_note(&"x".repeat(MAX_MEDICAL_NOTE_LENGTH + 1)).map_err(|r| r.field),
            Err("note".into())
        );
    }
}
