//! The history of a report: what an edit changed, field by field, "from X to Y", for the entry
//! the school and the guardians see. Pure: the caller stores the entries.

use chrono::NaiveDate;

use super::{AbsenceKind, AbsenceReason};
use crate::mail::Language;

/// The editable fields of a report or registration, as compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceFields {
    pub reason: AbsenceReason,
    pub first_day: NaiveDate,
    pub last_day: Option<NaiveDate>,
    pub minutes: Option<u32>,
    /// Registered by staff; `None` until registered.
    pub kind: Option<AbsenceKind>,
}

/// One field an edit changed. `medical` marks the note of a sick report: a reader who may not see
/// medical detail (see `policy::may_read_medical_detail`) gets the entry without its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
    pub medical: bool,
}

fn label(field: &str, language: Language) -> &str {
    match (field, language) {
        ("reason", Language::Dutch) => "reden",
        ("note", Language::Dutch) => "toelichting",
        ("first_day", Language::Dutch) => "eerste dag",
        ("last_day", Language::Dutch) => "laatste dag",
        ("minutes", Language::Dutch) => "minuten",
        ("kind", Language::Dutch) => "soort",
        ("reason", Language::English) => "reason",
        ("note", Language::English) => "note",
        ("first_day", Language::English) => "first day",
        ("last_day", Language::English) => "last day",
        ("minutes", Language::English) => "minutes",
        ("kind", Language::English) => "kind",
        (other, _) => other,
    }
}

impl FieldChange {
    /// "eerste dag: van 2026-12-02 naar 2026-12-03" / "first day: from … to …"; an empty value
    /// reads "—". With `hide_medical`, a medical note reads "gewijzigd"/"changed" only.
    pub fn text(&self, language: Language, hide_medical: bool) -> String {
        let name = label(self.field, language);
        if self.medical && hide_medical {
            return match language {
                Language::Dutch => format!("{name}: gewijzigd"),
                Language::English => format!("{name}: changed"),
            };
        }
        let from = self.from.as_deref().unwrap_or("—");
        let to = self.to.as_deref().unwrap_or("—");
        match language {
            Language::Dutch => format!("{name}: van {from} naar {to}"),
            Language::English => format!("{name}: from {from} to {to}"),
        }
    }
}

/// The fields that differ between `before` and `after`, in a fixed order.
pub fn changes(before: &AbsenceFields, after: &AbsenceFields) -> Vec<FieldChange> {
    let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let mut out = Vec::new();
    let mut push = |field, from: Option<String>, to: Option<String>, medical| {
        if from != to {
            out.push(FieldChange {
                field,
                from,
                to,
                medical,
            });
        }
    };
    push(
        "reason",
        Some(before.reason.kind.as_str().to_owned()),
        Some(after.reason.kind.as_str().to_owned()),
        false,
    );
    push(
        "note",
        before.reason.note.clone(),
        after.reason.note.clone(),
        before.reason.note_is_medical() || after.reason.note_is_medical(),
    );
    push(
        "first_day",
        day(Some(before.first_day)),
        day(Some(after.first_day)),
        false,
    );
    push("last_day", day(before.last_day), day(after.last_day), false);
    push(
        "minutes",
        before.minutes.map(|m| m.to_string()),
        after.minutes.map(|m| m.to_string()),
        false,
    );
    push(
        "kind",
        before.kind.map(|k| k.as_str().to_owned()),
        after.kind.map(|k| k.as_str().to_owned()),
        false,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::absence::ReasonKind;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn fields() -> AbsenceFields {
        AbsenceFields {
            reason: AbsenceReason {
                kind: ReasonKind::Sick,
                note: Some("koorts".to_owned()),
            },
            first_day: date(2026, 12, 2),
            last_day: None,
            minutes: None,
            kind: None,
        }
    }

    #[test]
    fn an_edit_lists_each_changed_field_from_x_to_y() {
        let before = fields();
        let mut after = fields();
        after.last_day = Some(date(2026, 12, 3));
        after.kind = Some(AbsenceKind::Sick);
        after.reason.note = Some("griep".to_owned());
        let list = changes(&before, &after);
        let names: Vec<_> = list.iter().map(|c| c.field).collect();
        assert_eq!(names, ["note", "last_day", "kind"]);
        assert_eq!(
            list[1].text(Language::Dutch, false),
            "laatste dag: van — naar 2026-12-03"
        );
        assert_eq!(
            list[2].text(Language::English, false),
            "kind: from — to sick"
        );
        assert!(list[0].medical);
        assert_eq!(
            list[0].text(Language::Dutch, true),
            "toelichting: gewijzigd"
        );
        assert_eq!(
            list[0].text(Language::English, false),
            "note: from koorts to griep"
        );
        assert!(changes(&before, &before).is_empty());
    }
}
