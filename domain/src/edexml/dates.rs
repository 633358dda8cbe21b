//! Dates (`xs:date`) and the fixed-length digit codes they are built from.

use chrono::NaiveDate;
use roxmltree::Node;

use super::xml::{join, single, text_of};
use super::{EdexError, err};

pub(super) fn optional_date(
    parent: Node,
    name: &'static str,
    parent_path: &str,
) -> Result<Option<NaiveDate>, EdexError> {
    let Some(node) = single(parent, name, parent_path)? else {
        return Ok(None);
    };
    xs_date(text_of(node)).map(Some).ok_or_else(|| {
        err(
            join(parent_path, name),
            "is not a valid date like 2014-10-01",
        )
    })
}

/// An `xs:date`: `YYYY-MM-DD` that exists in the calendar, optionally followed by a time zone
/// (`Z` or `+01:00`), which says nothing about the day and is ignored.
fn xs_date(raw: &str) -> Option<NaiveDate> {
    let (date, zone) = raw.split_at_checked(10)?;
    let (year, rest) = date.split_at_checked(4)?;
    let (month, day) = rest.strip_prefix('-')?.split_once('-')?;
    if !is_ascii_digits(year, 4) || !is_ascii_digits(month, 2) || !is_ascii_digits(day, 2) {
        return None;
    }
    let zone_ok = match zone {
        "" | "Z" => true,
        _ => zone
            .strip_prefix(['+', '-'])
            .and_then(|offset| offset.split_once(':'))
            .is_some_and(|(hours, minutes)| {
                is_ascii_digits(hours, 2)
                    && is_ascii_digits(minutes, 2)
                    && hours <= "14"
                    && minutes <= "59"
            }),
    };
    if !zone_ok {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

pub(super) fn is_ascii_digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use crate::edexml::test_support::{date, dutch_with, refused, today};
    use crate::edexml::{err, parse};

    #[test]
    fn a_bad_geboortedatum_is_refused() {
        for bad in [
            "2006-02-30",
            "21-06-2006",
            "2006-6-21",
            "2006-06-21T00:00:00",
            "",
        ] {
            let xml = dutch_with(
                "<geboortedatum>2006-06-21</geboortedatum>",
                &format!("<geboortedatum>{bad}</geboortedatum>"),
            );
            assert_eq!(
                refused(&xml),
                err(
                    "leerlingen/leerling[1]/geboortedatum",
                    "is not a valid date like 2014-10-01"
                ),
                "{bad:?}"
            );
        }
        let with_zone = dutch_with(
            "<geboortedatum>2006-06-21</geboortedatum>",
            "<geboortedatum>2006-06-21+02:00</geboortedatum>",
        );
        assert_eq!(
            parse(&with_zone, today()).unwrap().pupils[0].date_of_birth,
            Some(date(2006, 6, 21))
        );
    }
}
