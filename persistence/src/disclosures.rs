//! The disclosure register (verwerkingsregister, seed 002 appendix 3): a board's rows, read and
//! written only through a [`RegisterBoard`], which only [`board`] makes, from the boards the
//! caller may read. A stored legal basis this version cannot read is an error, never a default.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::disclosures::Disclosure;
use domain::legal_basis::LegalBasis;
use uuid::Uuid;

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::{new_id, now, texts};
use crate::page::{Page, fetch_page};
use crate::schema::{boards, disclosures};

/// A board whose register the caller reads. Holding one proves the scope was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterBoard(String);

impl RegisterBoard {
    pub fn id(&self) -> &str {
        &self.0
    }
}

/// The board with this id if it is among `readable` (the caller's, from
/// `domain::disclosures::policy::readable_boards`); [`RepoError::NotFound`] otherwise, so a board
/// out of reach cannot be told from one that does not exist.
pub fn board(
    conn: &mut AnyConnection,
    readable: &[Uuid],
    board_id: &str,
) -> Result<RegisterBoard, RepoError> {
    let id = boards::table
        .filter(boards::id.eq(board_id))
        .filter(boards::id.eq_any(texts(readable)))
        .select(boards::id)
        .first::<String>(conn)?;
    Ok(RegisterBoard(id))
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = disclosures)]
pub struct DisclosureRow {
    pub id: String,
    pub board_id: String,
    pub recipient: String,
    pub purpose: String,
    pub legal_basis: String,
    pub data_categories: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A row of the register as the domain reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDisclosure {
    pub id: String,
    pub board_id: String,
    pub disclosure: Disclosure,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<DisclosureRow> for StoredDisclosure {
    type Error = RepoError;

    fn try_from(row: DisclosureRow) -> Result<Self, RepoError> {
        let legal_basis = LegalBasis::parse(&row.legal_basis).ok_or_else(|| {
            RepoError::Corrupt(format!("disclosure legal basis {}", row.legal_basis))
        })?;
        Ok(StoredDisclosure {
            id: row.id,
            board_id: row.board_id,
            disclosure: Disclosure {
                recipient: row.recipient,
                purpose: row.purpose,
                legal_basis,
                data_categories: row.data_categories,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn row_of(board_id: &str, disclosure: &Disclosure, at: NaiveDateTime) -> DisclosureRow {
    DisclosureRow {
        id: new_id(),
        board_id: board_id.to_owned(),
        recipient: disclosure.recipient.clone(),
        purpose: disclosure.purpose.clone(),
        legal_basis: disclosure.legal_basis.as_str().to_owned(),
        data_categories: disclosure.data_categories.clone(),
        created_at: at,
        updated_at: at,
    }
}

/// The board's register in the order it was written (ids are UUIDv7), a page at a time.
pub fn list(
    conn: &mut AnyConnection,
    board: &RegisterBoard,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<StoredDisclosure>, RepoError> {
    let page: Page<DisclosureRow> = fetch_page::<_, RepoError>(
        limit,
        |fetch| {
            let mut query = disclosures::table
                .filter(disclosures::board_id.eq(board.id()))
                .select(DisclosureRow::as_select())
                .order(disclosures::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(disclosures::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(StoredDisclosure::try_from)
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    })
}

/// One row of the board's register; [`RepoError::NotFound`] for a row of another board.
pub fn find(
    conn: &mut AnyConnection,
    board: &RegisterBoard,
    id: &str,
) -> Result<StoredDisclosure, RepoError> {
    disclosures::table
        .filter(disclosures::id.eq(id))
        .filter(disclosures::board_id.eq(board.id()))
        .select(DisclosureRow::as_select())
        .first(conn)?
        .try_into()
}

/// Adds a row to the board's register.
pub fn insert(
    conn: &mut AnyConnection,
    board: &RegisterBoard,
    disclosure: &Disclosure,
) -> Result<StoredDisclosure, RepoError> {
    let row = row_of(board.id(), disclosure, now());
    diesel::insert_into(disclosures::table)
        .values(&row)
        .execute(conn)?;
    row.try_into()
}

/// Gives a board that is being made the default register (seed 002 appendix 3), in the seed's
/// order. Run it in the transaction that inserts the board, so no board is ever without one.
pub fn insert_defaults(conn: &mut AnyConnection, board_id: &str) -> Result<(), RepoError> {
    let at = now();
    // One statement per row: ids made one after the other keep the seed's order.
    for disclosure in domain::disclosures::defaults() {
        diesel::insert_into(disclosures::table)
            .values(&row_of(board_id, &disclosure, at))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces a row's contents; [`RepoError::NotFound`] when the board has no such row.
pub fn update(
    conn: &mut AnyConnection,
    board: &RegisterBoard,
    id: &str,
    disclosure: &Disclosure,
) -> Result<StoredDisclosure, RepoError> {
    let changed = diesel::update(
        disclosures::table
            .filter(disclosures::id.eq(id))
            .filter(disclosures::board_id.eq(board.id())),
    )
    .set((
        disclosures::recipient.eq(&disclosure.recipient),
        disclosures::purpose.eq(&disclosure.purpose),
        disclosures::legal_basis.eq(disclosure.legal_basis.as_str()),
        disclosures::data_categories.eq(&disclosure.data_categories),
        disclosures::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(RepoError::NotFound);
    }
    find(conn, board, id)
}

/// Removes a row from the board's register; [`RepoError::NotFound`] when it has no such row.
pub fn delete(conn: &mut AnyConnection, board: &RegisterBoard, id: &str) -> Result<(), RepoError> {
    let removed = diesel::delete(
        disclosures::table
            .filter(disclosures::id.eq(id))
            .filter(disclosures::board_id.eq(board.id())),
    )
    .execute(conn)?;
    if removed == 0 {
        return Err(RepoError::NotFound);
    }
    Ok(())
}
