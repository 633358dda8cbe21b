//! Building and starting the server: one place, used by the binary and by the tests alike.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use persistence::{Database, migrations};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::audit_writer::AuditWriter;
use crate::auth::TokenKeys;
use crate::auth::callers::CallerCache;
use crate::auth::password::HashingGate;
use crate::auth::session_check;
use crate::auth::session_feed::SessionFeed;
use crate::config::Config;
use crate::error::{PROBLEM_JSON, Problem, problem_response, problem_type};
use crate::export_worker::ExportWorker;
use crate::extract::{self, BodyLimit, BulkBodyLimit};
use crate::fallback::{self, RouteTable};
use crate::invitation_worker::InvitationWorker;
use crate::live::LiveHub;
use crate::mailer::Mailer;
use crate::notify_worker::NotifyWorker;
use crate::outbox_worker::OutboxWorker;
use crate::rate_limit::{self, RateLimits};
use crate::roster_fetch::RosterFetcher;
use crate::state::AppState;
use crate::webhook_worker::WebhookWorker;
use crate::{audit, headers, i18n, openapi, routes, telemetry};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] persistence::RepoError),
    #[error("mail: {0}")]
    Mail(String),
    #[error("http client: {0}")]
    Http(String),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

/// Connects to the database and brings its schema up to date.
pub fn open_database(config: &Config) -> Result<Database, StartError> {
    let db = Database::connect(&config.database)?;
    let mut conn = db.get()?;
    let applied = migrations::run_pending(&mut conn)?;
    if !applied.is_empty() {
        log::info!("applied migrations: {}", applied.join(", "));
    }
    Ok(db)
}

/// A server bound to its port, not yet running.
pub struct Application {
    port: u16,
    server: Server,
    hashing: Arc<HashingGate>,
    audit: Arc<AuditWriter>,
    clock: Arc<crate::clock::Clock>,
}

impl Application {
    /// Opens the database, runs migrations and binds the listener (port 0 picks a free port).
    pub fn build(config: Config) -> Result<Application, StartError> {
        let db = open_database(&config)?;
        Application::build_with(config, db)
    }

    pub fn build_with(config: Config, db: Database) -> Result<Application, StartError> {
        let listener = TcpListener::bind(config.bind).map_err(|source| StartError::Bind {
            address: config.bind.to_string(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartError::Bind {
                address: config.bind.to_string(),
                source,
            })?
            .port();

        let workers = config.workers;
        let pool_size = usize::try_from(config.database.pool_size).unwrap_or(10);
        start_outbox_worker(&config, &db)?;
        start_roster_fetcher(&config, &db)?;
        start_webhook_worker(&config, &db)?;
        tokio::spawn(
            InvitationWorker {
                db: db.clone(),
                poll: config.outbox_poll,
                base_url: config.public_base_url.clone(),
            }
            .run(),
        );
        let hashing = Arc::new(HashingGate::for_this_machine());
        let clock = Arc::new(crate::clock::Clock::default());
        if config.retention_purge {
            let worker = crate::retention_worker::RetentionWorker {
                db: db.clone(),
                clock: Arc::clone(&clock),
            };
            tokio::spawn(worker.run());
        }
        let audit = AuditWriter::start(db.clone());
        if !config.export_poll.is_zero() {
            let worker = ExportWorker::new(db.clone(), config.export_poll, Arc::clone(&clock));
            tokio::spawn(worker.run());
        }
        let session_feed = Arc::new(SessionFeed::new(config.session_feed_poll));
        tokio::spawn(Arc::clone(&session_feed).run(db.clone()));
        let live = LiveHub::start(db.clone(), &config.database.url);
        if !config.notify_poll.is_zero() {
            let worker = NotifyWorker::new(db.clone(), config.notify_poll, Arc::clone(&live));
            tokio::spawn(worker.run());
        }
        let state = web::Data::new(AppState {
            callers: Arc::new(CallerCache::new(config.caller_cache)),
            cards: Arc::default(),
            session_feed,
            live,
            audit: Arc::clone(&audit),
            db,
            tokens: TokenKeys::new(&config.jwt_secret, config.access_token_ttl),
            config,
            hashing: Arc::clone(&hashing),
            clock: Arc::clone(&clock),
        });
        let contract = openapi::document();
        let route_table = web::Data::new(RouteTable::from_contract(&contract));
        let rate_limits = web::Data::new(RateLimits::new(
            state.config.rate_limit_per_minute,
            state.config.proxies.clone(),
        ));

        let mut server = HttpServer::new(move || {
            let limit = state.config.max_body_bytes;
            App::new()
                .into_utoipa_app()
                .app_data(state.clone())
                .app_data(rate_limits.clone())
                .app_data(route_table.clone())
                .app_data(BodyLimit(limit))
                .app_data(BulkBodyLimit(state.config.max_roster_bytes))
                .app_data(web::PathConfig::default().error_handler(extract::path_error))
                .configure(routes::configure)
                .into_app()
                .service(
                    SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", contract.clone()),
                )
                .default_service(web::to(fallback::unknown_route))
                .wrap(from_fn(session_check::check_after))
                .wrap(from_fn(audit::record_not_found))
                .wrap(ErrorHandlers::new().default_handler(problem_for_plain_errors))
                .wrap(from_fn(rate_limit::rate_limit))
                .wrap(from_fn(headers::security_headers))
                .wrap(from_fn(i18n::negotiate_language))
                .wrap(headers::cors())
                .wrap(from_fn(telemetry::request_tracing))
        })
        .listen(listener)
        .map_err(|source| StartError::Bind {
            address: "listener".to_owned(),
            source,
        })?;
        if workers > 0 {
            server = server.workers(workers);
        }
        // Blocking work is database work, and a thread beyond the pool's connections only waits
        // for one (holding its stack and allocator arena, and contending on the pool's lock): the
        // workers' threads together just exceed the connections; more work queues in order.
        let worker_count = if workers > 0 {
            workers
        } else {
            std::thread::available_parallelism().map_or(1, usize::from)
        };
        server = server.worker_max_blocking_threads(pool_size.div_ceil(worker_count) + 1);
        Ok(Application {
            port,
            server: server.run(),
            hashing,
            audit,
            clock,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The password-hashing bound, whose count tests read.
    pub fn hashing(&self) -> Arc<HashingGate> {
        Arc::clone(&self.hashing)
    }

    /// The clock requests act at (a test holds it at an instant).
    pub fn clock(&self) -> Arc<crate::clock::Clock> {
        Arc::clone(&self.clock)
    }

    /// Serves until the server is stopped (SIGINT/SIGTERM stop it gracefully); then the audit
    /// events still queued are written.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.audit.flush().await;
        served
    }

    /// The audit writer, which tests flush before they read the log.
    pub fn audit(&self) -> Arc<AuditWriter> {
        Arc::clone(&self.audit)
    }
}

/// Starts sending e-mail from the outbox when a mail server is configured. Without one, messages
/// wait in the outbox (development).
fn start_outbox_worker(config: &Config, db: &Database) -> Result<(), StartError> {
    let Some(url) = &config.smtp_url else {
        log::warn!("no OUDERPORTAAL_SMTP_URL: e-mail stays in the outbox");
        return Ok(());
    };
    let mailer = Mailer::new(url, &config.mail_from).map_err(StartError::Mail)?;
    let base = chrono::Duration::from_std(config.outbox_retry_base)
        .unwrap_or(chrono::Duration::seconds(30));
    let worker = OutboxWorker::new(
        db.clone(),
        mailer,
        config.outbox_poll,
        base,
        chrono::Duration::seconds(domain::mail::RETRY_MAX_SECONDS),
    );
    tokio::spawn(worker.run());
    Ok(())
}

/// Starts the nightly roster fetch scheduler.
fn start_roster_fetcher(config: &Config, db: &Database) -> Result<(), StartError> {
    let fetcher = RosterFetcher::new(
        db.clone(),
        config.roster_fetch_poll,
        config.roster_fetch_timeout,
        config.max_roster_bytes,
        config.public_base_url.clone(),
        config.roster_fetch_private_networks,
    )
    .map_err(StartError::Http)?;
    tokio::spawn(fetcher.run());
    Ok(())
}

/// Starts sending webhook deliveries.
fn start_webhook_worker(config: &Config, db: &Database) -> Result<(), StartError> {
    let worker = WebhookWorker::new(
        db.clone(),
        config.webhook_poll,
        config.webhook_timeout,
        config.webhook_private_networks,
    )
    .map_err(StartError::Http)?;
    tokio::spawn(worker.run());
    Ok(())
}

/// Errors that actix or a library answered on its own (a wrong method, a file Swagger UI does not
/// have) get the same problem envelope as ours.
fn problem_for_plain_errors<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let already_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if already_problem {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let problem = Problem {
        kind: problem_type(&status.as_u16().to_string()),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: None,
        request_id: telemetry::current_request_id(),
        errors: Vec::new(),
        error: None,
    };
    let (request, original) = response.into_parts();
    let mut replacement = problem_response(&problem);
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replacement
                .headers_mut()
                .insert(name.clone(), value.clone());
        }
    }
    replacement
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, replacement).map_into_right_body(),
    ))
}
