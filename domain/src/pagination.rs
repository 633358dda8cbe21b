//! How many items a list answers with at a time.

use crate::Invalid;

/// Items per page when the client does not say.
pub const DEFAULT_PAGE_SIZE: u16 = 25;
/// The most a client may ask for in one page; keeps every list answer small and its query bounded.
pub const MAX_PAGE_SIZE: u16 = 100;

/// A page size between 1 and [`MAX_PAGE_SIZE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u16);

impl PageSize {
    pub fn get(self) -> u16 {
        self.0
    }

    /// The client's `limit`, or the default when absent.
    pub fn parse(limit: Option<u32>) -> Result<PageSize, Invalid> {
        match limit {
            None => Ok(PageSize(DEFAULT_PAGE_SIZE)),
            Some(n) if (1..=u32::from(MAX_PAGE_SIZE)).contains(&n) => {
                Ok(PageSize(u16::try_from(n).unwrap_or(MAX_PAGE_SIZE)))
            }
            Some(_) => Err(Invalid::new(
                "out_of_range",
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_limit_gives_the_default() {
        assert_eq!(PageSize::parse(None).map(PageSize::get), Ok(25));
    }

    #[test]
    fn limits_inside_the_range_are_kept() {
        assert_eq!(PageSize::parse(Some(1)).map(PageSize::get), Ok(1));
        assert_eq!(PageSize::parse(Some(100)).map(PageSize::get), Ok(100));
    }

    #[test]
    fn limits_outside_the_range_are_refused() {
        assert!(PageSize::parse(Some(0)).is_err());
        assert!(PageSize::parse(Some(101)).is_err());
        assert!(PageSize::parse(Some(u32::MAX)).is_err());
    }
}
