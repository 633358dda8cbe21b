//! The OpenAPI 3.1 contract, assembled from the routing tree. Everything stated once for all
//! operations (security schemes, the problem answers every operation can give) is added here.

use actix_web::App;
use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Scopes, SecurityScheme,
};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::config::MAX_RATE_LIMIT;
use crate::error::{PROBLEM_JSON, Problem};
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ouderportaal API",
        description = "The API of Ouderportaal, a parent portal for Dutch primary and secondary schools. \
The student administration (LAS) is the source of truth for personal data; the portal carries the \
communication and processes between school and home. Conventions: see docs/API-DESIGN.md.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        contact(name = "Ouderportaal maintainers")
    ),
    servers((url = "/", description = "The server this document was served from (local, staging or production alike).")),
    tags(
        (name = "health", description = "Liveness and readiness probes."),
        (name = "auth", description = "Signing in and tokens."),
        (name = "boards", description = "School boards (tenants), managed by the platform operator."),
        (name = "disclosures", description = "The disclosure register (verwerkingsregister, seed 002 appendix 3): per board, to whom personal data is given, what for and on which lawful basis (AVG art. 6). Read by the board's staff and the guardians of its pupils, kept by the board's admins."),
        (name = "schools", description = "Schools, their groups, staff and audit log."),
        (name = "pupils", description = "Pupils, as far as the caller's relation to them reaches."),
        (name = "guardians", description = "Guardians (ouders/verzorgers) and their invitations."),
        (name = "integration", description = "Integration clients (LAS vendors) and what their tokens allow."),
        (name = "change-requests", description = "Change requests (wijzigingsverzoeken): guardians ask the school to change personal data; the school decides per field."),
        (name = "absence", description = "Absence: guardians report their child absent (before 08:00 for today), staff register absence with its kind, teachers see their groups' day, and the school's admins get the DUO signal (16 hours of unauthorized absence within 4 school weeks)."),
        (name = "calendar", description = "The school calendar: school days, days off and lesson times per school year, and its iCalendar export."),
        (name = "leave", description = "Leave requests (verlof) under the Leerplichtwet: requested by guardians, weighed by its rules, decided by the director or the attendance officer."),
        (name = "forms", description = "Sign-up forms (intekenen): the school or a teacher asks for helpers or sign-ups for an activity; households respond once each; places are never given beyond capacity, a waiting list keeps its order and moves up on a withdrawal; reminders to those who have not responded are always e-mailed."),
        (name = "consent", description = "Consent and sharing (AVG): the school's purposes with their legal basis; guardians with parental authority give or withdraw consent per pupil and purpose, and decide on sharing their own contact details; the history is kept as proof. Consent is enforced on reads: medical notes reach lunch supervisors and other parents, and the group's contact list shows guardians, only with consent."),
        (name = "planner", description = "The conversation planner (gesprekkenplanner): the school makes a round centrally, teachers check their times until a deadline, the school publishes it, guardians book one slot per child per teacher; no slot is ever booked twice."),
        (name = "news", description = "News posts of a school to its guardians, the guardian's feed and read receipts."),
        (name = "notifications", description = "One notification per person, not per child: the inbox, its live stream (server-sent events carrying references only), e-mail preferences, and a school's quiet hours and daily overview."),
        (name = "webhooks", description = "Webhooks: a school's admins register HTTPS endpoints that are told of the school's events, signed, with no names or content (see the `WebhookEvent` schema)."),
        (name = "privacy", description = "Privacy operations (AVG): breach reports from the audit log, to assess a data breach (datalek) and report it to the Autoriteit Persoonsgegevens within 72 hours; a guardian's access export (art. 15) of everything held about them and their children, kept for a week."),
    ),
    components(schemas(Problem, crate::routes::webhooks::WebhookEvent)),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

/// Declares the security schemes once; operations refer to them by name.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token (JWT) from `POST /api/v1/auth/login`. Tokens follow RFC8725 \
                         (JWT best current practices): HS256 pinned, issuer, audience and expiry checked.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "client_credentials",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new(
                    "/oauth/token",
                    Scopes::from_iter([("roster:write", "Push the roster of a school or board.")]),
                ))],
                "For integration clients (LAS vendors): short-lived JWT access tokens that follow RFC8725 \
                 (JWT best current practices).",
            )),
        );
    }
}

/// The complete contract of the service.
pub fn document() -> OpenApiDoc {
    let (_, openapi) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    complete(openapi)
}

/// The contract as YAML, as committed in `openapi.yaml`.
pub fn document_yaml() -> Result<String, String> {
    document().to_yaml().map_err(|err| err.to_string())
}

/// Adds what holds for every operation, so no handler has to repeat it: the problem answers an
/// operation can give (by what it has: parameters can be malformed, bodies too large or invalid,
/// secured operations refused, anything can be rate limited or fail), the headers every answer
/// carries, and length limits on strings of a fixed format. Done on the JSON form, which is simpler to walk
/// than utoipa's typed tree.
fn complete(openapi: OpenApiDoc) -> OpenApiDoc {
    let Ok(mut doc) = serde_json::to_value(&openapi) else {
        return openapi;
    };
    add_shared_components(&mut doc);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (method, operation) in item
                .iter_mut()
                .filter(|(_, op)| op.get("responses").is_some())
            {
                add_standard_responses(operation, method != "get");
                add_response_headers(operation);
            }
        }
    }
    limit_formatted_strings(&mut doc);
    serde_json::from_value(doc).unwrap_or(openapi)
}

/// status, component name, description.
const STANDARD: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "The request could not be read: malformed JSON or an invalid parameter.",
    ),
    ("401", "Unauthenticated", "No valid access token was given."),
    ("403", "Forbidden", "The caller may not do this."),
    (
        "404",
        "NotFound",
        "The resource does not exist or is not visible to the caller.",
    ),
    (
        "409",
        "Conflict",
        "The request conflicts with the current state: a value that must be unique, or an object \
         changed meanwhile (read it again).",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The request body is larger than the service accepts.",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The request body is not JSON.",
    ),
    (
        "422",
        "ValidationFailed",
        "The request was read but a field is invalid; `errors` names each.",
    ),
    (
        "429",
        "TooManyRequests",
        "Too many requests from this client; retry after `Retry-After` seconds.",
    ),
    (
        "500",
        "InternalError",
        "An unexpected error; the answer carries the request id to report.",
    ),
    (
        "503",
        "Unavailable",
        "The service cannot reach its database; try again shortly.",
    ),
];

const RATE_LIMIT_HEADERS: [&str; 3] = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];
/// Headers on every answer.
const ALWAYS_HEADERS: [&str; 2] = ["X-Request-Id", "Access-Control-Allow-Origin"];

fn header_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/headers/{name}") })
}

fn add_shared_components(doc: &mut Value) {
    let integer = |description: &str, maximum: u32| {
        json!({
            "description": description,
            "schema": { "type": "integer", "format": "int32", "minimum": 0, "maximum": maximum }
        })
    };
    doc["components"]["headers"] = json!({
        "RateLimit-Limit": integer("Requests this client may make at once; the quota refills evenly over the minute.", MAX_RATE_LIMIT),
        "RateLimit-Remaining": integer("Requests left in the current window.", MAX_RATE_LIMIT),
        "RateLimit-Reset": integer("Seconds until the quota is fully replenished.", 60),
        "Retry-After": integer("Seconds to wait before retrying.", 3600),
        "X-Request-Id": {
            "description": "The id of this request; quote it when reporting a problem.",
            "schema": { "type": "string", "maxLength": 64 }
        },
        "Access-Control-Allow-Origin": {
            "description": "CORS: present when the request came from a browser origin the service allows.",
            "schema": { "type": "string", "maxLength": 2048 }
        },
        "Location": {
            "description": "The URL of the created resource.",
            "schema": { "type": "string", "format": "uri-reference", "maxLength": 2048 }
        }
    });
    // OWASP API9: say who each server is for and where it runs.
    if let Some(servers) = doc["servers"].as_array_mut() {
        for server in servers {
            server["x-internal"] = json!(false);
        }
    }
    for (status, name, description) in STANDARD {
        let mut headers = Map::new();
        for header in ALWAYS_HEADERS {
            headers.insert(header.to_owned(), header_ref(header));
        }
        if status.starts_with('4') {
            for header in RATE_LIMIT_HEADERS {
                headers.insert(header.to_owned(), header_ref(header));
            }
        }
        if *status == "429" || *status == "503" {
            headers.insert("Retry-After".to_owned(), header_ref("Retry-After"));
        }
        doc["components"]["responses"][*name] = json!({
            "description": description,
            "headers": headers,
            "content": { PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/Problem" } } }
        });
    }
}

fn add_standard_responses(operation: &mut Value, writes: bool) {
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let has_path = parameters.iter().any(|p| p["in"] == "path");
    let has_body = operation.get("requestBody").is_some();
    let secured = operation["security"].as_array().is_some_and(|reqs| {
        reqs.iter()
            .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
    });

    let mut wanted: Vec<&str> = Vec::new();
    if !parameters.is_empty() || has_body {
        wanted.push("400");
    }
    if secured {
        wanted.extend(["401", "403"]);
    }
    if has_path {
        wanted.push("404");
    }
    if has_body {
        wanted.extend(["413", "415", "422"]);
    }
    if writes && secured {
        wanted.push("409");
    }
    wanted.extend(["429", "500", "503"]);

    let Some(responses) = operation["responses"].as_object_mut() else {
        return;
    };
    for (status, name, _) in STANDARD.iter().filter(|(s, _, _)| wanted.contains(s)) {
        responses
            .entry((*status).to_owned())
            .or_insert_with(|| json!({ "$ref": format!("#/components/responses/{name}") }));
    }
}

/// Every answer the operation defines in place carries the request id and CORS header; 2xx and 4xx answers also
/// carry the rate-limit state.
fn add_response_headers(operation: &mut Value) {
    let Some(responses) = operation["responses"].as_object_mut() else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        let Some(response) = response.as_object_mut().filter(|r| !r.contains_key("$ref")) else {
            continue;
        };
        let headers = response.entry("headers").or_insert_with(|| json!({}));
        let Some(headers) = headers.as_object_mut() else {
            continue;
        };
        for header in ALWAYS_HEADERS {
            headers.entry(header).or_insert_with(|| header_ref(header));
        }
        // The shared definition carries the limits an inline `Location` lacks.
        if headers.contains_key("Location") {
            headers.insert("Location".to_owned(), header_ref("Location"));
        }
        if status.starts_with('2') || status.starts_with('4') {
            for header in RATE_LIMIT_HEADERS {
                headers.entry(header).or_insert_with(|| header_ref(header));
            }
        }
        if status == "503" {
            headers
                .entry("Retry-After")
                .or_insert_with(|| header_ref("Retry-After"));
        }
    }
}

/// Strings of a fixed format get the length that format allows: RFC 3339 date-times at most 35
/// characters (nanoseconds and an offset), dates 10, UUIDs 36.
fn limit_formatted_strings(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let limit = match map.get("format").and_then(Value::as_str) {
                Some("date-time") => Some(35),
                Some("date") => Some(10),
                Some("uuid") => Some(36),
                _ => None,
            };
            if let Some(limit) = limit
                && !map.contains_key("maxLength")
            {
                map.insert("maxLength".to_owned(), json!(limit));
            }
            map.values_mut().for_each(limit_formatted_strings);
        }
        Value::Array(items) => items.iter_mut().for_each(limit_formatted_strings),
        _ => {}
    }
}
