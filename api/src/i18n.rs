//! The language of a request's answers: the client's `Accept-Language`, English when it names
//! neither Dutch nor English (developers trying the API), Dutch when it asks for it (SPEC §13).

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use domain::mail::Language;

tokio::task_local! {
    static LANGUAGE: Language;
}

/// The language of the request being served (English outside a request).
pub fn current() -> Language {
    LANGUAGE
        .try_with(|language| *language)
        .unwrap_or(Language::English)
}

/// The language for an `Accept-Language` header value.
pub fn negotiate(header: Option<&str>) -> Language {
    match header {
        Some(value)
            if value
                .split(',')
                .any(|part| part.trim().to_ascii_lowercase().starts_with("nl")) =>
        {
            Language::from_accept_language(Some(value))
        }
        _ => Language::English,
    }
}

/// Middleware: makes the negotiated language current while the request is served.
pub async fn negotiate_language(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let language = negotiate(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    req.extensions_mut().insert(language);
    LANGUAGE.scope(language, next.call(req)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_when_asked_for_english_otherwise() {
        assert_eq!(negotiate(Some("nl-NL,nl;q=0.9,en;q=0.8")), Language::Dutch);
        assert_eq!(negotiate(Some("en-US,nl;q=0.5")), Language::English);
        assert_eq!(negotiate(Some("de")), Language::English);
        assert_eq!(negotiate(None), Language::English);
    }
}
