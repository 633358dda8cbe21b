//! A webhook receiver on loopback, as an integrator would run one: it verifies each request's
//! signature with the secret the registration showed (the domain's `verify`, which receivers are
//! told to mirror), records what it got, and answers with the statuses a test scripts.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use domain::notify::webhook::{REPLAY_WINDOW_SECONDS, verify};
use serde_json::Value;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    /// Whether the signature verified with the secret the receiver held then.
    pub verified: bool,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

#[derive(Default)]
struct State {
    secret: String,
    /// Statuses to answer, in order; 200 once they run out (or `always` when set).
    script: VecDeque<u16>,
    always: Option<u16>,
    received: Vec<Received>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl Receiver {
    /// Starts a receiver on a free port of 127.0.0.1.
    pub fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = handle(stream, &shared);
            }
        });
        Receiver {
            url: format!("http://{address}/hooks/ouderportaal"),
            state,
        }
    }

    /// The secret to verify with (from the registration or a rotation).
    pub fn trust(&self, secret: &str) {
        secret.clone_into(&mut self.state.lock().unwrap().secret);
    }

    /// Answers these statuses to the next requests, in order.
    pub fn answer(&self, statuses: &[u16]) {
        self.state.lock().unwrap().script.extend(statuses);
    }

    /// Answers this status to every request from now on.
    pub fn always(&self, status: u16) {
        self.state.lock().unwrap().always = Some(status);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }
}

fn handle(stream: std::net::TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut headers = HashMap::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let status = {
        let mut state = state.lock().unwrap();
        let signature = headers
            .get("ouderportaal-signature")
            .cloned()
            .unwrap_or_default();
        let now = chrono::Utc::now().timestamp();
        let verified = verify(&signature, &state.secret, &body, now, REPLAY_WINDOW_SECONDS).is_ok();
        state.received.push(Received {
            headers,
            body,
            verified,
        });
        let scripted = state.script.pop_front();
        scripted.or(state.always).unwrap_or(200)
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} Status\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
    )?;
    stream.flush()
}
