//! The order of a guardian's feed and its cursor (SPEC §5, §13): pinned posts first, then newest
//! first, then by id, so that every post has one place. A page continues strictly after the last
//! key of the page before (keyset pagination), so posts published meanwhile, which sort before
//! that key, neither repeat nor push older posts out of the next page.
//!
//! Persistence runs the same order in SQL:
//! `ORDER BY pinned DESC, published_at DESC, id DESC` and, after a cursor `c`,
//! `WHERE pinned < c.pinned OR (pinned = c.pinned AND (published_at < c.published_at OR
//! (published_at = c.published_at AND id < c.id)))`. Ids are stored as lower-case hyphenated
//! text, whose order is the order of the `Uuid`s. A post that is pinned or unpinned between two
//! pages moves to its new place; that is the one change a cursor cannot hide.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Invalid;
use crate::pagination::PageSize;

/// A post's place in the feed. `published_at` is when it went live: `published_at`, or for a
/// scheduled post its `publish_at` (see [`super::state_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeedKey {
    pub pinned: bool,
    pub published_at: DateTime<Utc>,
    pub id: Uuid,
}

/// `Less` comes first in the feed: pinned before not pinned, then newer before older, then the
/// higher id first.
impl Ord for FeedKey {
    fn cmp(&self, other: &FeedKey) -> Ordering {
        other
            .pinned
            .cmp(&self.pinned)
            .then_with(|| other.published_at.cmp(&self.published_at))
            .then_with(|| other.id.cmp(&self.id))
    }
}

impl PartialOrd for FeedKey {
    fn partial_cmp(&self, other: &FeedKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The times a cursor may hold, as seconds of 9 to 12 digits (1973 to the year 33658): every post,
/// and a shape the contract states as a pattern (`routes/news/dto.rs`). PostgreSQL refused a timestamp near chrono's
/// limits with a server error, not a bad request.
const EARLIEST_CURSOR_SECONDS: i64 = 100_000_000;
const LATEST_CURSOR_SECONDS: i64 = 999_999_999_999;

/// The version tag of the cursor format, so that a later format can tell old cursors apart.
const CURSOR_VERSION: &str = "f1";

impl FeedKey {
    /// The cursor of the page that ends at this key. Opaque to clients (the contract says so):
    /// `f1.<pinned 0|1>.<unix seconds>.<nanoseconds>.<id as 32 hex digits>`, to the nanosecond,
    /// so that it compares exactly as the stored time does. `domain` has no base64 crate and
    /// nothing in it is secret, so it is not encoded further.
    pub fn cursor(&self) -> String {
        format!(
            "{CURSOR_VERSION}.{}.{}.{:09}.{}",
            u8::from(self.pinned),
            self.published_at.timestamp(),
            self.published_at.timestamp_subsec_nanos(),
            self.id.simple()
        )
    }

    /// Reads a cursor [`FeedKey::cursor`] gave out. Anything else is refused (`invalid_cursor`),
    /// never read as "the first page": a client with a broken cursor must not silently start
    /// over. Only the exact form `cursor` writes is accepted.
    pub fn from_cursor(cursor: &str) -> Result<FeedKey, Invalid> {
        let invalid = || Invalid::new("invalid_cursor", "is not a cursor this list gave out");
        let parts: Vec<&str> = cursor.split('.').collect();
        let [version, pinned, seconds, nanos, id] = parts[..] else {
            return Err(invalid());
        };
        if version != CURSOR_VERSION {
            return Err(invalid());
        }
        let pinned = match pinned {
            "0" => false,
            "1" => true,
            _ => return Err(invalid()),
        };
        let seconds: i64 = seconds.parse().map_err(|_| invalid())?;
        if !(EARLIEST_CURSOR_SECONDS..=LATEST_CURSOR_SECONDS).contains(&seconds) {
            return Err(invalid());
        }
        let nanos: u32 = nanos.parse().map_err(|_| invalid())?;
        let published_at = DateTime::from_timestamp(seconds, nanos).ok_or_else(invalid)?;
        let id = Uuid::try_parse(id).map_err(|_| invalid())?;
        let key = FeedKey {
            pinned,
            published_at,
            id,
        };
        // Leading zeros, a `+`, a hyphenated id, a leap second: not what `cursor` writes.
        if key.cursor() == cursor {
            Ok(key)
        } else {
            Err(invalid())
        }
    }
}

/// Whether `key` comes after `cursor` in the feed, i.e. belongs to a later page than the one
/// ending at `cursor`.
pub fn after(key: &FeedKey, cursor: &FeedKey) -> bool {
    key > cursor
}

/// One page of a feed held in memory: the keys after `cursor` (all from the start without one),
/// in feed order, at most `size`, and the cursor key of the next page when more follow. The
/// reference for the SQL persistence runs.
pub fn page(
    keys: &[FeedKey],
    cursor: Option<&FeedKey>,
    size: PageSize,
) -> (Vec<FeedKey>, Option<FeedKey>) {
    let mut rest: Vec<FeedKey> = keys
        .iter()
        .filter(|key| cursor.is_none_or(|c| after(key, c)))
        .copied()
        .collect();
    rest.sort_unstable();
    let size = usize::from(size.get());
    let next = (rest.len() > size).then(|| rest[size - 1]);
    rest.truncate(size);
    (rest, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn key(pinned: bool, minute: i64, id: u128) -> FeedKey {
        FeedKey {
            pinned,
            published_at: at(minute),
            id: Uuid::from_u128(id),
        }
    }

    fn size(n: u32) -> PageSize {
        PageSize::parse(Some(n)).unwrap()
    }

    #[test]
    fn pinned_posts_come_first_then_the_newest_then_the_higher_id() {
        let mut keys = [
            key(false, 10, 1),
            key(true, 1, 2),
            key(false, 30, 3),
            key(false, 10, 4),
            key(true, 5, 5),
        ];
        keys.sort();
        let ids: Vec<u128> = keys.iter().map(|k| k.id.as_u128()).collect();
        assert_eq!(ids, vec![5, 2, 3, 4, 1]);
    }

    #[test]
    fn a_cursor_round_trips_to_the_nanosecond() {
        let key = FeedKey {
            pinned: true,
            published_at: at(0) + Duration::nanoseconds(123_456_789),
            id: Uuid::from_u128(0xabc),
        };
        assert_eq!(FeedKey::from_cursor(&key.cursor()), Ok(key));
        let last = FeedKey {
            published_at: Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            ..key
        };
        assert_eq!(FeedKey::from_cursor(&last.cursor()), Ok(last));
    }

    #[test]
    fn a_cursor_holds_times_of_nine_to_twelve_digits_as_its_pattern_says() {
        let id = Uuid::from_u128(1).simple();
        for seconds in ["-300000000000", "99999999", "1000000000000"] {
            let cursor = format!("f1.0.{seconds}.000000000.{id}");
            assert!(FeedKey::from_cursor(&cursor).is_err(), "{cursor}");
        }
        for seconds in ["100000000", "999999999999"] {
            let cursor = format!("f1.1.{seconds}.999999999.{id}");
            assert!(FeedKey::from_cursor(&cursor).is_ok(), "{cursor}");
        }
    }

    #[test]
    fn a_cursor_that_does_not_decode_is_an_error_not_the_first_page() {
        let good = key(false, 1, 7).cursor();
        let hyphenated = good.replace(
            &Uuid::from_u128(7).simple().to_string(),
            &Uuid::from_u128(7).to_string(),
        );
        let bad = [
            String::new(),
            "abc".to_owned(),
            good.replacen("f1", "f2", 1),
            good.replacen(".0.", ".2.", 1),
            good.replacen(".0.", ".00.", 1),
            format!("{good}.1"),
            good[..good.len() - 1].to_owned(),
            hyphenated,
            good.to_uppercase(),
        ];
        for cursor in bad {
            assert_eq!(
                FeedKey::from_cursor(&cursor).map_err(|e| e.code),
                Err("invalid_cursor"),
                "{cursor:?}"
            );
        }
    }

    #[test]
    fn after_holds_exactly_for_keys_later_in_the_feed() {
        let cursor = key(false, 10, 5);
        assert!(after(&key(false, 9, 9), &cursor));
        assert!(after(&key(false, 10, 4), &cursor));
        assert!(!after(&cursor, &cursor));
        assert!(!after(&key(false, 10, 6), &cursor));
        assert!(!after(&key(false, 11, 1), &cursor));
        assert!(!after(&key(true, 0, 1), &cursor));
        assert!(after(&key(false, 60, 1), &key(true, 0, 1)));
    }

    #[test]
    fn pages_walk_the_feed_once_in_order() {
        let keys: Vec<FeedKey> = (0..7).map(|n| key(n == 3, n, 100 + n as u128)).collect();
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let (items, next) = page(&keys, cursor.as_ref(), size(3));
            seen.extend(items);
            // The cursor travels as text, as it does through the API.
            match next {
                Some(next) => cursor = Some(FeedKey::from_cursor(&next.cursor()).unwrap()),
                None => break,
            }
        }
        let mut expected = keys.clone();
        expected.sort();
        assert_eq!(seen, expected);
    }

    #[test]
    fn newer_posts_published_after_the_first_page_neither_repeat_nor_skip_a_post() {
        let mut keys: Vec<FeedKey> = (0..10).map(|n| key(false, n, 100 + n as u128)).collect();
        keys.push(key(true, 2, 99));
        let before = {
            let mut all = keys.clone();
            all.sort();
            all
        };
        let (first, next) = page(&keys, None, size(4));
        let cursor = FeedKey::from_cursor(&next.unwrap().cursor()).unwrap();
        // Meanwhile: three newer posts, one of them pinned, one at the very same instant as the
        // cursor's post with a higher id (it sorts before the cursor, so it is not this pass's).
        keys.push(key(false, 20, 200));
        keys.push(key(true, 21, 201));
        keys.push(key(
            false,
            cursor.published_at_minute(),
            cursor.id.as_u128() + 1,
        ));
        let mut rest = Vec::new();
        let mut cursor = Some(cursor);
        while let Some(c) = cursor {
            let (items, next) = page(&keys, Some(&c), size(4));
            rest.extend(items);
            cursor = next;
        }
        let mut walked = first.clone();
        walked.extend(rest);
        // Exactly the posts there were when the walk began, each once, in order.
        assert_eq!(walked, before);
    }

    impl FeedKey {
        fn published_at_minute(&self) -> i64 {
            (self.published_at - at(0)).num_minutes()
        }
    }
}
