//! Signing webhook requests, and verifying a signature as a receiver should (SPEC §6: webhooks for
//! frontends and integrators). Every request carries
//! `Ouderportaal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; the
//! key is the endpoint's secret exactly as it was shown (its UTF-8 bytes). The time is signed
//! with the body, so a receiver that refuses times outside [`REPLAY_WINDOW_SECONDS`] refuses a
//! captured request played again later.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The header with the signature.
pub const SIGNATURE_HEADER: &str = "Ouderportaal-Signature";
/// The header with the event type (`news.published`).
pub const EVENT_HEADER: &str = "Ouderportaal-Event";
/// The header with the delivery's id: the same on every attempt and replay of one delivery.
pub const DELIVERY_HEADER: &str = "Ouderportaal-Delivery";
/// How far a signature's time may lie from the receiver's clock before it refuses the request:
/// long enough for clock skew and a slow network, short enough that a captured request is soon
/// useless. The contract tells receivers to enforce it.
pub const REPLAY_WINDOW_SECONDS: i64 = 300;

/// The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    hex(&mac(secret, timestamp, body).finalize().into_bytes())
}

/// The value of [`SIGNATURE_HEADER`] for a request sent at `timestamp` (unix seconds).
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

/// Why a receiver refuses a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is malformed")]
    Malformed,
    #[error("the signature's time is outside the replay window")]
    Expired,
    #[error("no signature matches")]
    Mismatch,
}

/// What a receiver does with a request: reads `t` and every `v1` from the header, refuses a time
/// further than `tolerance` seconds from `now` (unix seconds), and accepts when one `v1` equals
/// the HMAC of the raw body, compared in constant time.
pub fn verify(
    header: &str,
    secret: &str,
    body: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                );
            }
            Some(("v1", value)) => signatures.push(unhex(value).ok_or(SignatureError::Malformed)?),
            // Other schemes (a future v2) are for other receivers.
            Some(_) => {}
            None => return Err(SignatureError::Malformed),
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > tolerance {
        return Err(SignatureError::Expired);
    }
    let matches = signatures
        .iter()
        // `verify_slice` compares in constant time: no timing tells how much of a guess was right.
        .any(|candidate| mac(secret, timestamp, body).verify_slice(candidate).is_ok());
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length (RFC 2104 §3): there is no error to handle.
    let mut mac = match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_0123456789abcdef";
    const BODY: &[u8] = br#"{"id":"0190f3c2-0000-7000-8000-000000000001","type":"news.published"}"#;
    const T: i64 = 1_764_420_000;

    #[test]
    fn the_mac_is_hmac_sha256_as_published() {
        // RFC 2104 HMAC with SHA-256, the common test vector.
        let mut mac = HmacSha256::new_from_slice(b"key").unwrap();
        mac.update(b"The quick brown fox jumps over the lazy dog");
        assert_eq!(
            hex(&mac.finalize().into_bytes()),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn a_fixed_vector_signs_time_dot_body() {
        // Computed independently: python3 -c "import hmac,hashlib; print(hmac.new(
        //   b'whsec_0123456789abcdef', b'1764420000.' + BODY, hashlib.sha256).hexdigest())"
        let expected = "a9497c0acc3e1737ca6444df1166202c3a126df59ed2ac1800cdc52417fe48fb";
        assert_eq!(sign(SECRET, T, BODY), expected);
        assert_eq!(
            signature_header(SECRET, T, BODY),
            format!("t=1764420000,v1={expected}")
        );
    }

    #[test]
    fn a_signed_request_verifies_within_the_window() {
        let header = signature_header(SECRET, T, BODY);
        let window = REPLAY_WINDOW_SECONDS;
        assert_eq!(verify(&header, SECRET, BODY, T, window), Ok(()));
        assert_eq!(verify(&header, SECRET, BODY, T + window, window), Ok(()));
        assert_eq!(verify(&header, SECRET, BODY, T - window, window), Ok(()));
        assert_eq!(
            verify(&header, SECRET, BODY, T + window + 1, window),
            Err(SignatureError::Expired)
        );
    }

    #[test]
    fn another_body_secret_or_time_does_not_verify() {
        let header = signature_header(SECRET, T, BODY);
        assert_eq!(
            verify(&header, SECRET, b"{}", T, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&header, "whsec_other", BODY, T, 300),
            Err(SignatureError::Mismatch)
        );
        // The time is signed: moving it into the window breaks the signature.
        let moved = header.replace("t=1764420000", "t=1764420100");
        assert_eq!(
            verify(&moved, SECRET, BODY, T + 100, 300),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn one_matching_signature_among_several_is_enough() {
        let good = sign(SECRET, T, BODY);
        let header = format!("t={T},v1={},v1={good},v0=ignored", "00".repeat(32));
        assert_eq!(verify(&header, SECRET, BODY, T, 300), Ok(()));
    }

    #[test]
    fn malformed_headers_are_refused() {
        for header in [
            "",
            "t=abc,v1=00",
            "v1=00",
            "t=1764420000",
            "t=1764420000,v1=xyz",
            "t=1764420000,v1=0",
            "garbage",
        ] {
            assert_eq!(
                verify(header, SECRET, BODY, T, 300),
                Err(SignatureError::Malformed),
                "{header}"
            );
        }
    }
}
