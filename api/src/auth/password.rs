//! Password hashing with argon2id (the crate's default algorithm and OWASP-recommended parameters).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;

/// Length limits: a floor against guessing, a ceiling so hashing cannot be used to burn CPU.
pub const MIN_PASSWORD_LENGTH: usize = 12;
pub const MAX_PASSWORD_LENGTH: usize = 128;

/// A hash of a password nobody has, verified when the account does not exist, so a failed login
/// takes as long for an unknown e-mail address as for a wrong password.
static DUMMY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| hash("not-a-real-password-for-timing-only").ok());

pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|err| err.to_string())
}

/// True when `password` matches `stored`; a malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// Spends the time of one verification and answers false.
pub fn verify_nothing(password: &str) {
    if let Some(dummy) = DUMMY_HASH.as_deref() {
        let _ = verify(password, dummy);
    }
}

/// Checks a password against an account's stored hash. Every path costs one hash: an account
/// without a password (invited, not yet activated) or no account at all is checked against a
/// dummy, so timing does not tell them apart from a wrong password.
pub fn check(password: &str, stored: Option<&str>) -> bool {
    match stored {
        Some(stored) => verify(password, stored),
        None => {
            verify_nothing(password);
            false
        }
    }
}

/// A bound on password hashing. Each argon2id hash holds about 19 MiB for tens of milliseconds, so
/// unbounded parallel sign-ins would exhaust memory: at most `concurrency` hashes run at once
/// (about the number of cores, more would not finish sooner), at most `queue` more wait, and
/// beyond that the caller is answered 503 with `Retry-After` at once.
pub struct HashingGate {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
    computed: AtomicU64,
}

/// A place in the queue; taken before any other work of the request, so a refusal costs nothing.
pub struct Admission<'a> {
    gate: &'a HashingGate,
    admitted: OwnedSemaphorePermit,
}

impl HashingGate {
    pub fn new(concurrency: usize, queue: usize) -> HashingGate {
        let concurrency = concurrency.max(1);
        HashingGate {
            running: Arc::new(Semaphore::new(concurrency)),
            admitted: Arc::new(Semaphore::new(concurrency + queue)),
            computed: AtomicU64::new(0),
        }
    }

    /// As many hashes at once as there are cores, and a queue of eight per core.
    pub fn for_this_machine() -> HashingGate {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        HashingGate::new(cores, cores * 8)
    }

    /// A place in the queue, or 503 when the queue is full.
    pub fn admit(&self) -> Result<Admission<'_>, ApiError> {
        let admitted = Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map_err(|_| ApiError::Unavailable("password hashing is at capacity".to_owned()))?;
        Ok(Admission {
            gate: self,
            admitted,
        })
    }

    /// Passwords hashed or checked so far (for tests and operations).
    pub fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }
}

impl Admission<'_> {
    /// Runs the hashing work on a blocking thread once a slot is free. The permits move into that
    /// thread: a client that hangs up does not free the slot of a hash still running.
    pub async fn run<T, F>(self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let running = Arc::clone(&self.gate.running)
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        self.gate.computed.fetch_add(1, Ordering::Relaxed);
        let admitted = self.admitted;
        actix_web::web::block(move || {
            let _slots = (running, admitted);
            work()
        })
        .await
        .map_err(ApiError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_own_password_only() {
        let stored = hash("correct horse battery staple").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery staple", &stored));
        assert!(!verify("correct horse battery stapler", &stored));
        assert!(!verify("anything", "not a phc string"));
    }

    #[test]
    fn an_account_without_a_password_never_matches() {
        assert!(!check("anything at all", None));
        let stored = hash("correct horse battery staple").unwrap();
        assert!(check("correct horse battery staple", Some(&stored)));
    }

    #[actix_web::test]
    async fn the_gate_refuses_beyond_its_queue_and_frees_slots_when_done() {
        let gate = HashingGate::new(1, 1);
        let first = gate.admit().unwrap();
        let second = gate.admit().unwrap();
        assert!(matches!(gate.admit(), Err(ApiError::Unavailable(_))));
        assert_eq!(first.run(|| 1).await.unwrap(), 1);
        assert_eq!(second.run(|| 2).await.unwrap(), 2);
        assert!(
            gate.admit().is_ok(),
            "slots are freed when the work is done"
        );
        assert_eq!(gate.computed(), 2);
    }
}
