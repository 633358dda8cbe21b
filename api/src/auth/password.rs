//! Password hashing with argon2id (the crate's default algorithm and OWASP-recommended parameters),
//! on a few threads of its own that each reuse one working memory.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, mpsc};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::error::ApiError;

/// Length limits: a floor against guessing, a ceiling so hashing cannot be used to burn CPU.
pub const MIN_PASSWORD_LENGTH: usize = 12;
pub const MAX_PASSWORD_LENGTH: usize = 128;

/// A hash of a password nobody has, verified when the account does not exist, so a failed login
/// takes as long for an unknown e-mail address as for a wrong password.
static DUMMY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| hash("not-a-real-password-for-timing-only").ok());

thread_local! {
    /// The argon2 working memory (19 MiB with the default parameters) of this thread, kept and
    /// reused: allocating a fresh block for every hash fragments the allocator's arenas, and a
    /// server's memory then grows by a block per sign-in.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 into `out` on this thread's working memory.
fn compute(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    BLOCKS.with_borrow_mut(|blocks| {
        blocks.resize(params.block_count(), Block::default());
        argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..])
    })
}

/// Hashes a new password with argon2id (the crate's defaults: OWASP's recommended parameters) and
/// a random salt, as a PHC string.
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|err| err.to_string())?;
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(&argon, &params, password.as_bytes(), &salt, &mut out).map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
        salt: Some(Salt::new(&salt).map_err(|e| e.to_string())?),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// True when `password` matches `stored`; a malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(phc.algorithm.as_str()),
        Params::try_from(&phc),
    ) else {
        return false;
    };
    let version = match phc.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    if compute(&argon, &params, password.as_bytes(), salt, &mut out).is_err() {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|computed| computed == *expected)
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
/// unbounded parallel sign-ins would exhaust memory. Hashes run on a few threads of their own
/// (about the number of cores; more would not finish sooner), so at most that many blocks are in
/// use and the allocator keeps at most that many around; at most `queue` more wait, and beyond
/// that the caller is answered 503 with `Retry-After` at once.
pub struct HashingGate {
    jobs: Mutex<mpsc::Sender<Job>>,
    admitted: Arc<Semaphore>,
    computed: AtomicU64,
}

type Job = Box<dyn FnOnce() + Send>;

/// A place in the queue; taken before any other work of the request, so a refusal costs nothing.
pub struct Admission<'a> {
    gate: &'a HashingGate,
    admitted: OwnedSemaphorePermit,
}

impl HashingGate {
    pub fn new(threads: usize, queue: usize) -> HashingGate {
        let threads = threads.max(1);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("password-hashing-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only to take a job; the gate's end ends the thread.
                        let job = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(err) = spawned {
                log::error!("password hashing: no thread: {err}");
            }
        }
        HashingGate {
            jobs: Mutex::new(sender),
            admitted: Arc::new(Semaphore::new(threads + queue)),
            computed: AtomicU64::new(0),
        }
    }

    /// As many hashing threads as there are cores, and a queue of eight per core.
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
    /// Runs the hashing work on a hashing thread and waits for it. The place in the queue moves
    /// into the job: a client that hangs up does not free the place of a hash still to run.
    pub async fn run<T, F>(self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let admitted = self.admitted;
        let job: Job = Box::new(move || {
            let _place = admitted;
            let _ = done.send(work());
        });
        self.gate
            .jobs
            .lock()
            .map_err(|_| ApiError::internal("password hashing is unavailable"))?
            .send(job)
            .map_err(ApiError::internal)?;
        self.gate.computed.fetch_add(1, Ordering::Relaxed);
        result.await.map_err(ApiError::internal)
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
    fn hashes_are_standard_phc_strings_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery staple")
            .unwrap()
            .to_string();
        assert!(verify("correct horse battery staple", &theirs));
        let ours = hash("correct horse battery staple").unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery staple", ours.as_str())
                .is_ok()
        );
        assert_ne!(
            ours,
            hash("correct horse battery staple").unwrap(),
            "salted"
        );
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
