//! Reading single values: numbers and durations with their defaults, and the signing secret.

use std::time::Duration;

use super::{ConfigError, DEVELOPMENT_JWT_SECRET, Environment, MIN_SECRET_BYTES, invalid};

pub(super) fn jwt_secret(
    get: &impl Fn(&str) -> Option<String>,
    environment: Environment,
) -> Result<Vec<u8>, ConfigError> {
    let secret = match (
        get("OUDERPORTAAL_JWT_SECRET"),
        get("OUDERPORTAAL_JWT_SECRET_FILE"),
    ) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "OUDERPORTAAL_JWT_SECRET",
                "set either it or OUDERPORTAAL_JWT_SECRET_FILE, not both",
            ));
        }
        (Some(secret), None) => secret.into_bytes(),
        (None, Some(path)) => std::fs::read(&path)
            .map_err(|err| {
                invalid(
                    "OUDERPORTAAL_JWT_SECRET_FILE",
                    format!("cannot read {path}: {err}"),
                )
            })?
            .trim_ascii()
            .to_vec(),
        (None, None) => DEVELOPMENT_JWT_SECRET.as_bytes().to_vec(),
    };
    if environment == Environment::Production && secret == DEVELOPMENT_JWT_SECRET.as_bytes() {
        return Err(invalid(
            "OUDERPORTAAL_JWT_SECRET",
            "the development secret is refused in production; set a secret of your own",
        ));
    }
    if secret.len() < MIN_SECRET_BYTES {
        return Err(invalid(
            "OUDERPORTAAL_JWT_SECRET",
            "must be at least 32 bytes",
        ));
    }
    Ok(secret)
}

pub(super) fn parse_or<T: std::str::FromStr>(
    value: Option<String>,
    default: &str,
    variable: &'static str,
) -> Result<T, ConfigError> {
    let raw = value.unwrap_or_else(|| default.to_owned());
    raw.trim()
        .parse()
        .map_err(|_| invalid(variable, format!("`{raw}` is not a valid value")))
}

pub(super) fn millis(
    value: Option<String>,
    default: &str,
    variable: &'static str,
) -> Result<Duration, ConfigError> {
    let ms: u64 = parse_or(value, default, variable)?;
    if ms == 0 {
        return Err(invalid(variable, "must be more than 0"));
    }
    Ok(Duration::from_millis(ms))
}
