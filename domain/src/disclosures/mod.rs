//! The disclosure register (verwerkingsregister, verstrekkingen; seed 002 appendix 3, issue #14):
//! per board, to whom personal data of pupils and parents is given, what for, on which lawful
//! basis (AVG art. 6) and, where said, which data. Those whose data it is read it (AVG art. 13–14:
//! informing them), as does the board's staff; the board's admins keep it.

use crate::Invalid;
use crate::change_request::{Refusal, refusal};
use crate::legal_basis::LegalBasis;

pub mod policy;

/// Longest recipient name: our bound (an organisation's name, as a board's).
pub const MAX_RECIPIENT_LENGTH: usize = 200;
/// Longest purpose: our bound (a sentence or two).
pub const MAX_PURPOSE_LENGTH: usize = 500;
/// Longest list of data categories ("naam, BSN, verzuim"): our bound.
pub const MAX_DATA_CATEGORIES_LENGTH: usize = 500;

/// One disclosure as the register holds it: texts trimmed, within bounds, on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    pub recipient: String,
    pub purpose: String,
    pub legal_basis: LegalBasis,
    /// What data goes; `None` when the register does not say.
    pub data_categories: Option<String>,
}

/// A disclosure as a client sent it, not yet checked.
#[derive(Debug, Clone, Copy)]
pub struct DisclosureInput<'a> {
    pub recipient: &'a str,
    pub purpose: &'a str,
    pub legal_basis: LegalBasis,
    /// Blank is the same as none.
    pub data_categories: Option<&'a str>,
}

/// Changes to a disclosure: a field left `None` stays as it is; blank `data_categories` removes
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisclosureEdit {
    pub recipient: Option<String>,
    pub purpose: Option<String>,
    pub legal_basis: Option<LegalBasis>,
    pub data_categories: Option<String>,
}

impl Disclosure {
    /// Parses a new disclosure; every refused field is named, nothing is half accepted.
    pub fn parse(input: DisclosureInput<'_>) -> Result<Disclosure, Vec<Refusal>> {
        let mut refusals = Vec::new();
        let recipient = required(
            "recipient",
            input.recipient,
            MAX_RECIPIENT_LENGTH,
            &mut refusals,
        );
        let purpose = required("purpose", input.purpose, MAX_PURPOSE_LENGTH, &mut refusals);
        let data_categories = input.data_categories.and_then(|text| {
            optional(
                "data_categories",
                text,
                MAX_DATA_CATEGORIES_LENGTH,
                &mut refusals,
            )
        });
        match (recipient, purpose) {
            (Some(recipient), Some(purpose)) if refusals.is_empty() => Ok(Disclosure {
                recipient,
                purpose,
                legal_basis: input.legal_basis,
                data_categories,
            }),
            _ => Err(refusals),
        }
    }

    /// This disclosure with `edit` applied, checked as a new one would be.
    pub fn edited(&self, edit: &DisclosureEdit) -> Result<Disclosure, Vec<Refusal>> {
        let data_categories = match &edit.data_categories {
            Some(text) => Some(text.as_str()),
            None => self.data_categories.as_deref(),
        };
        Disclosure::parse(DisclosureInput {
            recipient: edit.recipient.as_deref().unwrap_or(&self.recipient),
            purpose: edit.purpose.as_deref().unwrap_or(&self.purpose),
            legal_basis: edit.legal_basis.unwrap_or(self.legal_basis),
            data_categories,
        })
    }
}

impl DisclosureEdit {
    pub fn is_empty(&self) -> bool {
        *self == DisclosureEdit::default()
    }
}

/// A required text: trimmed, not empty, at most `max` characters, no control characters.
fn required(field: &str, raw: &str, max: usize, refusals: &mut Vec<Refusal>) -> Option<String> {
    if raw.trim().is_empty() {
        refusals.push(refusal(
            field,
            Invalid::new("required", "must not be empty"),
        ));
        return None;
    }
    optional(field, raw, max, refusals)
}

/// An optional text: blank is none; otherwise as [`required`].
fn optional(field: &str, raw: &str, max: usize, refusals: &mut Vec<Refusal>) -> Option<String> {
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    if text.chars().count() > max {
        refusals.push(refusal(
            field,
            Invalid::new("too_long", format!("is longer than {max} characters")),
        ));
        return None;
    }
    if text.chars().any(char::is_control) {
        // A NUL cannot be stored on PostgreSQL; a register row is one line in every listing.
        refusals.push(refusal(
            field,
            Invalid::new("invalid_characters", "contains control characters"),
        ));
        return None;
    }
    Some(text.to_owned())
}

/// The register every board starts with: seed 002, appendix 3 ("Verstrekking aan | Doel |
/// Grondslag"), in its order and words. The seed's `*` (a disclosure the law requires) is left
/// out: the legal basis says it.
pub const DEFAULTS: [(&str, &str, LegalBasis); 11] = [
    (
        "Dienst Uitvoering Onderwijs",
        "Bekostiging",
        LegalBasis::LegalObligation,
    ),
    (
        "Educatieve uitgeverijen en Basispoort",
        "Gebruik digitale leermiddelen",
        LegalBasis::LegitimateInterest,
    ),
    (
        "Basisscholen of scholen voor voortgezet onderwijs",
        "Overdracht leerlingdossier (na aanmelding)",
        LegalBasis::LegalObligation,
    ),
    (
        "Externe Onderwijsspecialisten",
        "Zorgbegeleiding van een leerling",
        LegalBasis::Consent,
    ),
    ("Stagiaires", "Opleiden", LegalBasis::LegitimateInterest),
    (
        "Samenwerkingsverband",
        "Toelaatbaarheidsverklaring afgeven",
        LegalBasis::LegalObligation,
    ),
    (
        "Activiteitencommissie",
        "Innen ouderbijdrage",
        LegalBasis::Consent,
    ),
    ("GGD/JGZ", "Bezoek schoolarts", LegalBasis::Consent),
    (
        "Inspectie van het onderwijs",
        "Toezicht",
        LegalBasis::LegalObligation,
    ),
    (
        "Administratiekantoor",
        "Salarisadministratie en HR-management",
        LegalBasis::LegitimateInterest,
    ),
    (
        "Leerplicht Gemeente",
        "Controle verzuim",
        LegalBasis::LegalObligation,
    ),
];

/// The default register as disclosures (no data categories: the seed names none).
pub fn defaults() -> Vec<Disclosure> {
    DEFAULTS
        .iter()
        .map(|&(recipient, purpose, legal_basis)| Disclosure {
            recipient: recipient.to_owned(),
            purpose: purpose.to_owned(),
            legal_basis,
            data_categories: None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
