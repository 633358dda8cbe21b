//! Access tokens: HS256 JWTs with the algorithm pinned and issuer, audience and expiry checked.
//! They carry who the caller is, never personal data (a JWT is readable by anyone holding it).

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
        Ok(decode::<Claims>(token, &self.decoding, &self.validation)?.claims)
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
