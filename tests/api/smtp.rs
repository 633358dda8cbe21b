//! A real SMTP server on loopback, started by the test itself (mailin-embedded), that keeps what
//! it receives for the test to read.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{Handler, Response, Server, response};

/// One message as received: envelope recipients and the raw data (headers and body).
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

impl Mail {
    /// The body with quoted-printable soft line breaks undone, for finding links.
    pub fn text(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }

    /// The value of `#token=` in the message's link.
    pub fn token(&self) -> String {
        let text = self.text();
        let start = text.find("#token=").expect("a link with a token") + "#token=".len();
        text[start..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect()
    }
}

#[derive(Clone, Default)]
struct Collector {
    received: Arc<Mutex<Vec<Mail>>>,
    current: Option<Mail>,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Mail {
            to: to.to_vec(),
            data: String::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(mail) = &mut self.current {
            mail.data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(mail) = self.current.take() {
            self.received.lock().unwrap().push(mail);
        }
        response::OK
    }
}

pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    /// Starts a server on a free port.
    pub fn start() -> SmtpSink {
        SmtpSink::listen(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    /// Starts a server on a given port (one that was free).
    pub fn start_on(port: u16) -> SmtpSink {
        SmtpSink::listen(TcpListener::bind(("127.0.0.1", port)).unwrap())
    }

    fn listen(listener: TcpListener) -> SmtpSink {
        let port = listener.local_addr().unwrap().port();
        let collector = Collector::default();
        let received = collector.received.clone();
        let mut server = Server::new(collector);
        server
            .with_name("smtp.test")
            .with_num_threads(16)
            .with_tcp_listener(listener);
        // The server runs until the test process ends.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpSink { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Mail> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `count` messages arrived (at most 10 seconds) and returns all.
    pub async fn wait_for(&self, count: usize) -> Vec<Mail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self.messages();
            if messages.len() >= count || Instant::now() > deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl SmtpSink {
    /// Waits (at most 10 seconds) for a message whose text contains `needle`.
    pub async fn wait_for_text(&self, needle: &str) -> Option<Mail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .messages()
                .into_iter()
                .find(|m| m.text().contains(needle));
            if found.is_some() || Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
