//! PostgreSQL's side of the live stream: a dedicated connection that LISTENs for the events a
//! fan-out NOTIFYs (see [`super::INBOX_CHANNEL`]).

use diesel::{Connection, PgConnection, RunQueryDsl};

use super::INBOX_CHANNEL;
use crate::error::RepoError;

pub struct InboxListener {
    conn: PgConnection,
}

impl InboxListener {
    /// Connects to the PostgreSQL database at `url` and starts listening.
    pub fn connect(url: &str) -> Result<InboxListener, RepoError> {
        let mut conn = PgConnection::establish(url)?;
        diesel::sql_query(format!("LISTEN {INBOX_CHANNEL}")).execute(&mut conn)?;
        Ok(InboxListener { conn })
    }

    /// The event ids notified since the last call; does not wait. An error means the connection
    /// is gone: connect again.
    pub fn poll(&mut self) -> Result<Vec<String>, RepoError> {
        self.conn
            .notifications_iter()
            .map(|n| n.map(|n| n.payload).map_err(RepoError::from))
            .collect()
    }
}
