//! Configuration: read once from the environment into one typed struct, then injected.
//! Every variable is `OUDERPORTAAL_*` except the conventional `DATABASE_URL`. A bad value stops the
//! program at start with a message that names the variable.

use std::net::SocketAddr;
use std::time::Duration;

use persistence::DbSettings;

mod read;

use read::{jwt_secret, millis, parse_or};

/// The signing secret used when none is configured. Public by nature, so refused in production.
pub const DEVELOPMENT_JWT_SECRET: &str = "ouderportaal-development-secret-do-not-use-in-production";
/// The highest rate limit that can be configured, as the contract states it.
pub const MAX_RATE_LIMIT: u32 = 1_000_000;
/// HS256 wants at least as many secret bytes as the hash is long (RFC 7518 §3.2).
const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone)]
pub struct Config {
    pub environment: Environment,
    pub bind: SocketAddr,
    pub database: DbSettings,
    pub jwt_secret: Vec<u8>,
    /// Lifetime of an access token.
    pub access_token_ttl: Duration,
    pub smtp_url: Option<String>,
    /// Where clients reach the service; used in links sent by e-mail.
    pub public_base_url: String,
    pub log_level: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest roster upload accepted, in bytes (a whole school's snapshot).
    pub max_roster_bytes: usize,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Requests per client address per minute, per instance.
    pub rate_limit_per_minute: std::num::NonZeroU32,
    /// Which peers are proxies whose `X-Forwarded-For` entries are believed.
    pub proxies: crate::client::Proxies,
    /// How long an instance keeps who a session's caller is (roles, relations) before it reads
    /// them again; a change of roles or relations takes effect everywhere within it.
    pub caller_cache: Duration,
    /// How often an instance reads the feed of ended sessions and disabled accounts; a cached
    /// caller skips its session check while the last reading is fresh (see
    /// `auth::session_feed`). Zero: every request checks its session.
    pub session_feed_poll: Duration,
    /// The sender of the portal's e-mail.
    pub mail_from: String,
    /// How often the outbox worker looks for due messages.
    pub outbox_poll: Duration,
    /// How often the notification worker looks for work; zero runs no worker in this instance
    /// (tests drive it themselves).
    pub notify_poll: Duration,
    /// Whether this instance takes part in the nightly retention purge (one instance of many runs
    /// it, by a lease); tests drive it themselves.
    pub retention_purge: bool,
    /// The first retry delay after a failed delivery; later ones double, up to an hour.
    pub outbox_retry_base: Duration,
    /// How often the scheduler looks for due nightly roster fetches.
    pub roster_fetch_poll: Duration,
    /// How long one roster fetch from a LAS may take.
    pub roster_fetch_timeout: Duration,
    /// Whether roster URLs may point at loopback and private networks (and use plain http).
    pub roster_fetch_private_networks: bool,
    /// How often the webhook worker looks for due deliveries.
    pub webhook_poll: Duration,
    /// How long one webhook request may take, connecting included.
    pub webhook_timeout: Duration,
    /// Whether webhook URLs may point at loopback and private networks (and use plain http). A
    /// setting of its own, not the roster fetch's: an on-premises LAS does not make the network
    /// a place for school admins' receivers.
    pub webhook_private_networks: bool,
    /// How often the export worker looks for queued access exports; zero runs none here.
    pub export_poll: Duration,
}

impl std::fmt::Debug for Config {
    // Written by hand so that the secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("bind", &self.bind)
            .field("backend", &self.database.backend())
            .field("pool_size", &self.database.pool_size)
            .field("smtp_configured", &self.smtp_url.is_some())
            .field("public_base_url", &self.public_base_url)
            .field("log_level", &self.log_level)
            .finish_non_exhaustive()
    }
}

/// A configuration error names the variable and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn invalid(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: message.into(),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests can vary it without touching the process.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let environment = match get("OUDERPORTAAL_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(invalid(
                    "OUDERPORTAAL_ENV",
                    format!("must be `development` or `production`, not `{other}`"),
                ));
            }
        };

        let bind = parse_or(
            get("OUDERPORTAAL_BIND"),
            "127.0.0.1:8080",
            "OUDERPORTAAL_BIND",
        )?;

        let url = get("DATABASE_URL").unwrap_or_else(|| "ouderportaal.db".to_owned());
        let pool_size: u32 = parse_or(
            get("OUDERPORTAAL_DB_POOL_SIZE"),
            "10",
            "OUDERPORTAAL_DB_POOL_SIZE",
        )?;
        if pool_size == 0 {
            return Err(invalid("OUDERPORTAAL_DB_POOL_SIZE", "must be at least 1"));
        }
        let connect_timeout = millis(
            get("OUDERPORTAAL_DB_CONNECT_TIMEOUT_MS"),
            "5000",
            "OUDERPORTAAL_DB_CONNECT_TIMEOUT_MS",
        )?;
        let statement_timeout = millis(
            get("OUDERPORTAAL_DB_STATEMENT_TIMEOUT_MS"),
            "10000",
            "OUDERPORTAAL_DB_STATEMENT_TIMEOUT_MS",
        )?;

        let jwt_secret = jwt_secret(&get, environment)?;
        let access_token_ttl = Duration::from_secs(parse_or(
            get("OUDERPORTAAL_ACCESS_TOKEN_TTL_SECS"),
            "900",
            "OUDERPORTAAL_ACCESS_TOKEN_TTL_SECS",
        )?);

        let smtp_url = get("OUDERPORTAAL_SMTP_URL");
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(invalid(
                    "OUDERPORTAAL_SMTP_URL",
                    "must start with smtp:// or smtps://",
                ));
            }
        } else if environment == Environment::Production {
            return Err(invalid(
                "OUDERPORTAAL_SMTP_URL",
                "is required in production",
            ));
        }

        let public_base_url = get("OUDERPORTAAL_PUBLIC_BASE_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_base_url.starts_with("http://") || public_base_url.starts_with("https://")) {
            return Err(invalid(
                "OUDERPORTAAL_PUBLIC_BASE_URL",
                "must be an http:// or https:// URL",
            ));
        }
        if environment == Environment::Production && !public_base_url.starts_with("https://") {
            return Err(invalid(
                "OUDERPORTAAL_PUBLIC_BASE_URL",
                "must be https:// in production",
            ));
        }

        let log_level = get("OUDERPORTAAL_LOG").unwrap_or_else(|| "info".to_owned());
        let max_body_bytes = parse_or(
            get("OUDERPORTAAL_MAX_BODY_BYTES"),
            "262144",
            "OUDERPORTAAL_MAX_BODY_BYTES",
        )?;
        let workers = parse_or(get("OUDERPORTAAL_WORKERS"), "0", "OUDERPORTAAL_WORKERS")?;
        let max_roster_bytes = parse_or(
            get("OUDERPORTAAL_MAX_ROSTER_BYTES"),
            "67108864",
            "OUDERPORTAAL_MAX_ROSTER_BYTES",
        )?;
        let rate_limit_per_minute: std::num::NonZeroU32 = parse_or(
            get("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE"),
            "600",
            "OUDERPORTAAL_RATE_LIMIT_PER_MINUTE",
        )?;
        if rate_limit_per_minute.get() > MAX_RATE_LIMIT {
            return Err(invalid(
                "OUDERPORTAAL_RATE_LIMIT_PER_MINUTE",
                "must be at most 1000000",
            ));
        }
        let proxies = crate::client::Proxies {
            trust_peer: parse_or(
                get("OUDERPORTAAL_TRUST_PROXY"),
                "false",
                "OUDERPORTAAL_TRUST_PROXY",
            )?,
            networks: get("OUDERPORTAAL_TRUSTED_PROXIES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<ipnet::IpNet>()
                        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| {
                            invalid(
                                "OUDERPORTAAL_TRUSTED_PROXIES",
                                "must be a comma-separated list of addresses or networks (CIDR)",
                            )
                        })
                })
                .collect::<Result<_, _>>()?,
        };

        // 0 caches nothing.
        let caller_cache = Duration::from_millis(parse_or(
            get("OUDERPORTAAL_CALLER_CACHE_MS"),
            "5000",
            "OUDERPORTAAL_CALLER_CACHE_MS",
        )?);
        if caller_cache > Duration::from_secs(60) {
            return Err(invalid(
                "OUDERPORTAAL_CALLER_CACHE_MS",
                "must be at most 60000: a change of roles must take effect within seconds",
            ));
        }

        // 0 checks every request's session in the database.
        let session_feed_poll = Duration::from_millis(parse_or(
            get("OUDERPORTAAL_SESSION_FEED_MS"),
            "1000",
            "OUDERPORTAAL_SESSION_FEED_MS",
        )?);
        if session_feed_poll > Duration::from_secs(10) {
            return Err(invalid(
                "OUDERPORTAAL_SESSION_FEED_MS",
                "must be at most 10000: a logout must take effect everywhere within seconds",
            ));
        }

        let mail_from = get("OUDERPORTAAL_MAIL_FROM")
            .unwrap_or_else(|| "Ouderportaal <noreply@ouderportaal.invalid>".to_owned());
        if !mail_from.contains('@') {
            return Err(invalid(
                "OUDERPORTAAL_MAIL_FROM",
                "must contain an e-mail address",
            ));
        }
        let outbox_poll = millis(
            get("OUDERPORTAAL_OUTBOX_POLL_MS"),
            "2000",
            "OUDERPORTAAL_OUTBOX_POLL_MS",
        )?;
        // 0 runs no notification worker here (tests drive it; an instance may serve requests only).
        let notify_poll = Duration::from_millis(parse_or(
            get("OUDERPORTAAL_NOTIFY_POLL_MS"),
            "500",
            "OUDERPORTAAL_NOTIFY_POLL_MS",
        )?);
        let outbox_retry_base = millis(
            get("OUDERPORTAAL_OUTBOX_RETRY_BASE_MS"),
            "30000",
            "OUDERPORTAAL_OUTBOX_RETRY_BASE_MS",
        )?;
        let roster_fetch_poll = millis(
            get("OUDERPORTAAL_ROSTER_FETCH_POLL_MS"),
            "60000",
            "OUDERPORTAAL_ROSTER_FETCH_POLL_MS",
        )?;
        // Off in production: a school admin's URL must not reach the server's own network; an
        // on-premises LAS is allowed by setting it explicitly.
        let roster_fetch_private_networks = parse_or(
            get("OUDERPORTAAL_ROSTER_FETCH_PRIVATE_NETWORKS"),
            if environment == Environment::Production {
                "false"
            } else {
                "true"
            },
            "OUDERPORTAAL_ROSTER_FETCH_PRIVATE_NETWORKS",
        )?;
        let roster_fetch_timeout = millis(
            get("OUDERPORTAAL_ROSTER_FETCH_TIMEOUT_MS"),
            "60000",
            "OUDERPORTAAL_ROSTER_FETCH_TIMEOUT_MS",
        )?;

        let retention_purge = parse_or(
            get("OUDERPORTAAL_RETENTION_PURGE"),
            "true",
            "OUDERPORTAAL_RETENTION_PURGE",
        )?;
        let webhook_poll = millis(
            get("OUDERPORTAAL_WEBHOOK_POLL_MS"),
            "2000",
            "OUDERPORTAAL_WEBHOOK_POLL_MS",
        )?;
        let webhook_timeout = millis(
            get("OUDERPORTAAL_WEBHOOK_TIMEOUT_MS"),
            "10000",
            "OUDERPORTAAL_WEBHOOK_TIMEOUT_MS",
        )?;
        if webhook_timeout > Duration::from_secs(60) {
            return Err(invalid(
                "OUDERPORTAAL_WEBHOOK_TIMEOUT_MS",
                "must be at most 60000: a slow receiver must not hold the worker",
            ));
        }
        // Off in production, as for roster URLs: a school admin's URL must not reach the server's
        // own network.
        let webhook_private_networks = parse_or(
            get("OUDERPORTAAL_WEBHOOK_PRIVATE_NETWORKS"),
            if environment == Environment::Production {
                "false"
            } else {
                "true"
            },
            "OUDERPORTAAL_WEBHOOK_PRIVATE_NETWORKS",
        )?;

        // 0 runs no export worker in this instance (another instance collects the jobs).
        let export_poll = Duration::from_millis(parse_or(
            get("OUDERPORTAAL_EXPORT_POLL_MS"),
            "2000",
            "OUDERPORTAAL_EXPORT_POLL_MS",
        )?);

        Ok(Config {
            environment,
            bind,
            database: DbSettings {
                url,
                pool_size,
                connect_timeout,
                statement_timeout,
            },
            jwt_secret,
            access_token_ttl,
            smtp_url,
            public_base_url,
            log_level,
            max_body_bytes,
            max_roster_bytes,
            workers,
            rate_limit_per_minute,
            proxies,
            caller_cache,
            session_feed_poll,
            mail_from,
            outbox_poll,
            notify_poll,
            retention_purge,
            outbox_retry_base,
            roster_fetch_poll,
            roster_fetch_timeout,
            roster_fetch_private_networks,
            webhook_poll,
            webhook_timeout,
            webhook_private_networks,
            export_poll,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_run_on_sqlite_on_localhost() {
        let config = config(&[]).map_err(|e| e.to_string());
        let config = config
            .as_ref()
            .map(|c| (c.bind.to_string(), c.database.url.clone()));
        assert_eq!(
            config,
            Ok(("127.0.0.1:8080".to_owned(), "ouderportaal.db".to_owned()))
        );
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let err = config(&[("OUDERPORTAAL_BIND", "not an address")]).err();
        assert_eq!(err.map(|e| e.variable), Some("OUDERPORTAAL_BIND"));
        let err = config(&[("OUDERPORTAAL_DB_POOL_SIZE", "0")]).err();
        assert_eq!(err.map(|e| e.variable), Some("OUDERPORTAAL_DB_POOL_SIZE"));
        let err = config(&[("OUDERPORTAAL_SMTP_URL", "http://mail")]).err();
        assert_eq!(err.map(|e| e.variable), Some("OUDERPORTAAL_SMTP_URL"));
    }

    #[test]
    fn production_refuses_the_development_secret() {
        let err = config(&[
            ("OUDERPORTAAL_ENV", "production"),
            ("OUDERPORTAAL_SMTP_URL", "smtp://mail.example.nl"),
            ("OUDERPORTAAL_PUBLIC_BASE_URL", "https://portal.example.nl"),
        ])
        .err();
        assert_eq!(err.map(|e| e.variable), Some("OUDERPORTAAL_JWT_SECRET"));
    }

    #[test]
    fn production_accepts_a_secret_of_its_own() {
        let secret = "a-production-secret-that-is-long-enough-0123456789";
        let config = config(&[
            ("OUDERPORTAAL_ENV", "production"),
            ("OUDERPORTAAL_JWT_SECRET", secret),
            ("OUDERPORTAAL_SMTP_URL", "smtp://mail.example.nl"),
            ("OUDERPORTAAL_PUBLIC_BASE_URL", "https://portal.example.nl"),
        ]);
        assert_eq!(
            config.map(|c| c.jwt_secret).ok(),
            Some(secret.as_bytes().to_vec())
        );
    }

    #[test]
    fn webhooks_reach_private_networks_only_where_allowed() {
        let production = [
            ("OUDERPORTAAL_ENV", "production"),
            (
                "OUDERPORTAAL_JWT_SECRET",
                "a-production-secret-that-is-long-enough-0123456789",
            ),
            ("OUDERPORTAAL_SMTP_URL", "smtp://mail.example.nl"),
            ("OUDERPORTAAL_PUBLIC_BASE_URL", "https://portal.example.nl"),
        ];
        let config = config(&production).map(|c| c.webhook_private_networks);
        assert_eq!(config.ok(), Some(false));
        let config = config_with(&[("OUDERPORTAAL_WEBHOOK_PRIVATE_NETWORKS", "false")]);
        assert_eq!(config.ok(), Some(false));
        assert_eq!(config_with(&[]).ok(), Some(true), "development");
        let err = config_with(&[("OUDERPORTAAL_WEBHOOK_TIMEOUT_MS", "600000")]).err();
        assert_eq!(
            err.map(|e| e.variable),
            Some("OUDERPORTAAL_WEBHOOK_TIMEOUT_MS")
        );
    }

    fn config_with(vars: &[(&str, &str)]) -> Result<bool, ConfigError> {
        config(vars).map(|c| c.webhook_private_networks)
    }

    #[test]
    fn short_secrets_are_refused() {
        let err = config(&[("OUDERPORTAAL_JWT_SECRET", "short")]).err();
        assert_eq!(err.map(|e| e.variable), Some("OUDERPORTAAL_JWT_SECRET"));
    }

    #[test]
    fn the_secret_never_appears_in_debug_output() {
        let secret = "a-secret-that-must-not-be-printed-0123456789";
        let shown = config(&[("OUDERPORTAAL_JWT_SECRET", secret)]).map(|c| format!("{c:?}"));
        assert!(shown.is_ok_and(|text| !text.contains(secret)));
    }
}
