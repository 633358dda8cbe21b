//! The roster's generation (`roster_generation`), moved by triggers: every change to what a
//! pupil's card shows moves it (the cache of cards relies on that), a change to anything else
//! does not (or cards would be reloaded for nothing), and a rolled-back change does not either.

#[allow(dead_code, reason = "the builders are for the other persistence tests")]
mod support;

use chrono::NaiveDate;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use persistence::{AnyConnection, Backend, roster_generation};
use support::{FamilyBuilder, TestDb, board, enrol, school};

struct Ids {
    school: String,
    pupil: String,
    guardian: String,
    group: String,
    other_group: String,
}

fn world(conn: &mut AnyConnection) -> Ids {
    let board = board(conn, "Board");
    let school = school(conn, &board, "A1");
    let (Some(starts), Some(ends)) = (
        NaiveDate::from_ymd_opt(2026, 8, 1),
        NaiveDate::from_ymd_opt(2027, 7, 31),
    ) else {
        panic!("the school year's dates are valid");
    };
    let year = support::school_year(conn, &school, "2026-2027", starts, ends);
    let group = support::group(conn, &school, &year, "Groep 4");
    let other_group = support::group(conn, &school, &year, "Groep 5");
    let family = FamilyBuilder::new(&school, "P1")
        .guardian("M1", "H1")
        .insert(conn);
    enrol(conn, &family.pupil, &group);
    Ids {
        school,
        guardian: family.guardian("M1").to_owned(),
        pupil: family.pupil,
        group,
        other_group,
    }
}

fn generation(conn: &mut AnyConnection) -> i64 {
    roster_generation::current(conn).unwrap_or_else(|e| panic!("generation read: {e}"))
}

/// Runs `sql` and answers by how much the generation moved.
fn moves(conn: &mut AnyConnection, sql: &str) -> i64 {
    let before = generation(conn);
    conn.batch_execute(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    generation(conn) - before
}

#[test]
fn every_change_to_what_a_card_shows_moves_the_generation() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let ids = world(&mut conn);
    let (p, g, grp, other) = (&ids.pupil, &ids.guardian, &ids.group, &ids.other_group);
    let changes = [
        format!("UPDATE pupils SET first_name = 'Anna' WHERE id = '{p}'"),
        format!("UPDATE pupils SET parents_separated = TRUE WHERE id = '{p}'"),
        format!("UPDATE pupils SET left_on = '2027-01-31' WHERE id = '{p}'"),
        format!("UPDATE school_groups SET name = 'Groep 4a' WHERE id = '{grp}'"),
        format!("INSERT INTO enrolments (pupil_id, group_id) VALUES ('{p}', '{other}')"),
        format!("DELETE FROM enrolments WHERE pupil_id = '{p}' AND group_id = '{other}'"),
        format!("UPDATE guardians SET email = 'new@family.example' WHERE id = '{g}'"),
        format!("UPDATE guardians SET deactivated_at = CURRENT_TIMESTAMP WHERE id = '{g}'"),
        format!("UPDATE guardian_pupils SET household = 'H2' WHERE guardian_id = '{g}'"),
        format!("DELETE FROM guardian_pupils WHERE guardian_id = '{g}'"),
        format!(
            "INSERT INTO guardian_pupils (guardian_id, pupil_id, relationship, \
             parental_authority, household) VALUES ('{g}', '{p}', 'parent', TRUE, 'H1')"
        ),
        format!("DELETE FROM pupils WHERE id = '{p}'"),
    ];
    for sql in &changes {
        assert!(moves(&mut conn, sql) >= 1, "not moved by: {sql}");
    }
    // A new pupil moves it too (its card did not exist; a cached "not found" would be stale).
    let before = generation(&mut conn);
    FamilyBuilder::new(&ids.school, "P2").insert(&mut conn);
    assert!(generation(&mut conn) > before, "not moved by a new pupil");
}

#[test]
fn what_no_card_shows_and_rolled_back_changes_leave_it_alone() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let ids = world(&mut conn);
    let (p, g) = (&ids.pupil, &ids.guardian);
    let unrelated = [
        format!("UPDATE pupils SET updated_at = CURRENT_TIMESTAMP WHERE id = '{p}'"),
        format!("UPDATE guardians SET updated_at = CURRENT_TIMESTAMP WHERE id = '{g}'"),
        format!(
            "UPDATE schools SET name = 'Renamed' WHERE id = '{}'",
            ids.school
        ),
    ];
    for sql in &unrelated {
        assert_eq!(moves(&mut conn, sql), 0, "moved by: {sql}");
    }
    let before = generation(&mut conn);
    let rolled_back = conn.transaction::<(), diesel::result::Error, _>(|conn| {
        conn.batch_execute(&format!(
            "UPDATE pupils SET first_name = 'Anna' WHERE id = '{p}'"
        ))?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(rolled_back.is_err());
    assert_eq!(
        generation(&mut conn),
        before,
        "moved by a rolled-back change"
    );
}

#[test]
fn a_transaction_moves_it_once_on_postgresql_and_per_row_on_sqlite() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let ids = world(&mut conn);
    let before = generation(&mut conn);
    let committed = conn.transaction::<(), diesel::result::Error, _>(|conn| {
        conn.batch_execute(&format!(
            "UPDATE pupils SET first_name = 'Anna' WHERE id = '{p}'; \
             UPDATE guardians SET phone = '0612345678' WHERE id = '{g}'; \
             UPDATE school_groups SET name = 'Groep 4b' WHERE id = '{grp}'",
            p = ids.pupil,
            g = ids.guardian,
            grp = ids.group
        ))
    });
    assert!(committed.is_ok(), "{committed:?}");
    let moved = generation(&mut conn) - before;
    match db_backend(&conn) {
        // Deferred to the commit, once per transaction: the row's lock is held only while committing.
        Backend::Postgres => assert_eq!(moved, 1),
        // One writer at a time: moved per row, which costs nothing to wait for.
        Backend::Sqlite => assert_eq!(moved, 3),
    }
}

fn db_backend(conn: &AnyConnection) -> Backend {
    match conn {
        AnyConnection::Postgresql(_) => Backend::Postgres,
        AnyConnection::Sqlite(_) => Backend::Sqlite,
    }
}
