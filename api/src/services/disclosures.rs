//! The disclosure register (issue #14 item 3, seed 002 appendix 3): per board, to whom personal
//! data is given, what for and on which lawful basis. Everyone with a part in the board reads it
//! (its staff, its admins, the guardians of its pupils); its admins keep it.
//!
//! Every function reaches the board through the caller's readable boards (404 for anyone with no
//! part in it, recorded by the middleware), checks `domain::disclosures::policy` (403, recorded),
//! owns its transaction and records each change in the audit log.

use domain::actor::Actor;
use domain::change_request::Refusal;
use domain::disclosures::{Disclosure, DisclosureEdit, policy};
use persistence::disclosures::{self as store, RegisterBoard, StoredDisclosure};
use persistence::ids::uuid;
use persistence::page::Page;
use persistence::{AnyConnection, RepoError, transaction};

use crate::audit::{Audit, Object};
use crate::error::{ApiError, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum DisclosuresError {
    /// The board is not one the caller has a part in, or it has no such row: it does not exist.
    #[error("not found")]
    NotFound,
    /// The caller reads the register but does not keep it.
    #[error("forbidden")]
    Forbidden,
    /// Fields out of bounds: nothing stored.
    #[error("refused")]
    Refused(Vec<Refusal>),
    #[error(transparent)]
    Repo(RepoError),
}

gate_errors!(DisclosuresError);

impl From<DisclosuresError> for ApiError {
    fn from(err: DisclosuresError) -> Self {
        match err {
            DisclosuresError::NotFound => ApiError::NotFound,
            DisclosuresError::Forbidden => ApiError::Forbidden,
            DisclosuresError::Refused(refusals) => {
                ApiError::Validation(refusals_to_fields(refusals))
            }
            DisclosuresError::Repo(err) => ApiError::from(err),
        }
    }
}

/// Refused fields as the problem names them.
pub fn refusals_to_fields(refusals: Vec<Refusal>) -> Vec<FieldError> {
    refusals
        .into_iter()
        .map(|r| FieldError::new(r.field, r.reason.code, r.reason.message))
        .collect()
}

type Result<T, E = DisclosuresError> = std::result::Result<T, E>;

/// The board's register, if the caller has a part in the board; 404 otherwise.
fn readable(conn: &mut AnyConnection, actor: &Actor, board_id: &str) -> Result<RegisterBoard> {
    Ok(store::board(
        conn,
        &policy::readable_boards(actor),
        board_id,
    )?)
}

/// The board's register, if the caller keeps it: 404 for those with no part in the board, 403
/// (recorded) for those who only read it. Handlers call this before they read a body, and writes
/// before their transaction, so that a refusal's record is not rolled back with it.
pub fn may_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    board_id: &str,
) -> Result<RegisterBoard> {
    let board = readable(conn, actor, board_id)?;
    if policy::may_change(actor, uuid(board.id())) {
        return Ok(board);
    }
    let object = Object {
        kind: "disclosure_register",
        id: Some(board_id),
        school_id: None,
    };
    audit.record(conn, "change_disclosures", object, "forbidden")?;
    Err(DisclosuresError::Forbidden)
}

fn object(stored: &StoredDisclosure) -> Object<'_> {
    Object {
        kind: "disclosure",
        id: Some(&stored.id),
        school_id: None,
    }
}

/// A page of the board's register, oldest first (the defaults in the seed's order).
pub fn list(
    conn: &mut AnyConnection,
    actor: &Actor,
    board_id: &str,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<StoredDisclosure>> {
    let board = readable(conn, actor, board_id)?;
    Ok(store::list(conn, &board, after, limit)?)
}

/// One row of the board's register.
pub fn get(
    conn: &mut AnyConnection,
    actor: &Actor,
    board_id: &str,
    id: &str,
) -> Result<StoredDisclosure> {
    let board = readable(conn, actor, board_id)?;
    Ok(store::find(conn, &board, id)?)
}

/// Adds a row to the board's register (its admins only). `remember` stores the answer under the
/// caller's `Idempotency-Key` in the same transaction.
pub fn create<T>(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    board_id: &str,
    disclosure: &Disclosure,
    remember: impl FnOnce(&mut AnyConnection, StoredDisclosure) -> std::result::Result<T, ApiError>,
) -> std::result::Result<T, ApiError> {
    let board = may_change(conn, actor, audit, board_id)?;
    transaction(conn, |conn| {
        let stored = store::insert(conn, &board, disclosure)?;
        audit.record(conn, "create_disclosure", object(&stored), "ok")?;
        remember(conn, stored)
    })
}

/// Changes a row of the board's register (its admins only): the fields the edit names, checked
/// as a new row would be (422 naming them, nothing changed). An empty edit changes nothing.
pub fn edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    board_id: &str,
    id: &str,
    edit: &DisclosureEdit,
) -> Result<StoredDisclosure> {
    let board = may_change(conn, actor, audit, board_id)?;
    transaction(conn, |conn| {
        let current = store::find(conn, &board, id)?;
        if edit.is_empty() {
            return Ok(current);
        }
        let changed = current
            .disclosure
            .edited(edit)
            .map_err(DisclosuresError::Refused)?;
        let stored = store::update(conn, &board, id, &changed)?;
        audit.record(conn, "update_disclosure", object(&stored), "ok")?;
        Ok(stored)
    })
}

/// Removes a row from the board's register (its admins only).
pub fn delete(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    board_id: &str,
    id: &str,
) -> Result<()> {
    let board = may_change(conn, actor, audit, board_id)?;
    transaction(conn, |conn| {
        store::delete(conn, &board, id)?;
        let object = Object {
            kind: "disclosure",
            id: Some(id),
            school_id: None,
        };
        audit.record(conn, "delete_disclosure", object, "ok")?;
        Ok(())
    })
}
