//! News (SPEC §5) over HTTP: the handlers extract, convert, call one function of
//! [`crate::services::news`] and answer. The contract's shapes of posts are in [`dto`]; editing,
//! comments and confirmations keep their shapes beside their handlers. A handler whose request
//! has a body authorizes the caller first and reads the body after (`JsonBody`).

mod comments;
mod confirmations;
mod dto;
mod edits;
mod handlers;
mod staff;

use utoipa_actix_web::service_config::ServiceConfig;

pub use comments::{NewsComment, NewsCommentInput};
pub use confirmations::{
    NewsConfirmationState, NewsConfirmations, OpenConfirmation, OpenHousehold,
};
pub use dto::*;
pub use edits::{NewsPersonName, NewsPostEdit, NewsRevision};
pub use staff::StaffNewsState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::create_news_post)
        .service(handlers::list_news_feed)
        .service(staff::list_school_news)
        .service(handlers::get_news_post)
        .service(edits::update_news_post)
        .service(edits::list_news_post_revisions)
        .service(handlers::mark_news_post_read)
        .service(confirmations::confirm_news_post)
        .service(confirmations::list_news_post_confirmations)
        .service(confirmations::remind_news_post_confirmation)
        .service(handlers::list_news_post_readers)
        .service(comments::create_news_comment)
        .service(comments::list_news_comments)
        .service(comments::hide_news_comment)
        .service(comments::unhide_news_comment)
        .service(handlers::delete_news_post);
}
