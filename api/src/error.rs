//! One error type for the API and one envelope for every error: RFC 9457 `application/problem+json`.
//! A 5xx answer says nothing about its cause; the cause goes to the log with the request id.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use persistence::RepoError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{i18n, telemetry};
use domain::mail::Language;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem detail, the body of every error answer.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:ouderportaal:problem:validation-failed",
    "title": "The request is not valid",
    "status": 422,
    "detail": "One or more fields are invalid; see `errors`.",
    "request_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "errors": [{"field": "name", "code": "required", "message": "must not be empty"}]
}))]
pub struct Problem {
    /// A URI that identifies the kind of problem; stable, so clients can branch on it.
    #[serde(rename = "type")]
    #[schema(max_length = 200)]
    pub kind: String,
    /// A short summary of the kind of problem, the same for every occurrence.
    #[schema(max_length = 200)]
    pub title: String,
    /// The HTTP status code of this answer.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What went wrong in this occurrence, for the developer of the client.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub detail: Option<String>,
    /// The id of this request, also in the `X-Request-Id` header; quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 64)]
    pub request_id: Option<String>,
    /// The invalid fields, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 100)]
    pub errors: Vec<FieldError>,
    /// On the OAuth2 token endpoint only: the RFC 6749 §5.2 error code (`invalid_client`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 32)]
    pub error: Option<String>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct FieldError {
    /// Where the field is: a JSON path in the body (`name`, `items[2].date`), or `query.limit`,
    /// `path.board_id` for parameters.
    #[schema(max_length = 200)]
    pub field: String,
    /// A stable machine code, e.g. `required`, `too_long`, `invalid_type`.
    #[schema(max_length = 64)]
    pub code: String,
    /// A message for the developer of the client.
    #[schema(max_length = 500)]
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

impl From<(&str, domain::Invalid)> for FieldError {
    fn from((field, invalid): (&str, domain::Invalid)) -> Self {
        FieldError::new(field, invalid.code, invalid.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request could not be read: malformed JSON, a parameter of the wrong shape.
    #[error("bad request: {detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// The request was read but its values are not acceptable.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// No valid credentials were presented.
    #[error("unauthenticated")]
    Unauthenticated,
    /// A login failed; the same answer whether or not the account exists.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The caller is known and may see the object, but not do this to it.
    #[error("forbidden")]
    Forbidden,
    /// No such object, or not one the caller may know of (existence does not leak).
    #[error("not found")]
    NotFound,
    /// The path exists, but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("payload too large (limit {limit} bytes)")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The client sent more requests than its quota; it may retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    /// A refused OAuth2 token request (RFC 6749 §5.2): 401 for `invalid_client`, else 400.
    #[error("oauth: {code}")]
    OAuth {
        code: &'static str,
        description: &'static str,
    },
    /// The database could not be reached in time.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Anything else; the string is the cause, for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(cause.to_string())
    }

    pub fn invalid(field: &str, invalid: domain::Invalid) -> ApiError {
        ApiError::Validation(vec![FieldError::from((field, invalid))])
    }

    /// The problem's slug and its title in English and Dutch.
    fn slug_and_titles(&self) -> (&'static str, &'static str, &'static str) {
        match self {
            ApiError::BadRequest { .. } => (
                "bad-request",
                "The request could not be read",
                "Het verzoek kon niet worden gelezen",
            ),
            ApiError::Validation(_) => (
                "validation-failed",
                "The request is not valid",
                "Het verzoek is niet geldig",
            ),
            ApiError::Unauthenticated => (
                "unauthenticated",
                "Authentication is required",
                "Aanmelden is nodig",
            ),
            ApiError::InvalidCredentials => (
                "invalid-credentials",
                "The e-mail address or password is wrong",
                "Het e-mailadres of wachtwoord klopt niet",
            ),
            ApiError::Forbidden => ("forbidden", "You may not do this", "Dit mag u niet doen"),
            ApiError::NotFound => (
                "not-found",
                "The resource does not exist",
                "Dit bestaat niet",
            ),
            ApiError::MethodNotAllowed { .. } => (
                "method-not-allowed",
                "The resource does not accept this method",
                "Deze methode is hier niet mogelijk",
            ),
            ApiError::Conflict(_) => (
                "conflict",
                "The request conflicts with the current state",
                "Het verzoek botst met de huidige stand van zaken",
            ),
            ApiError::PayloadTooLarge { .. } => (
                "payload-too-large",
                "The request body is too large",
                "Het verzoek is te groot",
            ),
            ApiError::UnsupportedMediaType => (
                "unsupported-media-type",
                "The request body must be JSON",
                "Het verzoek moet JSON zijn",
            ),
            ApiError::TooManyRequests { .. } => (
                "too-many-requests",
                "Too many requests",
                "Te veel verzoeken",
            ),
            ApiError::OAuth { .. } => (
                "oauth",
                "The token request was refused",
                "Het tokenverzoek is geweigerd",
            ),
            ApiError::Unavailable(_) => (
                "unavailable",
                "The service is temporarily unavailable",
                "De dienst is tijdelijk niet beschikbaar",
            ),
            ApiError::Internal(_) => (
                "internal",
                "Something went wrong on our side",
                "Er ging bij ons iets mis",
            ),
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ApiError::BadRequest { detail, .. } => Some(detail.clone()),
            ApiError::Validation(_) => {
                Some("One or more fields are invalid; see `errors`.".to_owned())
            }
            ApiError::Conflict(detail) => Some(detail.clone()),
            ApiError::PayloadTooLarge { limit } => {
                Some(format!("The body may be at most {limit} bytes."))
            }
            ApiError::UnsupportedMediaType => {
                Some("Send the body as `Content-Type: application/json`.".to_owned())
            }
            ApiError::TooManyRequests { retry_after } => {
                Some(format!("Slow down; retry after {retry_after} seconds."))
            }
            ApiError::Unavailable(_) => Some("Try again shortly.".to_owned()),
            ApiError::OAuth { description, .. } => Some((*description).to_owned()),
            ApiError::Internal(_) => Some("Quote the request id when you report this.".to_owned()),
            _ => None,
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (slug, english, dutch) = self.slug_and_titles();
        let title = match i18n::current() {
            Language::English => english,
            Language::Dutch => dutch,
        };
        let errors = match self {
            ApiError::BadRequest { errors, .. } | ApiError::Validation(errors) => errors.clone(),
            _ => Vec::new(),
        };
        Problem {
            kind: problem_type(slug),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            request_id: telemetry::current_request_id(),
            errors,
            error: match self {
                ApiError::OAuth { code, .. } => Some((*code).to_owned()),
                _ => None,
            },
        }
    }
}

pub fn problem_type(slug: &str) -> String {
    format!("urn:ouderportaal:problem:{slug}")
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthenticated | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::OAuth {
                code: "invalid_client",
                ..
            } => StatusCode::UNAUTHORIZED,
            ApiError::OAuth { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => log::error!("internal error: {cause}"),
            ApiError::Unavailable(cause) => log::warn!("unavailable: {cause}"),
            _ => {}
        }
        let mut response = problem_response(&self.to_problem());
        if let ApiError::MethodNotAllowed { allow } = self
            && let Ok(value) = HeaderValue::from_str(&allow.join(", "))
        {
            response.headers_mut().insert(header::ALLOW, value);
        }
        if let ApiError::TooManyRequests { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        // Capacity comes back within moments (a pool connection, a hashing slot).
        if let ApiError::Unavailable(_) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(1));
        }
        if matches!(
            self,
            ApiError::OAuth {
                code: "invalid_client",
                ..
            }
        ) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"ouderportaal\""),
            );
        }
        if matches!(self, ApiError::Unauthenticated) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ouderportaal\""),
            );
        }
        response
    }
}

pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .insert_header((header::CONTENT_LANGUAGE, i18n::current().tag()))
        .body(serde_json::to_string(problem).unwrap_or_default())
}

impl From<RepoError> for ApiError {
    fn from(err: RepoError) -> Self {
        match err {
            RepoError::NotFound => ApiError::NotFound,
            RepoError::Conflict(_) => {
                ApiError::Conflict("A resource with these values already exists.".to_owned())
            }
            RepoError::Pool(cause) => ApiError::Unavailable(cause.to_string()),
            other => ApiError::internal(other),
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        ApiError::Validation(crate::extract::field_errors(&errors, ""))
    }
}
