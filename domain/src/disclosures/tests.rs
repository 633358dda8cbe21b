use super::*;

fn input<'a>(recipient: &'a str, purpose: &'a str) -> DisclosureInput<'a> {
    DisclosureInput {
        recipient,
        purpose,
        legal_basis: LegalBasis::LegalObligation,
        data_categories: None,
    }
}

fn codes(refusals: &[Refusal]) -> Vec<(&str, &str)> {
    refusals
        .iter()
        .map(|r| (r.field.as_str(), r.reason.code))
        .collect()
}

#[test]
fn texts_are_trimmed_and_blank_categories_are_none() {
    let parsed = Disclosure::parse(DisclosureInput {
        data_categories: Some("  naam, BSN, verzuim "),
        ..input("  Leerplicht Gemeente ", " Controle verzuim")
    })
    .unwrap();
    assert_eq!(parsed.recipient, "Leerplicht Gemeente");
    assert_eq!(parsed.purpose, "Controle verzuim");
    assert_eq!(
        parsed.data_categories.as_deref(),
        Some("naam, BSN, verzuim")
    );
    let blank = DisclosureInput {
        data_categories: Some("   "),
        ..input("GGD/JGZ", "Bezoek schoolarts")
    };
    assert_eq!(Disclosure::parse(blank).unwrap().data_categories, None);
}

#[test]
fn every_bad_field_is_named() {
    let long_recipient = "x".repeat(MAX_RECIPIENT_LENGTH + 1);
    let long_purpose = "é".repeat(MAX_PURPOSE_LENGTH + 1);
    let long_categories = "x".repeat(MAX_DATA_CATEGORIES_LENGTH + 1);
    // (input, refusals)
    let cases: [(DisclosureInput<'_>, Vec<(&str, &str)>); 5] = [
        (
            input(" ", ""),
            vec![("recipient", "required"), ("purpose", "required")],
        ),
        (
            input(&long_recipient, "Doel"),
            vec![("recipient", "too_long")],
        ),
        (
            input("Ontvanger", &long_purpose),
            vec![("purpose", "too_long")],
        ),
        (
            DisclosureInput {
                data_categories: Some(&long_categories),
                ..input("Ontvanger", "Doel")
            },
            vec![("data_categories", "too_long")],
        ),
        (
            input("Ont\u{0}vanger", "Doel\nmet regel"),
            vec![
                ("recipient", "invalid_characters"),
                ("purpose", "invalid_characters"),
            ],
        ),
    ];
    for (input, expected) in cases {
        let refusals = Disclosure::parse(input).unwrap_err();
        assert_eq!(codes(&refusals), expected);
    }
    let (recipient, purpose) = (
        "é".repeat(MAX_RECIPIENT_LENGTH),
        "x".repeat(MAX_PURPOSE_LENGTH),
    );
    let at_the_bounds = input(&recipient, &purpose);
    assert!(
        Disclosure::parse(at_the_bounds).is_ok(),
        "lengths count characters"
    );
}

#[test]
fn an_edit_changes_what_it_names_and_is_checked_again() {
    let current = Disclosure::parse(DisclosureInput {
        data_categories: Some("naam"),
        ..input("Stagiaires", "Opleiden")
    })
    .unwrap();
    let edit = DisclosureEdit {
        purpose: Some(" Opleiden en begeleiden ".into()),
        legal_basis: Some(LegalBasis::Consent),
        ..DisclosureEdit::default()
    };
    let edited = current.edited(&edit).unwrap();
    assert_eq!(edited.recipient, "Stagiaires");
    assert_eq!(edited.purpose, "Opleiden en begeleiden");
    assert_eq!(edited.legal_basis, LegalBasis::Consent);
    assert_eq!(edited.data_categories.as_deref(), Some("naam"));
    let cleared = DisclosureEdit {
        data_categories: Some(String::new()),
        ..DisclosureEdit::default()
    };
    assert_eq!(current.edited(&cleared).unwrap().data_categories, None);
    let emptied = DisclosureEdit {
        recipient: Some("  ".into()),
        ..DisclosureEdit::default()
    };
    assert_eq!(
        codes(&current.edited(&emptied).unwrap_err()),
        vec![("recipient", "required")]
    );
    assert!(DisclosureEdit::default().is_empty());
    assert!(!emptied.is_empty());
}

#[test]
fn the_defaults_are_seed_002_appendix_3() {
    let defaults = defaults();
    assert_eq!(defaults.len(), 11);
    for row in &defaults {
        let reparsed = Disclosure::parse(DisclosureInput {
            recipient: &row.recipient,
            purpose: &row.purpose,
            legal_basis: row.legal_basis,
            data_categories: None,
        });
        assert_eq!(
            reparsed.as_ref(),
            Ok(row),
            "a default passes its own checks"
        );
        assert!(!row.purpose.contains('*'), "the seed's marks are dropped");
    }
    assert_eq!(defaults[0].recipient, "Dienst Uitvoering Onderwijs");
    assert_eq!(defaults[10].purpose, "Controle verzuim");
    let count = |basis| defaults.iter().filter(|d| d.legal_basis == basis).count();
    assert_eq!(count(LegalBasis::LegalObligation), 5);
    assert_eq!(count(LegalBasis::LegitimateInterest), 3);
    assert_eq!(count(LegalBasis::Consent), 3);
}
