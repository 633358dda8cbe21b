//! Authentication is a type: a handler that takes [`Authenticated`] cannot be reached without a
//! valid bearer token of a live session, and receives the caller with the roles and relations read
//! from the database for this request.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use domain::actor::Actor;
use domain::client::{ClientPrincipal, Scope};
use persistence::{actors, clients, sessions};

use std::sync::Arc;

use crate::audit::{Acting, Audit};
use crate::audit_writer::AuditWriter;
use crate::auth::session_check::{self, SessionCheck};
use crate::auth::tokens::{Claims, PrincipalKind};
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;
use crate::telemetry;

/// The verified caller of a request, where its reads are audited, and its session.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Actor, pub Option<Arc<AuditWriter>>, pub uuid::Uuid);

impl Authenticated {
    /// The audit context of this request.
    pub fn audit(&self) -> Audit {
        Audit {
            account_id: Some(self.0.account_id.to_string()),
            request_id: telemetry::current_request_id(),
            client_id: None,
            writer: self.1.clone(),
        }
    }
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let req = req.clone();
        Box::pin(async move {
            let (state, claims) = verified(state, token)?;
            let person = person(&state, claims).await?;
            acting(&req, person.audit());
            Ok(person)
        })
    }
}

/// The state and the verified claims of the bearer token.
fn verified(
    state: Option<web::Data<AppState>>,
    token: Option<String>,
) -> Result<(web::Data<AppState>, Claims), ApiError> {
    let state = state.ok_or_else(|| ApiError::internal("application state is not configured"))?;
    let token = token.ok_or(ApiError::Unauthenticated)?;
    let claims = state.tokens.verify(&token).map_err(|err| {
        log::info!("bearer token rejected: {err}");
        ApiError::Unauthenticated
    })?;
    Ok((state, claims))
}

async fn person(state: &AppState, claims: Claims) -> Result<Authenticated, ApiError> {
    // Integration clients' tokens do not open people's endpoints.
    let (PrincipalKind::Person, Some(session)) = (claims.kind, claims.sid) else {
        return Err(ApiError::Unauthenticated);
    };
    let account_id = claims.sub.to_string();
    let session_id = session.to_string();
    if let Some(actor) = state.callers.get(session) {
        // The feed, read within the last two seconds, names neither the session nor the account.
        if state.session_feed.vouches_for(session, claims.sub) {
            return Ok(Authenticated(
                actor,
                Some(Arc::clone(&state.audit)),
                session,
            ));
        }
        let check = SessionCheck {
            session_id: session_id.clone(),
            account_id: account_id.clone(),
        };
        // Checked in the handler's own trip to the database (or after it, if it makes none).
        if session_check::defer(check) {
            return Ok(Authenticated(
                actor,
                Some(Arc::clone(&state.audit)),
                session,
            ));
        }
    }
    let cached = state.callers.get(session);
    let actor = db::run(&state.db, move |conn| {
        // An ended session (logout, reuse detected) or a disabled account ends its access tokens
        // at once: checked on every request, cache or not.
        if !sessions::is_active(conn, &session_id, &account_id)? {
            return Ok::<_, persistence::RepoError>(None);
        }
        match cached {
            Some(actor) => Ok(Some((actor, false))),
            None => Ok(actors::load(conn, &account_id)?.map(|actor| (actor, true))),
        }
    })
    .await?;
    let Some((actor, loaded)) = actor else {
        return Err(ApiError::Unauthenticated);
    };
    if loaded {
        state.callers.put(session, actor.clone());
    }
    Ok(Authenticated(
        actor,
        Some(Arc::clone(&state.audit)),
        session,
    ))
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// A verified integration client, for the endpoints LAS vendors call. Revoking the client ends its
/// tokens at once.
#[derive(Debug, Clone)]
pub struct AuthenticatedClient(pub ClientPrincipal);

impl AuthenticatedClient {
    /// The audit context of this request: it names the client.
    pub fn audit(&self) -> Audit {
        Audit {
            account_id: None,
            client_id: Some(self.0.client_id.to_string()),
            request_id: telemetry::current_request_id(),
            writer: None,
        }
    }
}

/// Keeps who is acting with the request, for refusals recorded after the handler.
fn acting(req: &HttpRequest, audit: Audit) {
    req.extensions_mut().insert(Acting(audit));
}

impl FromRequest for AuthenticatedClient {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let req = req.clone();
        Box::pin(async move {
            let (state, claims) = verified(state, token)?;
            let client = client(&state, claims).await?;
            acting(&req, client.audit());
            Ok(client)
        })
    }
}

/// The client as its record says. Board, school and scopes come from the database, not from the
/// token: a token signed with a leaked key can never widen what the client record allows. The
/// token's scopes can only narrow the record's (a token asked for fewer).
async fn client(state: &AppState, claims: Claims) -> Result<AuthenticatedClient, ApiError> {
    if claims.kind != PrincipalKind::Client {
        return Err(ApiError::Unauthenticated);
    }
    let asked = claims.scope.as_deref().and_then(Scope::parse_list);
    let client_id = claims.sub.to_string();
    let record = db::run(&state.db, move |conn| {
        clients::find_active(conn, &client_id)
    })
    .await?
    .ok_or(ApiError::Unauthenticated)?;
    let granted = Scope::parse_list(&record.scopes).unwrap_or_default();
    let principal = ClientPrincipal {
        client_id: claims.sub,
        board_id: uuid::Uuid::parse_str(&record.board_id).map_err(ApiError::internal)?,
        school_id: record
            .school_id
            .as_deref()
            .map(uuid::Uuid::parse_str)
            .transpose()
            .map_err(ApiError::internal)?,
        scopes: granted
            .into_iter()
            .filter(|s| asked.as_ref().is_some_and(|asked| asked.contains(s)))
            .collect(),
    };
    Ok(AuthenticatedClient(principal))
}

/// Either kind of caller, for the endpoints both people and integration clients use (an EDEXML
/// upload comes from a LAS vendor or from a school admin).
#[derive(Debug, Clone)]
pub enum Caller {
    Person(Authenticated),
    Client(AuthenticatedClient),
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let req = req.clone();
        Box::pin(async move {
            let (state, claims) = verified(state, token)?;
            let caller = match claims.kind {
                PrincipalKind::Person => person(&state, claims).await.map(Caller::Person)?,
                PrincipalKind::Client => client(&state, claims).await.map(Caller::Client)?,
            };
            let audit = match &caller {
                Caller::Person(person) => person.audit(),
                Caller::Client(client) => client.audit(),
            };
            acting(&req, audit);
            Ok(caller)
        })
    }
}
