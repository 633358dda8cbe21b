//! CSV downloads for spreadsheets: UTF-8 with a byte-order mark (so Excel reads it as UTF-8),
//! RFC 4180 quoting by the `csv` crate, and cells a spreadsheet would run as a formula (starting
//! with `=`, `+`, `-`, `@`, a tab or a carriage return) prefixed with an apostrophe (OWASP: CSV
//! injection). A name like "=HYPERLINK(…)" from a roster is shown, never run.

use std::borrow::Cow;

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::error::ApiError;

pub const CONTENT_TYPE: &str = "text/csv; charset=utf-8";
const BOM: &str = "\u{feff}";

/// Whether the caller asked for CSV (`Accept: text/csv`).
pub fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"))
}

/// A cell as a spreadsheet may safely open it.
fn safe(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The document: the header line, then a line per row (CRLF line ends, every cell quoted where
/// needed).
pub fn document(header: &[&str], rows: &[Vec<String>]) -> Result<String, ApiError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(header).map_err(ApiError::internal)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| safe(cell).into_owned()))
            .map_err(ApiError::internal)?;
    }
    let bytes = writer.into_inner().map_err(ApiError::internal)?;
    let text = String::from_utf8(bytes).map_err(ApiError::internal)?;
    Ok(format!("{BOM}{text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_not_run_and_quotes_survive() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\")".to_owned(),
            "-1".to_owned(),
            "de Vries, \"Jan\"".to_owned(),
            "gewoon".to_owned(),
        ]];
        let doc = document(&["a", "b", "c", "d"], &rows).unwrap();
        assert!(
            doc.starts_with('\u{feff}'),
            "a byte-order mark for spreadsheets"
        );
        let lines: Vec<&str> = doc.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "a,b,c,d");
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"http://x\"\")\",'-1,\"de Vries, \"\"Jan\"\"\",gewoon"
        );
    }
}
