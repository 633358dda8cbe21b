//! News (SPEC §5) over HTTP: the handlers extract, convert, call one function of
//! [`crate::services::news`] and answer. The contract's shapes are in [`dto`].

mod dto;
mod handlers;

use utoipa_actix_web::service_config::ServiceConfig;

pub use dto::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::create_news_post)
        .service(handlers::list_news_feed)
        .service(handlers::get_news_post)
        .service(handlers::mark_news_post_read)
        .service(handlers::list_news_post_readers)
        .service(handlers::delete_news_post);
}
