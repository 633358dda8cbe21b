//! The example files and helpers the tests of every part share.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{EdexError, parse};

pub(super) const DUTCH: &str =
    include_str!("../../../tests/fixtures/edexml/EDEXML.Voorbeeld.2.1.xml");
pub(super) const FLEMISH: &str =
    include_str!("../../../tests/fixtures/edexml/EDEXML.Voorbeeld.2.1-Vla.xml");

pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The Dutch example with `from` replaced by `to`; `from` must occur, so the edit is real.
pub(super) fn dutch_with(from: &str, to: &str) -> String {
    assert!(DUTCH.contains(from), "the fixture has no {from:?}");
    DUTCH.replacen(from, to, 1)
}

pub(super) fn refused(xml: &str) -> EdexError {
    parse(xml, today()).unwrap_err()
}

pub(super) fn keys<T: crate::roster::Keyed>(records: &[T]) -> Vec<&str> {
    records.iter().map(|r| r.key()).collect()
}

pub(super) fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| (*k).to_owned()).collect()
}
