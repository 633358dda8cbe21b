//! Audit events of reads, written off the request's path: handlers hand them to a writer task that
//! collects them for a few milliseconds and writes them in one statement, instead of a commit per
//! read. Events of changes are not written here: they stay in the change's own transaction.
//!
//! What a crash can lose: the reads of the last few milliseconds and those waiting in the queue
//! (at most [`QUEUE`] events). On a normal shutdown the queue is written before the process ends.
//! A lost read event loses who looked, never data; a change is never lost this way.

use std::sync::Arc;
use std::time::Duration;

use persistence::Database;
use persistence::audit::{self, AuditRow};
use tokio::sync::{mpsc, oneshot};

use crate::db;
use crate::error::ApiError;

/// How long the writer collects events before it writes them.
pub const FLUSH_EVERY: Duration = Duration::from_millis(5);
/// Events that may wait; beyond it a handler writes its event itself (slower, never lost).
pub const QUEUE: usize = 10_000;
/// Events written in one go at most.
const BATCH: usize = 1_000;

enum Message {
    Event(Box<AuditRow>),
    /// Write what waits, then answer.
    Flush(oneshot::Sender<()>),
}

/// The handle handlers write through; cheap to clone.
#[derive(Clone)]
pub struct AuditWriter {
    sender: mpsc::Sender<Message>,
}

impl std::fmt::Debug for AuditWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditWriter")
    }
}

impl AuditWriter {
    /// Starts the writer task on the current runtime.
    pub fn start(db: Database) -> Arc<AuditWriter> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(db, receiver));
        Arc::new(AuditWriter { sender })
    }

    /// Queues an event; gives it back when the queue is full (the caller writes it itself).
    pub fn push(&self, row: Box<AuditRow>) -> Result<(), Box<AuditRow>> {
        match self.sender.try_send(Message::Event(row)) {
            Ok(()) => Ok(()),
            Err(err) => match err.into_inner() {
                Message::Event(row) => Err(row),
                // Only events are pushed.
                Message::Flush(_) => Ok(()),
            },
        }
    }

    /// Writes everything queued so far, and waits until it is written (before reading the audit
    /// log, and at shutdown).
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.sender.send(Message::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

/// Takes a message into the batch; true when it asks for the batch to be written now.
fn take(
    message: Message,
    rows: &mut Vec<AuditRow>,
    waiting: &mut Vec<oneshot::Sender<()>>,
) -> bool {
    match message {
        Message::Event(row) => {
            rows.push(*row);
            false
        }
        Message::Flush(done) => {
            waiting.push(done);
            true
        }
    }
}

async fn write_batches(db: Database, mut receiver: mpsc::Receiver<Message>) {
    while let Some(first) = receiver.recv().await {
        let mut rows = Vec::new();
        let mut waiting = Vec::new();
        let flush_now = take(first, &mut rows, &mut waiting);
        if !flush_now {
            // Asleep, not waiting on the queue: events arriving meanwhile wake nothing (a wake per
            // read was a context switch per request).
            tokio::time::sleep(FLUSH_EVERY).await;
        }
        // Whatever arrived meanwhile goes along, up to a batch.
        while rows.len() < BATCH {
            match receiver.try_recv() {
                Ok(message) => {
                    take(message, &mut rows, &mut waiting);
                }
                Err(_) => break,
            }
        }
        if !rows.is_empty() {
            let count = rows.len();
            let written = db::run(&db, move |conn| {
                audit::record_rows(conn, &rows).map_err(ApiError::from)
            })
            .await;
            if let Err(err) = written {
                log::error!("audit: {count} read events could not be written: {err}");
            }
        }
        for done in waiting {
            let _ = done.send(());
        }
    }
}
