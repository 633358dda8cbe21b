//! The live stream (SPEC §6, issue #10): open apps hold a `text/event-stream` per signed-in person
//! and hear of each new inbox item as it is written, as a reference only (the item, the event's
//! kind and the object's id; never names or content), which the app fetches with its token.
//!
//! Any instance may fan an event out, and the person's stream may be open on any other: on
//! PostgreSQL the fan-out's transaction NOTIFYs the event id on commit and every instance LISTENs
//! on one dedicated connection; on SQLite (one instance) the fan-out hands the id over in-process.
//! Each instance then reads the event's items for the people with a stream open there. The stream
//! is a hint, not the record: a notification missed while reconnecting is still in the inbox.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web::{self, Bytes};
use persistence::notify::{InboxItem, InboxListener, items_of_event};
use persistence::{Backend, Database};
use serde::Serialize;
use tokio::sync::mpsc;

/// Messages a slow reader may have waiting before more are dropped (it refetches the inbox).
const STREAM_BUFFER: usize = 64;
/// Streams one account may hold open on one instance.
const STREAMS_PER_ACCOUNT: usize = 5;
/// How often the PostgreSQL listener reads its socket for notifications.
const LISTEN_POLL: Duration = Duration::from_millis(50);

/// What a stream carries for each new inbox item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LiveNotification {
    /// The inbox item (`GET /api/v1/me/notifications` lists it).
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    /// The event's kind, as in webhooks.
    #[schema(max_length = 64, pattern = "^[a-z_]+\\.[a-z_]+$")]
    pub r#type: String,
    pub object: LiveObject,
}

/// The object an event is about, by reference.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LiveObject {
    #[schema(max_length = 32, pattern = "^[a-z_]+$")]
    pub kind: String,
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
}

impl LiveNotification {
    fn of(item: &InboxItem) -> LiveNotification {
        let kind = domain::notify::EventKind::parse(&item.kind)
            .map_or("unknown", domain::notify::EventKind::object_kind);
        LiveNotification {
            id: item.id.clone(),
            r#type: item.kind.clone(),
            object: LiveObject {
                kind: kind.to_owned(),
                id: item.object_id.clone(),
            },
        }
    }

    /// The server-sent event that carries it.
    fn frame(&self) -> Bytes {
        let data = serde_json::to_string(self).unwrap_or_default();
        Bytes::from(format!(
            "id: {}\nevent: notification\ndata: {data}\n\n",
            self.id
        ))
    }
}

/// This instance's open streams, by account.
pub struct LiveHub {
    streams: Mutex<HashMap<String, Vec<mpsc::Sender<Bytes>>>>,
    reached: mpsc::UnboundedSender<String>,
}

impl LiveHub {
    /// Starts relaying: on PostgreSQL a listener thread on its own connection, and a task that
    /// pushes each reached event to the streams open here.
    pub fn start(db: Database, database_url: &str) -> Arc<LiveHub> {
        let (reached, events) = mpsc::unbounded_channel();
        let hub = Arc::new(LiveHub {
            streams: Mutex::new(HashMap::new()),
            reached,
        });
        if db.backend() == Backend::Postgres {
            listen(database_url.to_owned(), hub.reached.clone());
        }
        tokio::spawn(relay(Arc::downgrade(&hub), db, events));
        hub
    }

    /// Opens a stream for the account.
    pub fn subscribe(&self, account_id: &str) -> mpsc::Receiver<Bytes> {
        let (sender, receiver) = mpsc::channel(STREAM_BUFFER);
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        streams.retain(|_, senders| {
            senders.retain(|s| !s.is_closed());
            !senders.is_empty()
        });
        let senders = streams.entry(account_id.to_owned()).or_default();
        // A person's apps hold a few streams; one holding ever more (a loop, a stolen token) must
        // not hold ever more memory: the oldest beyond the bound is ended.
        if senders.len() >= STREAMS_PER_ACCOUNT {
            senders.remove(0);
        }
        senders.push(sender);
        receiver
    }

    /// Tells this instance an event reached people (SQLite; PostgreSQL tells by NOTIFY).
    pub fn reached(&self, event_id: String) {
        let _ = self.reached.send(event_id);
    }

    fn open_accounts(&self) -> Vec<String> {
        let streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        streams
            .iter()
            .filter(|(_, senders)| senders.iter().any(|s| !s.is_closed()))
            .map(|(account, _)| account.clone())
            .collect()
    }

    fn push(&self, account_id: &str, frame: &Bytes) {
        let streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        for sender in streams.get(account_id).into_iter().flatten() {
            // A full buffer drops the hint; the app still finds the item in the inbox.
            let _ = sender.try_send(frame.clone());
        }
    }
}

async fn relay(
    hub: std::sync::Weak<LiveHub>,
    db: Database,
    mut events: mpsc::UnboundedReceiver<String>,
) {
    while let Some(event_id) = events.recv().await {
        let Some(hub) = hub.upgrade() else { return };
        let accounts = hub.open_accounts();
        if accounts.is_empty() {
            continue;
        }
        let db = db.clone();
        let items = web::block(move || {
            let mut conn = db.get()?;
            items_of_event(&mut conn, &event_id, &accounts)
        })
        .await;
        match items {
            Ok(Ok(items)) => {
                for (account, item) in items {
                    hub.push(&account, &LiveNotification::of(&item).frame());
                }
            }
            Ok(Err(err)) => log::warn!("live: reading an event's items failed: {err}"),
            Err(err) => log::warn!("live: {err}"),
        }
    }
}

/// LISTENs on a dedicated connection (reconnecting when it drops) and forwards each event id
/// until the hub is gone.
fn listen(url: String, reached: mpsc::UnboundedSender<String>) {
    std::thread::spawn(move || {
        while !reached.is_closed() {
            let mut listener = match InboxListener::connect(&url) {
                Ok(listener) => listener,
                Err(err) => {
                    log::warn!("live: cannot listen: {err}");
                    std::thread::sleep(Duration::from_secs(1));
                    continue;
                }
            };
            while !reached.is_closed() {
                match listener.poll() {
                    Ok(events) => {
                        for event in events {
                            let _ = reached.send(event);
                        }
                    }
                    Err(err) => {
                        log::warn!("live: listener lost its connection: {err}");
                        break;
                    }
                }
                std::thread::sleep(LISTEN_POLL);
            }
        }
    });
}
