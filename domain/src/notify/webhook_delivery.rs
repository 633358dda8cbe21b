//! What a webhook endpoint subscribes to, and what happens when a delivery fails: retries with
//! back-off, and an endpoint that keeps failing is switched off until a school admin turns it on
//! again (SPEC §6; the e-mail outbox's retries are in [`crate::mail`]).

use chrono::{Duration, NaiveDateTime};

use super::EventKind;
use crate::Invalid;

/// The wait after each failed attempt of one delivery: 30 s, 2 min, 10 min, 1 h, 6 h. A receiver
/// that is restarting is reached within the minute, one that is down for a deploy within the
/// hour, and one down for a working day still gets the delivery: six attempts over some 7 hours.
pub const RETRY_DELAYS_SECONDS: [i64; 5] = [30, 120, 600, 3_600, 21_600];

/// Attempts of one delivery before it is given up (exhausted): the first and one per delay.
pub const MAX_ATTEMPTS: u32 = RETRY_DELAYS_SECONDS.len() as u32 + 1;

/// Deliveries exhausted one after another, none delivered in between, after which the endpoint
/// is disabled. Counted in exhausted deliveries, not in attempts: every one of them failed for
/// some 7 hours, so a receiver that is down for a moment while many events come in is not
/// switched off, and one that is gone for good stops costing attempts after its fifth event.
pub const DISABLE_AFTER_EXHAUSTED: i32 = 5;

/// When to try a delivery again after its `attempts_made`-th attempt failed at `now`; `None`
/// when that was the last attempt (the delivery is exhausted).
pub fn next_attempt_at(now: NaiveDateTime, attempts_made: u32) -> Option<NaiveDateTime> {
    let index = usize::try_from(attempts_made.checked_sub(1)?).ok()?;
    RETRY_DELAYS_SECONDS
        .get(index)
        .map(|&seconds| now + Duration::seconds(seconds))
}

/// Whether an endpoint with this many exhausted deliveries in a row is to be disabled.
pub fn disables(exhausted_in_a_row: i32) -> bool {
    exhausted_in_a_row >= DISABLE_AFTER_EXHAUSTED
}

/// The event types an endpoint subscribes to: at least one, each once, in catalogue order.
pub fn subscription(kinds: &[EventKind]) -> Result<Vec<EventKind>, Invalid> {
    if kinds.is_empty() {
        return Err(Invalid::new(
            "required",
            "must name at least one event type",
        ));
    }
    let mut kinds = kinds.to_vec();
    kinds.sort();
    kinds.dedup();
    Ok(kinds)
}

/// Event types as stored: their wire forms, space-separated.
pub fn join_kinds(kinds: &[EventKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads [`join_kinds`]' form; a type this version does not know is an error, never skipped.
pub fn parse_kinds(stored: &str) -> Result<Vec<EventKind>, String> {
    stored
        .split_whitespace()
        .map(|k| EventKind::parse(k).ok_or_else(|| format!("unknown event type `{k}`")))
        .collect()
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting for its first attempt or a retry (or replayed).
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed; given up until replayed.
    Failed,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 3] = [
        DeliveryState::Pending,
        DeliveryState::Delivered,
        DeliveryState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<DeliveryState> {
        DeliveryState::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// Why an endpoint is disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisabledReason {
    /// [`DISABLE_AFTER_EXHAUSTED`] deliveries in a row were given up.
    Failing,
    /// A school admin switched it off.
    ByAdmin,
}

impl DisabledReason {
    pub const ALL: [DisabledReason; 2] = [DisabledReason::Failing, DisabledReason::ByAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            DisabledReason::Failing => "failing",
            DisabledReason::ByAdmin => "by_admin",
        }
    }

    pub fn parse(value: &str) -> Option<DisabledReason> {
        DisabledReason::ALL
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

/// Why an attempt failed, as recorded and shown to the school's admins. Never the receiver's
/// answer body, and never more than this class (the detail goes to the server log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureClass {
    /// The receiver answered, with a status other than 2xx (redirects are not followed).
    HttpStatus,
    /// No answer within the time limit.
    Timeout,
    /// No connection (refused, no route, DNS).
    Connect,
    /// The URL, or every address its host resolves to, is not one the portal may send to.
    RefusedAddress,
    /// Anything else on the way (TLS, a broken answer).
    Request,
    /// Where private networks are allowed: every network failure reads the same, so that an
    /// admin's URL cannot tell an open port from a closed one on the server's network.
    Unreachable,
}

impl FailureClass {
    pub const ALL: [FailureClass; 6] = [
        FailureClass::HttpStatus,
        FailureClass::Timeout,
        FailureClass::Connect,
        FailureClass::RefusedAddress,
        FailureClass::Request,
        FailureClass::Unreachable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::HttpStatus => "http_status",
            FailureClass::Timeout => "timeout",
            FailureClass::Connect => "connect",
            FailureClass::RefusedAddress => "refused_address",
            FailureClass::Request => "request",
            FailureClass::Unreachable => "unreachable",
        }
    }

    pub fn parse(value: &str) -> Option<FailureClass> {
        FailureClass::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The class recorded for a network failure: where private networks are allowed, one
    /// class for all of them (see [`FailureClass::Unreachable`]).
    pub fn shown(self, private_networks: bool) -> FailureClass {
        match self {
            FailureClass::Timeout | FailureClass::Connect | FailureClass::Request
                if private_networks =>
            {
                FailureClass::Unreachable
            }
            other => other,
        }
    }
}

/// Whether a receiver's status means delivered: 2xx only (a redirect is not followed, so it is
/// a failure the admin sees with its status).
pub fn delivered(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The longest description an admin may give an endpoint.
pub const DESCRIPTION_MAX_CHARS: usize = 500;

/// An endpoint's description: trimmed, at most [`DESCRIPTION_MAX_CHARS`], no control
/// characters; blank is none.
pub fn description(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > DESCRIPTION_MAX_CHARS {
        return Err(Invalid::new(
            "too_long",
            format!("must be at most {DESCRIPTION_MAX_CHARS} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Invalid::new(
            "invalid_characters",
            "must not contain control characters",
        ));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 29)
            .and_then(|d| d.and_hms_opt(16, 0, 0))
            .unwrap()
    }

    #[test]
    fn retries_back_off_30s_2min_10min_1h_6h_then_give_up() {
        let waits: Vec<Option<i64>> = (1..=7)
            .map(|n| next_attempt_at(at(), n).map(|next| (next - at()).num_seconds()))
            .collect();
        assert_eq!(
            waits,
            [
                Some(30),
                Some(120),
                Some(600),
                Some(3_600),
                Some(21_600),
                None,
                None
            ]
        );
        assert_eq!(MAX_ATTEMPTS, 6);
        assert_eq!(next_attempt_at(at(), 0), None, "no attempt, nothing failed");
    }

    #[test]
    fn the_fifth_exhausted_delivery_in_a_row_disables_the_endpoint() {
        assert!(!disables(0));
        assert!(!disables(4));
        assert!(disables(5));
        assert!(disables(6));
    }

    #[test]
    fn a_subscription_names_each_type_once() {
        let kinds = subscription(&[
            EventKind::ChangeRequestDecided,
            EventKind::NewsPublished,
            EventKind::ChangeRequestDecided,
        ]);
        assert_eq!(
            kinds,
            Ok(vec![
                EventKind::NewsPublished,
                EventKind::ChangeRequestDecided
            ])
        );
        assert_eq!(subscription(&[]).map_err(|e| e.code), Err("required"));
    }

    #[test]
    fn stored_types_read_back_and_unknown_ones_are_errors() {
        let all = join_kinds(&EventKind::ALL);
        assert_eq!(parse_kinds(&all), Ok(EventKind::ALL.to_vec()));
        assert!(parse_kinds("news.published grades.published").is_err());
    }

    #[test]
    fn states_and_reasons_read_back() {
        for state in DeliveryState::ALL {
            assert_eq!(DeliveryState::parse(state.as_str()), Some(state));
        }
        for reason in DisabledReason::ALL {
            assert_eq!(DisabledReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(DeliveryState::parse("sent"), None);
        for class in FailureClass::ALL {
            assert_eq!(FailureClass::parse(class.as_str()), Some(class));
        }
    }

    #[test]
    fn network_failures_read_the_same_where_private_networks_are_allowed() {
        for class in [
            FailureClass::Timeout,
            FailureClass::Connect,
            FailureClass::Request,
        ] {
            assert_eq!(class.shown(true), FailureClass::Unreachable);
            assert_eq!(class.shown(false), class);
        }
        assert_eq!(
            FailureClass::HttpStatus.shown(true),
            FailureClass::HttpStatus
        );
        assert_eq!(
            FailureClass::RefusedAddress.shown(true),
            FailureClass::RefusedAddress
        );
    }

    #[test]
    fn only_2xx_is_delivered() {
        assert!(delivered(200) && delivered(204) && delivered(299));
        assert!(!delivered(301) && !delivered(404) && !delivered(500) && !delivered(199));
    }

    #[test]
    fn descriptions_are_trimmed_bounded_and_printable() {
        assert_eq!(description(None), Ok(None));
        assert_eq!(description(Some("  ")), Ok(None));
        assert_eq!(
            description(Some(" App-koppeling ")),
            Ok(Some("App-koppeling".to_owned()))
        );
        let long = "x".repeat(DESCRIPTION_MAX_CHARS + 1);
        assert_eq!(
            description(Some(&long)).map_err(|e| e.code),
            Err("too_long")
        );
        assert_eq!(
            description(Some("a\u{0}b")).map_err(|e| e.code),
            Err("invalid_characters")
        );
    }
}
