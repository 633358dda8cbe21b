//! The ZIP form of an export: `export.json` (the document) and `overzicht.txt`, a summary in Dutch
//! a parent can read without tools.

use std::io::{Cursor, Write};

use serde_json::Value;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Counts of a list at `path` in the document (0 when absent).
fn count(document: &Value, path: &[&str]) -> usize {
    let mut at = document;
    for key in path {
        match at.get(key) {
            Some(next) => at = next,
            None => return 0,
        }
    }
    at.as_array().map_or(0, Vec::len)
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

/// A readable summary of the document, in Dutch (the parents' language of the portal).
pub fn summary(document: &Value) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line("Inzageverzoek (AVG artikel 15) — overzicht".to_owned());
    line("===========================================".to_owned());
    line(format!("Gemaakt op: {}", text(&document["generated_at"])));
    line(format!("Account: {}", text(&document["account"]["email"])));
    line(String::new());
    line("Dit bestand vat samen wat het ouderportaal over u en uw kinderen bewaart.".to_owned());
    line("Alle gegevens zelf staan in export.json.".to_owned());
    line(String::new());
    line(format!(
        "Uw registraties bij scholen: {}",
        count(document, &["guardians"])
    ));
    let empty = Vec::new();
    let children = document["children"].as_array().unwrap_or(&empty);
    for child in children {
        let pupil = &child["pupil"];
        let prefix = pupil["name_prefix"].as_str().map(|p| format!("{p} "));
        line(String::new());
        line(format!(
            "Kind: {} {}{}",
            text(&pupil["first_name"]),
            prefix.unwrap_or_default(),
            text(&pupil["last_name"])
        ));
        for (label, key) in [
            ("Groepen", "groups"),
            ("Ouders/verzorgers", "guardians"),
            ("Toestemmingen", "consents"),
            ("Geschiedenis van toestemmingen", "consent_history"),
            ("Absenties", "absences"),
            ("Verlofaanvragen", "leave_requests"),
            ("Gesprekken", "bookings"),
            ("Inschrijvingen", "signups"),
        ] {
            line(format!("  {label}: {}", count(child, &[key])));
        }
        let note = if child["medical_note"].is_null() {
            "nee"
        } else {
            "ja"
        };
        line(format!("  Medische notitie: {note}"));
    }
    line(String::new());
    for (label, path) in [
        ("Uw eigen toestemmingen", &["own_consents"][..]),
        ("Antwoorden op formulieren", &["form_responses"][..]),
        ("Wijzigingsverzoeken", &["change_requests"][..]),
        ("Gelezen nieuwsberichten", &["news", "reads"][..]),
        ("Bevestigde nieuwsberichten", &["news", "confirmations"][..]),
        ("Reacties op nieuws", &["news", "comments"][..]),
        ("Meldingen", &["notifications"][..]),
        ("Vermeldingen in het auditlogboek", &["audit_events"][..]),
    ] {
        line(format!("{label}: {}", count(document, path)));
    }
    line(String::new());
    line("Klopt er iets niet? Vraag de school om correctie (AVG artikel 16).".to_owned());
    out
}

/// The ZIP holding `export.json` and `overzicht.txt`.
pub fn zip(document_json: &str) -> Result<Vec<u8>, String> {
    let document: Value = serde_json::from_str(document_json).map_err(|e| e.to_string())?;
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, body) in [
        ("export.json", document_json.to_owned()),
        ("overzicht.txt", summary(&document)),
    ] {
        writer
            .start_file(name, options)
            .map_err(|e| e.to_string())?;
        writer
            .write_all(body.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let cursor = writer.finish().map_err(|e| e.to_string())?;
    Ok(cursor.into_inner())
}
