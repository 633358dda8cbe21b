//! Access tokens: HS256 JWTs with the algorithm pinned and issuer, audience and expiry checked.
//! They carry who the caller is, never personal data (a JWT is readable by anyone holding it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::client::{ClientPrincipal, Scope};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const ISSUER: &str = "ouderportaal";
pub const AUDIENCE: &str = "ouderportaal-api";

/// What kind of principal a token stands for. People's roles are not in the token: they are read
/// from the database on every request, so a role taken away ends at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    /// A person with an account.
    Person,
    /// An integration client (LAS vendor).
    Client,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The account id.
    pub sub: Uuid,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    pub jti: Uuid,
    pub kind: PrincipalKind,
    /// A person's session; ending the session ends the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
    /// A client's board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<Uuid>,
    /// A client's school, when it is limited to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school: Option<Uuid>,
    /// A client's scopes, space-separated (RFC 8693 `scope` claim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Signing and verification keys, built once from configuration and shared by all workers.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    verified: Arc<Verified>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token rejected: {0}")]
    Rejected(#[from] jsonwebtoken::errors::Error),
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl: Duration) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            verified: Arc::new(Verified::new(validation.leeway)),
            validation,
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A signed access token for the person with this account, in this session.
    pub fn issue(&self, account_id: Uuid, session_id: Uuid) -> Result<String, TokenError> {
        let now = jsonwebtoken::get_current_timestamp();
        let kind = PrincipalKind::Person;
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: account_id,
            iat: now,
            nbf: now,
            exp: now + self.ttl.as_secs(),
            jti: Uuid::new_v4(),
            kind,
            sid: Some(session_id),
            board: None,
            school: None,
            scope: None,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// A signed access token for an integration client, with the scopes it was granted.
    pub fn issue_client(&self, client: &ClientPrincipal) -> Result<String, TokenError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: client.client_id,
            iat: now,
            nbf: now,
            exp: now + self.ttl.as_secs(),
            jti: Uuid::new_v4(),
            kind: PrincipalKind::Client,
            sid: None,
            board: Some(client.board_id),
            school: client.school_id,
            scope: Some(Scope::join(&client.scopes)),
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The claims of a valid token. Any other algorithm (including `none`), a wrong signature,
    /// issuer or audience, or an expired token is rejected.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let now = jsonwebtoken::get_current_timestamp();
        if let Some(claims) = self.verified.get(token, now) {
            return Ok(claims);
        }
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)?.claims;
        self.verified.put(token, &claims);
        Ok(claims)
    }
}

/// Tokens this instance verified already: a token presented again costs a lookup instead of an
/// HMAC and a JSON parse (8 % of a pupil read's CPU, in a profile). The same string verifies the
/// same way until it expires, so an entry is used only until the token's expiry (with the
/// validation's leeway). Only verified tokens are kept; a token is the key as a whole.
struct Verified {
    leeway: u64,
    entries: Mutex<HashMap<Box<str>, Claims>>,
}

/// Tokens kept at most; beyond it the expired ones go, and if need be all.
const VERIFIED_CAPACITY: usize = 100_000;

impl Verified {
    fn new(leeway: u64) -> Verified {
        Verified {
            leeway,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, token: &str, now: u64) -> Option<Claims> {
        let entries = self.entries.lock().ok()?;
        let claims = entries.get(token)?;
        (now <= claims.exp.saturating_add(self.leeway)).then(|| claims.clone())
    }

    fn put(&self, token: &str, claims: &Claims) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= VERIFIED_CAPACITY {
            let now = jsonwebtoken::get_current_timestamp();
            let leeway = self.leeway;
            entries.retain(|_, kept| now <= kept.exp.saturating_add(leeway));
            if entries.len() >= VERIFIED_CAPACITY {
                entries.clear();
            }
        }
        entries.insert(token.into(), claims.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";

    #[test]
    fn an_issued_token_verifies_to_its_account() {
        let keys = TokenKeys::new(SECRET, Duration::from_secs(60));
        let account = Uuid::new_v4();
        let token = keys.issue(account, Uuid::new_v4()).unwrap();
        assert_eq!(keys.verify(&token).unwrap().sub, account);
    }

    #[test]
    fn a_token_verified_before_is_taken_from_memory_until_it_expires() {
        let keys = TokenKeys::new(SECRET, Duration::from_secs(60));
        let token = keys.issue(Uuid::new_v4(), Uuid::new_v4()).unwrap();
        let claims = keys.verify(&token).unwrap();
        let leeway = keys.validation.leeway;
        assert!(keys.verified.get(&token, claims.exp + leeway).is_some());
        assert!(
            keys.verified.get(&token, claims.exp + leeway + 1).is_none(),
            "not past its expiry"
        );
        let mut tampered = token.clone();
        tampered.push('x');
        assert!(keys.verified.get(&tampered, claims.iat).is_none());
        assert!(
            keys.verify(&tampered).is_err(),
            "another string is verified anew"
        );
    }

    #[test]
    fn a_token_signed_with_another_secret_is_rejected() {
        let theirs = TokenKeys::new(
            b"another-secret-another-secret-another",
            Duration::from_secs(60),
        );
        let ours = TokenKeys::new(SECRET, Duration::from_secs(60));
        let token = theirs.issue(Uuid::new_v4(), Uuid::new_v4()).unwrap();
        assert!(ours.verify(&token).is_err());
    }

    #[test]
    fn an_unsigned_token_is_rejected() {
        let keys = TokenKeys::new(SECRET, Duration::from_secs(60));
        let token = keys.issue(Uuid::new_v4(), Uuid::new_v4()).unwrap();
        let mut parts = token.split('.');
        let (_, payload) = (parts.next(), parts.next().unwrap());
        // {"alg":"none","typ":"JWT"}
        let forged = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(keys.verify(&forged).is_err());
    }
}
