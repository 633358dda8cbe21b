//! Keyset pagination: lists are ordered by a unique key and continue after the last key seen,
//! which stays fast and stable on large tables (offsets do neither).

/// One page of rows and the cursor for the next page, if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Runs `load` for one row more than the page holds, to learn whether another page follows
/// without a count query; `key` gives the cursor of a row.
pub fn fetch_page<T, E>(
    limit: u16,
    load: impl FnOnce(i64) -> Result<Vec<T>, diesel::result::Error>,
    key: impl Fn(&T) -> String,
) -> Result<Page<T>, E>
where
    E: From<diesel::result::Error>,
{
    let limit = usize::from(limit.max(1));
    let mut items = load(i64::try_from(limit + 1).unwrap_or(i64::MAX))?;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(&key)
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}
