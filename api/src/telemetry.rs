//! Logging with a request id on every line, and one access line per request that carries no
//! personal data: the route's pattern (never the path's values or the query), status and duration.

use std::cell::RefCell;
use std::io::Write;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

pub static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    /// The id of the request the current task serves.
    static TASK_REQUEST_ID: String;
}

thread_local! {
    /// The id of the request a blocking-pool thread is working for (task locals do not cross
    /// `web::block`).
    static THREAD_REQUEST_ID: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The request id of the work in progress on this task or thread, if any.
pub fn current_request_id() -> Option<String> {
    TASK_REQUEST_ID
        .try_with(Clone::clone)
        .ok()
        .or_else(|| THREAD_REQUEST_ID.with(|id| id.borrow().clone()))
}

/// Runs `work` on this thread with `request_id` as the current request id.
pub fn with_request_id<T>(request_id: Option<String>, work: impl FnOnce() -> T) -> T {
    let previous = THREAD_REQUEST_ID.with(|id| id.replace(request_id));
    let result = work();
    THREAD_REQUEST_ID.with(|id| id.replace(previous));
    result
}

/// The request id of a request, as stored by [`request_tracing`].
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Sets up env_logger: `OUDERPORTAAL_LOG` (or `RUST_LOG`) filters; every line carries the request id.
pub fn init_logging(level: &str) {
    let mut builder = env_logger::Builder::new();
    builder.parse_filters(level);
    if let Ok(filters) = std::env::var("RUST_LOG") {
        builder.parse_filters(&filters);
    }
    builder.format(|buf, record| {
        let request_id = current_request_id().unwrap_or_else(|| "-".to_owned());
        writeln!(
            buf,
            "{} {:<5} {} request_id={} {}",
            buf.timestamp_millis(),
            record.level(),
            record.target(),
            request_id,
            record.args()
        )
    });
    // A second initialisation (tests start several apps in one process) is harmless.
    let _ = builder.try_init();
}

/// Accepts a client's `X-Request-Id` when it is short and plain, so traces can span systems;
/// anything else is replaced, so a header cannot inject text into the log.
fn incoming_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID_HEADER)?.to_str().ok()?;
    let plain = !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plain.then(|| value.to_owned())
}

/// Middleware: assigns the request id, makes it current while the request is served, returns it
/// in `X-Request-Id` and writes the access line.
pub async fn request_tracing(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = incoming_request_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();
    let pattern = req
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let started = Instant::now();

    let id_for_task = request_id.clone();
    let result = TASK_REQUEST_ID
        .scope(id_for_task, async move {
            let result = next.call(req).await;
            let status = match &result {
                Ok(response) => response.status().as_u16(),
                Err(err) => err.as_response_error().status_code().as_u16(),
            };
            log::info!(
                target: "access",
                "{method} {pattern} {status} {}ms",
                started.elapsed().as_millis()
            );
            result
        })
        .await;

    let mut response = result?;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response
            .headers_mut()
            .insert(REQUEST_ID_HEADER.clone(), value);
    }
    Ok(response)
}
