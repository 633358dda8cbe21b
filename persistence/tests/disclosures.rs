//! The disclosure register: the migration gives boards that exist the seed's rows in its order,
//! and every read and write reaches a board's rows only through a board the caller may read.

#[allow(dead_code, reason = "the builders are for the other persistence tests")]
mod support;

use diesel::connection::SimpleConnection;
use domain::disclosures::{DEFAULTS, Disclosure, defaults};
use domain::legal_basis::LegalBasis;
use persistence::disclosures::{self as register, RegisterBoard};
use persistence::ids::uuid;
use persistence::{AnyConnection, RepoError};
use support::{TestDb, board};

const SQLITE_UP: &str =
    include_str!("../../migrations/sqlite/2026-11-30-120000_disclosures/up.sql");
const POSTGRES_UP: &str =
    include_str!("../../migrations/postgres/2026-11-30-120000_disclosures/up.sql");

#[expect(
    clippy::expect_used,
    reason = "a board out of reach here ends the test"
)]
fn reach(conn: &mut AnyConnection, board_id: &str) -> RegisterBoard {
    register::board(conn, &[uuid(board_id)], board_id).expect("the board is readable")
}

#[expect(
    clippy::expect_used,
    reason = "a register that cannot be read ends the test"
)]
fn all(conn: &mut AnyConnection, board: &RegisterBoard) -> Vec<Disclosure> {
    let page = register::list(conn, board, None, 100).expect("the register is read");
    page.items.into_iter().map(|row| row.disclosure).collect()
}

#[test]
fn the_migration_gives_every_existing_board_the_seed_register_in_order() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let first = board(&mut conn, "Stichting Een");
    let second = board(&mut conn, "Stichting Twee");
    // Run the migration's SQL again over boards that were there before it.
    let up = match &*conn {
        AnyConnection::Postgresql(_) => POSTGRES_UP,
        AnyConnection::Sqlite(_) => SQLITE_UP,
    };
    conn.batch_execute(&format!("DROP TABLE disclosures; {up}"))
        .unwrap();
    for id in [&first, &second] {
        let board = reach(&mut conn, id);
        assert_eq!(all(&mut conn, &board), defaults(), "board {id}");
    }
    // A row added later comes after the migrated ones.
    let board = reach(&mut conn, &first);
    let added = register::insert(&mut conn, &board, &defaults()[0]).unwrap();
    let page = register::list(&mut conn, &board, None, 100).unwrap();
    assert_eq!(page.items.last().map(|r| &r.id), Some(&added.id));
    assert_eq!(page.items.len(), DEFAULTS.len() + 1);
}

#[test]
fn a_board_out_of_reach_and_its_rows_do_not_exist() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let mine = board(&mut conn, "Stichting Mijn");
    let theirs = board(&mut conn, "Stichting Hun");
    for id in [&mine, &theirs] {
        register::insert_defaults(&mut conn, id).unwrap();
    }
    let out_of_reach = register::board(&mut conn, &[uuid(&mine)], &theirs);
    assert!(matches!(out_of_reach, Err(RepoError::NotFound)));
    let board = reach(&mut conn, &mine);
    let their_board = reach(&mut conn, &theirs);
    let their_row = register::list(&mut conn, &their_board, None, 1)
        .unwrap()
        .items[0]
        .clone();
    let changed = Disclosure {
        legal_basis: LegalBasis::Consent,
        ..their_row.disclosure.clone()
    };
    assert!(matches!(
        register::find(&mut conn, &board, &their_row.id),
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        register::update(&mut conn, &board, &their_row.id, &changed),
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        register::delete(&mut conn, &board, &their_row.id),
        Err(RepoError::NotFound)
    ));
    assert_eq!(
        register::find(&mut conn, &their_board, &their_row.id).unwrap(),
        their_row,
        "their row is untouched"
    );
}

#[test]
fn a_page_continues_after_its_cursor() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let id = board(&mut conn, "Stichting Bladzijde");
    register::insert_defaults(&mut conn, &id).unwrap();
    let board = reach(&mut conn, &id);
    let first = register::list(&mut conn, &board, None, 10).unwrap();
    assert_eq!(first.items.len(), 10);
    let rest = register::list(&mut conn, &board, first.next_cursor.as_deref(), 10).unwrap();
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.next_cursor, None);
    assert_eq!(rest.items[0].disclosure.recipient, "Leerplicht Gemeente");
}
