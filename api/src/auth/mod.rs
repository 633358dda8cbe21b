//! Authentication: passwords, access tokens and the extractor that makes a handler unreachable
//! without a valid token.

pub mod callers;
pub mod extract;
pub mod password;
pub mod refresh;
pub mod session_check;
pub mod session_feed;
pub mod tokens;

pub use extract::{Authenticated, AuthenticatedClient, Caller};
pub use tokens::TokenKeys;
