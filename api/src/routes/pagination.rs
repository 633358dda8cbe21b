//! Cursor pagination shared by every list endpoint.

use domain::pagination::PageSize;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use crate::error::{ApiError, FieldError};

/// `?limit=&cursor=` of a list endpoint.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items to return, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; omit for the first page. Treat it as opaque.
    #[param(format = Uuid, max_length = 36)]
    #[validate(custom(function = "opaque_cursor"))]
    pub cursor: Option<String>,
}

fn opaque_cursor(cursor: &str) -> Result<(), ValidationError> {
    // Cursors are ids today; checking that keeps garbage out of the query and the answer clear.
    uuid::Uuid::parse_str(cursor).map(drop).map_err(|_| {
        ValidationError::new("invalid_cursor")
            .with_message("is not a cursor this API gave out".into())
    })
}

impl PageParams {
    pub fn page_size(&self) -> Result<PageSize, ApiError> {
        PageSize::parse(self.limit).map_err(|invalid| ApiError::BadRequest {
            detail: "A query parameter is not valid; see `errors`.".to_owned(),
            errors: vec![FieldError::from(("query.limit", invalid))],
        })
    }
}

/// One page of a list. Pass `next_cursor` as `cursor` to get the next page; it is absent on the last.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    #[schema(max_items = 100)]
    pub items: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Uuid, max_length = 36)]
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Page<T> {
    pub fn from_rows<R>(page: persistence::page::Page<R>, map: impl Fn(R) -> T) -> Page<T> {
        Page {
            items: page.items.into_iter().map(map).collect(),
            next_cursor: page.next_cursor,
        }
    }
}
