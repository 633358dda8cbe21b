//! Request extractors whose failures use the problem envelope and name the field that is wrong.
//! actix's own `web::Json` and `web::Query` report serde's message without the field's path, so
//! the body and the query string are read here through `serde_path_to_error`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, FieldError};
use crate::objects_only::ObjectsOnly;

/// The request body limit, as app data; set from configuration.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON body, deserialized and then validated. Failures: 413 (too large), 415 (not JSON),
/// 400 (malformed JSON), 422 (a field of the wrong type, missing, or invalid).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> FromRequest for Json<T>
where
    T: DeserializeOwned + Validate + Send + 'static,
{
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_body(req, payload, body_limit(req), is_json(req));
        Box::pin(async move {
            let value: T = parse_json(&body.await?)?;
            value.validate()?;
            Ok(Json(value))
        })
    }
}

fn body_limit(req: &HttpRequest) -> usize {
    req.app_data::<BodyLimit>().map_or(256 * 1024, |l| l.0)
}

/// A JSON body of the usual size, not yet read: as [`BulkJsonBody`] does for rosters, the handler
/// first authorizes the caller from the path and the token, and only then reads and parses it
/// with [`JsonBody::parse`] (413, 415, 400, 422 as for [`Json`]). A caller without rights gets
/// its 403 or 404 whatever it sent, and the server reads nothing of it.
pub struct JsonBody(PendingBody);

impl FromRequest for JsonBody {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let pending = PendingBody::take(req, payload, body_limit(req), is_json(req));
        std::future::ready(Ok(JsonBody(pending)))
    }
}

impl JsonBody {
    /// Reads the body, then the same checks as [`Json`].
    pub async fn parse<T>(self) -> Result<T, ApiError>
    where
        T: DeserializeOwned + Validate,
    {
        let value: T = parse_json(&self.0.read().await?)?;
        value.validate()?;
        Ok(value)
    }
}

/// The body limit for bulk uploads (a school's roster), as app data; set from configuration.
#[derive(Debug, Clone, Copy)]
pub struct BulkBodyLimit(pub usize);

fn bulk_limit(req: &HttpRequest) -> usize {
    req.app_data::<BulkBodyLimit>()
        .map_or(64 * 1024 * 1024, |l| l.0)
}

/// A large JSON body (a roster snapshot), not yet read: the handler first authorizes the caller
/// from the path and the token, and only then reads it (under the bulk limit: 413, 415) and
/// parses it with [`BulkJsonBody::parse`], so a caller without rights never makes the server read
/// megabytes, and a sync refused for its body is recorded like any failed sync.
pub struct BulkJsonBody(PendingBody);

impl FromRequest for BulkJsonBody {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let pending = PendingBody::take(req, payload, bulk_limit(req), is_json(req));
        std::future::ready(Ok(BulkJsonBody(pending)))
    }
}

impl BulkJsonBody {
    /// Reads the body, then the same checks as [`Json`] (400, 422), parsed off the async workers,
    /// since megabytes of JSON take a while.
    pub async fn parse<T>(self) -> Result<T, ApiError>
    where
        T: DeserializeOwned + Validate + Send + 'static,
    {
        let body = self.0.read().await?;
        let value: T = actix_web::web::block(move || parse_json::<T>(&body))
            .await
            .map_err(ApiError::internal)??;
        value.validate()?;
        Ok(value)
    }
}

/// A request body not yet read, with what reading it must check.
struct PendingBody {
    payload: Payload,
    declared_length: Option<usize>,
    limit: usize,
    content_type_ok: bool,
}

impl PendingBody {
    fn take(
        req: &HttpRequest,
        payload: &mut Payload,
        limit: usize,
        content_type_ok: bool,
    ) -> PendingBody {
        PendingBody {
            payload: payload.take(),
            declared_length: req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok()),
            limit,
            content_type_ok,
        }
    }

    /// Reads the body up to the limit: 415 when its media type is not the expected one, 413 when
    /// it is too large (declared or streamed).
    async fn read(mut self) -> Result<Bytes, ApiError> {
        let limit = self.limit;
        if !self.content_type_ok {
            return Err(ApiError::UnsupportedMediaType);
        }
        if self.declared_length.is_some_and(|len| len > limit) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = self.payload.next().await {
            let chunk = chunk.map_err(|err| ApiError::BadRequest {
                detail: format!("The body could not be read: {err}"),
                errors: Vec::new(),
            })?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

/// Reads a body up to `limit` bytes (415, 413).
fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
    content_type_ok: bool,
) -> Pin<Box<dyn Future<Output = Result<Bytes, ApiError>>>> {
    Box::pin(PendingBody::take(req, payload, limit, content_type_ok).read())
}

/// The media type without parameters, lower-cased.
fn essence(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
    )
}

fn is_json(req: &HttpRequest) -> bool {
    essence(req).is_some_and(|essence| {
        essence == "application/json"
            || (essence.starts_with("application/") && essence.ends_with("+json"))
    })
}

fn is_xml(req: &HttpRequest) -> bool {
    essence(req).is_some_and(|essence| {
        essence == "application/xml"
            || essence == "text/xml"
            || (essence.starts_with("application/") && essence.ends_with("+xml"))
    })
}

/// An XML document (an EDEXML file), not yet read: like [`BulkJsonBody`], the handler reads it
/// with [`XmlBody::text`] once the caller is authorized. Under the bulk limit; 415 for another
/// media type, 400 when it is not UTF-8.
pub struct XmlBody(PendingBody);

impl FromRequest for XmlBody {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let pending = PendingBody::take(req, payload, bulk_limit(req), is_xml(req));
        std::future::ready(Ok(XmlBody(pending)))
    }
}

impl XmlBody {
    pub async fn text(self) -> Result<String, ApiError> {
        let body = self.0.read().await?;
        // Checking megabytes of UTF-8 is work for a blocking thread, not an async worker.
        actix_web::web::block(move || String::from_utf8(body.to_vec()))
            .await
            .map_err(ApiError::internal)?
            .map_err(|_| ApiError::BadRequest {
                detail: "The body is not UTF-8 text; EDEXML files are UTF-8.".to_owned(),
                errors: Vec::new(),
            })
    }
}

fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    // Structs from objects only, at any depth (serde would also read one from an array).
    let value: T =
        serde_path_to_error::deserialize(ObjectsOnly(&mut deserializer)).map_err(|err| {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if inner.is_data() {
                ApiError::Validation(vec![data_error("", &path, &inner.to_string())])
            } else {
                malformed(&inner)
            }
        })?;
    // Trailing bytes after the value make the body malformed, not merely longer.
    deserializer.end().map_err(|err| malformed(&err))?;
    Ok(value)
}

fn malformed(err: &serde_json::Error) -> ApiError {
    ApiError::BadRequest {
        detail: format!(
            "The body is not valid JSON (line {}, column {}).",
            err.line(),
            err.column()
        ),
        errors: Vec::new(),
    }
}

/// Turns a serde data error at `path` into a field error. A missing field is reported at the
/// field itself rather than at the object that lacks it.
fn data_error(prefix: &str, path: &str, message: &str) -> FieldError {
    let path = if path == "." { "" } else { path };
    let message = message.split(" at line ").next().unwrap_or(message);
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        return FieldError::new(join(prefix, &join(path, name)), "required", "is required");
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        // The path already ends at the unknown field.
        let name = rest.split('`').next().unwrap_or(rest);
        let field = if path.ends_with(name) {
            path.to_owned()
        } else {
            join(path, name)
        };
        return FieldError::new(
            join(prefix, &field),
            "unknown_field",
            "is not a known field",
        );
    }
    let field = if path.is_empty() {
        prefix.trim_end_matches('.').to_owned()
    } else {
        join(prefix, path)
    };
    let code = if message.starts_with("invalid type") {
        "invalid_type"
    } else {
        "invalid_value"
    };
    FieldError::new(
        if field.is_empty() {
            "body".to_owned()
        } else {
            field
        },
        code,
        message,
    )
}

fn join(prefix: &str, name: &str) -> String {
    match (prefix.is_empty(), name.is_empty()) {
        (true, _) => name.to_owned(),
        (false, true) => prefix.trim_end_matches('.').to_owned(),
        (false, false) => format!("{}.{name}", prefix.trim_end_matches('.')),
    }
}

/// A query string, deserialized and validated; failures are 400 and name `query.<parameter>`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> FromRequest for Query<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()))
    }
}

fn parse_query<T: DeserializeOwned + Validate>(query: &str) -> Result<Query<T>, ApiError> {
    let deserializer = serde_urlencoded::Deserializer::new(url_pairs(query.as_bytes()));
    let value: T = serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let error = data_error("query", &path, &err.into_inner().to_string());
        ApiError::BadRequest {
            detail: "A query parameter is not valid; see `errors`.".to_owned(),
            errors: vec![error],
        }
    })?;
    value.validate().map_err(|errors| ApiError::BadRequest {
        detail: "A query parameter is not valid; see `errors`.".to_owned(),
        errors: field_errors(&errors, "query."),
    })?;
    Ok(Query(value))
}

fn url_pairs(input: &[u8]) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(input)
}

/// actix's path extractor failure, in the problem envelope. Every path parameter of this API is an
/// id, so the parameters that are not UUIDs are the ones named.
pub fn path_error(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    let errors = req
        .match_info()
        .iter()
        .filter(|(_, value)| uuid::Uuid::parse_str(value).is_err())
        .map(|(name, _)| FieldError::new(format!("path.{name}"), "invalid_id", "is not a valid id"))
        .collect();
    log::debug!("path parameters rejected: {err}");
    ApiError::BadRequest {
        detail: "A path parameter is not valid; see `errors`.".to_owned(),
        errors,
    }
    .into()
}

/// Flattens validator's nested errors into one list with dotted field paths.
pub fn field_errors(errors: &ValidationErrors, prefix: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, prefix, &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = format!("{prefix}{field}");
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let message = error
                        .message
                        .as_ref()
                        .map_or_else(|| default_message(&error.code), ToString::to_string);
                    out.push(FieldError::new(
                        path.clone(),
                        error.code.to_string(),
                        message,
                    ));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &format!("{path}."), out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]."), out);
                }
            }
        }
    }
}

fn default_message(code: &str) -> String {
    match code {
        "length" => "has a length outside the allowed range".to_owned(),
        "range" => "is outside the allowed range".to_owned(),
        "email" => "is not an e-mail address".to_owned(),
        "required" => "is required".to_owned(),
        other => format!("is not valid ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[validate(length(min = 1, max = 5))]
        name: String,
        count: Option<u32>,
    }

    fn errors(result: Result<Body, ApiError>) -> Vec<(String, String)> {
        match result {
            Err(ApiError::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_body_is_read() {
        let body =
            parse_json::<Body>(&Bytes::from_static(br#"{"name": "a", "count": 3}"#)).unwrap();
        assert_eq!((body.name.as_str(), body.count), ("a", Some(3)));
    }

    #[test]
    fn a_missing_field_is_named() {
        let result = parse_json::<Body>(&Bytes::from_static(b"{}"));
        assert_eq!(
            errors(result),
            vec![("name".to_owned(), "required".to_owned())]
        );
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named() {
        let result = parse_json::<Body>(&Bytes::from_static(br#"{"name": "a", "count": "x"}"#));
        assert_eq!(
            errors(result),
            vec![("count".to_owned(), "invalid_type".to_owned())]
        );
    }

    #[test]
    fn an_unknown_field_is_named() {
        let result = parse_json::<Body>(&Bytes::from_static(br#"{"name": "a", "nmae": "b"}"#));
        assert_eq!(
            errors(result),
            vec![("nmae".to_owned(), "unknown_field".to_owned())]
        );
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        let result = parse_json::<Body>(&Bytes::from_static(br#"{"name": "#));
        assert!(matches!(result, Err(ApiError::BadRequest { .. })));
        let trailing = parse_json::<Body>(&Bytes::from_static(br#"{"name": "a"} x"#));
        assert!(matches!(trailing, Err(ApiError::BadRequest { .. })));
    }

    #[test]
    fn validator_errors_are_flattened_with_their_field() {
        let body = Body {
            name: "toolong".to_owned(),
            count: None,
        };
        let flat = body.validate().map_err(|e| field_errors(&e, "")).err();
        assert_eq!(
            flat.map(|v| v.into_iter().map(|e| e.field).collect::<Vec<_>>()),
            Some(vec!["name".to_owned()])
        );
    }

    #[test]
    fn query_errors_name_the_parameter() {
        let result = parse_query::<Body>("name=a&count=minus");
        match result {
            Err(ApiError::BadRequest { errors, .. }) => {
                assert_eq!(
                    errors.first().map(|e| e.field.as_str()),
                    Some("query.count")
                );
            }
            other => panic!("expected a bad request, got {other:?}"),
        }
    }
}

/// An `application/x-www-form-urlencoded` body (the OAuth2 token endpoint), deserialized and
/// validated; failures name the field like [`Json`]'s.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T> FromRequest for Form<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<BodyLimit>()
            .map_or(256 * 1024, |l| l.0)
            .min(16 * 1024);
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_form {
                return Err(ApiError::UnsupportedMediaType);
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|err| ApiError::BadRequest {
                    detail: format!("The body could not be read: {err}"),
                    errors: Vec::new(),
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            let deserializer = serde_urlencoded::Deserializer::new(url_pairs(&body));
            let value: T = serde_path_to_error::deserialize(deserializer).map_err(|err| {
                let path = err.path().to_string();
                ApiError::Validation(vec![data_error("", &path, &err.into_inner().to_string())])
            })?;
            value.validate()?;
            Ok(Form(value))
        })
    }
}
