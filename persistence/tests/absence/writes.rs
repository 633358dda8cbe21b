//! The writes of absence: an edit on the version read with its history, the signals (raised once,
//! also by two connections at once; reported once), the school's settings, and the absences the
//! signals read.

use std::sync::Barrier;

use chrono::NaiveTime;
use domain::absence::AbsenceSettings;
use persistence::absence::settings::{self, Settings};
use persistence::absence::signals::{self, Raise};
use persistence::absence::{AbsenceRow, Change, Edited, edit, find, for_signals, history};
use persistence::ids::now;
use persistence::{AnyConnection, accounts};

use super::support::TestDb;
use super::{World, absence, add, day, staff, withdraw};

fn account(conn: &mut AnyConnection, email: &str) -> String {
    accounts::insert_person(conn, email, None)
        .unwrap_or_else(|e| panic!("account {email} written: {e}"))
        .id
}

fn stored(conn: &mut AnyConnection, w: &World, id: &str) -> AbsenceRow {
    find(conn, &staff(&w.a1), id, day(2025, 10, 7))
        .unwrap_or_else(|e| panic!("absence {id} found: {e}"))
        .0
}

#[test]
fn an_edit_on_the_version_read_bumps_it_with_its_history_and_a_stale_one_changes_nothing() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let by = account(conn, "staff@a1.example");
    let mut new = absence(&w.a1, &w.p1, day(2025, 10, 6), None);
    (new.reason, new.kind) = ("sick", Some("sick"));
    let before = add(conn, &[new]).remove(0);

    let after = AbsenceRow {
        last_day: Some(day(2025, 10, 8)),
        kind: Some("unauthorized".to_owned()),
        ..before.clone()
    };
    let changes = [
        Change {
            field: "last_day",
            from: None,
            to: Some("2025-10-08".to_owned()),
        },
        Change {
            field: "kind",
            from: Some("sick".to_owned()),
            to: Some("unauthorized".to_owned()),
        },
    ];
    let Edited::Done(done) = edit(conn, &before, &after, &changes, &by, now()).unwrap() else {
        panic!("an edit on the current version is done");
    };
    assert_eq!(done.version, 2);
    let current = stored(conn, &w, &before.id);
    assert_eq!(current, *done);
    assert_eq!(current.last_day, Some(day(2025, 10, 8)));
    assert_eq!(current.kind.as_deref(), Some("unauthorized"));
    let written = history(conn, &before.id).unwrap();
    let fields: Vec<(&str, Option<&str>)> = written
        .iter()
        .map(|h| (h.field.as_str(), h.to_value.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            ("last_day", Some("2025-10-08")),
            ("kind", Some("unauthorized"))
        ]
    );
    assert!(
        written
            .iter()
            .all(|h| h.changed_by.as_deref() == Some(&*by))
    );

    // Made on version 1 again: stale, nothing written.
    let late = AbsenceRow {
        note: Some("te laat".to_owned()),
        ..before.clone()
    };
    let note = [Change {
        field: "note",
        from: None,
        to: Some("te laat".to_owned()),
    }];
    let edited = edit(conn, &before, &late, &note, &by, now()).unwrap();
    assert_eq!(edited, Edited::Stale);
    assert_eq!(stored(conn, &w, &before.id), current);
    assert_eq!(history(conn, &before.id).unwrap().len(), 2);

    // Made on version 2: done, version 3, one more entry.
    let late = AbsenceRow {
        note: Some("te laat".to_owned()),
        ..current.clone()
    };
    let edited = edit(conn, &current, &late, &note, &by, now()).unwrap();
    assert!(matches!(edited, Edited::Done(row) if row.version == 3));
    assert_eq!(
        stored(conn, &w, &before.id).note.as_deref(),
        Some("te laat")
    );
    assert_eq!(history(conn, &before.id).unwrap().len(), 3);
}

fn duo(last: chrono::NaiveDate) -> Raise {
    Raise {
        kind: "duo_16_hours",
        first_day: day(2025, 9, 1),
        last_day: last,
        minutes: 960,
    }
}

#[test]
fn a_signal_is_raised_once_and_reported_once() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let by = account(conn, "admin@a1.example");
    let (school, other) = (w.school(conn, &w.a1), w.school(conn, &w.a2));
    let signal = duo(day(2025, 10, 1));

    assert_eq!(
        signals::raise(conn, &w.a1, &w.p1, std::slice::from_ref(&signal), now()).unwrap(),
        1
    );
    assert_eq!(
        signals::raise(conn, &w.a1, &w.p1, std::slice::from_ref(&signal), now()).unwrap(),
        0
    );
    let two = [signal, duo(day(2025, 10, 2))];
    assert_eq!(signals::raise(conn, &w.a1, &w.p1, &two, now()).unwrap(), 1);
    let open = signals::list(conn, &school, true, None, 10).unwrap();
    assert_eq!(open.items.len(), 2);
    let id = open.items[0].signal.id.clone();
    assert_eq!(open.items[0].signal.last_day, day(2025, 10, 1));

    assert!(
        !signals::mark_reported(conn, &other, &id, &by, now()).unwrap(),
        "A2's admin"
    );
    assert!(signals::mark_reported(conn, &school, &id, &by, now()).unwrap());
    assert!(
        !signals::mark_reported(conn, &school, &id, &by, now()).unwrap(),
        "twice"
    );
    let open = signals::list(conn, &school, true, None, 10).unwrap();
    assert_eq!(open.items.len(), 1);
    assert_eq!(
        signals::list(conn, &school, false, None, 10)
            .unwrap()
            .items
            .len(),
        2
    );
    let reported = signals::find(conn, &w.a1, &id).unwrap().signal;
    assert_eq!(reported.reported_by.as_deref(), Some(by.as_str()));
}

#[test]
fn two_connections_raising_the_same_signal_at_once_raise_it_once() {
    let db = TestDb::with_pool(2);
    let w = World::build(&mut db.conn());
    let rounds: u32 = 10;
    let barrier = Barrier::new(2);
    let raised: Vec<usize> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let conn = &mut *db.conn();
                    (1..=rounds)
                        .map(|d| {
                            barrier.wait();
                            let signal = duo(day(2025, 10, d));
                            signals::raise(conn, &w.a1, &w.p1, &[signal], now()).unwrap()
                        })
                        .sum::<usize>()
                })
            })
            .collect();
        workers.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(raised.iter().sum::<usize>(), rounds as usize, "{raised:?}");
    let conn = &mut *db.conn();
    let school = w.school(conn, &w.a1);
    let all = signals::list(conn, &school, false, None, 100).unwrap();
    assert_eq!(all.items.len(), rounds as usize);
}

#[test]
fn the_last_reported_window_is_the_latest_reported_signal_of_that_kind_and_pupil() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let by = account(conn, "admin@a1.example");
    let school = w.school(conn, &w.a1);
    let p1 = [day(2025, 10, 1), day(2025, 11, 14), day(2025, 12, 1)].map(duo);
    signals::raise(conn, &w.a1, &w.p1, &p1, now()).unwrap();
    let long = Raise {
        kind: "long_absence",
        ..duo(day(2025, 12, 19))
    };
    signals::raise(conn, &w.a1, &w.p1, &[long], now()).unwrap();
    signals::raise(conn, &w.a1, &w.p2, &[duo(day(2025, 12, 31))], now()).unwrap();
    assert_eq!(
        signals::last_reported(conn, &w.p1, "duo_16_hours").unwrap(),
        None
    );

    // Reported: P1's first two DUO windows, P1's long absence and P2's window; not P1's last.
    let all = signals::list(conn, &school, false, None, 10).unwrap().items;
    for item in &all {
        let s = &item.signal;
        if s.last_day != day(2025, 12, 1) {
            assert!(signals::mark_reported(conn, &school, &s.id, &by, now()).unwrap());
        }
    }
    assert_eq!(
        signals::last_reported(conn, &w.p1, "duo_16_hours").unwrap(),
        Some(day(2025, 11, 14))
    );
    assert_eq!(
        signals::last_reported(conn, &w.p1, "long_absence").unwrap(),
        Some(day(2025, 12, 19))
    );
    assert_eq!(
        signals::last_reported(conn, &w.p3, "duo_16_hours").unwrap(),
        None
    );
}

#[test]
fn a_schools_settings_are_the_defaults_until_put_and_then_the_last_put() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_else(|| panic!("{h}:{m}"));

    assert_eq!(settings::get(conn, &w.a1).unwrap(), Settings::default());
    let first = Settings {
        absence: AbsenceSettings { cutoff: at(7, 30) },
        notify_unreported: true,
        leave_notice_weeks: 6,
    };
    settings::put(conn, &w.a1, &first, now()).unwrap();
    assert_eq!(settings::get(conn, &w.a1).unwrap(), first);
    let second = Settings {
        absence: AbsenceSettings { cutoff: at(9, 15) },
        notify_unreported: false,
        leave_notice_weeks: 10,
    };
    settings::put(conn, &w.a1, &second, now()).unwrap();
    assert_eq!(settings::get(conn, &w.a1).unwrap(), second);
    assert_eq!(settings::get(conn, &w.a2).unwrap(), Settings::default());
}

#[test]
fn the_signals_read_unauthorized_and_sick_absences_from_a_day_on_not_authorized_or_withdrawn() {
    let db = TestDb::new();
    let conn = &mut *db.conn();
    let w = World::build(conn);
    let (a1, p1) = (w.a1.as_str(), w.p1.as_str());
    let from = day(2025, 10, 1);
    let with = |reason, kind, first, last| {
        let mut new = absence(a1, p1, first, last);
        (new.reason, new.kind) = (reason, kind);
        new
    };
    let one = |d| Some(day(2025, 10, d));
    let rows = add(
        conn,
        &[
            with("other", Some("unauthorized"), day(2025, 9, 29), Some(from)),
            with("sick", Some("sick"), day(2025, 10, 5), one(5)),
            // A guardian's sick report staff have not registered.
            with("sick", None, day(2025, 10, 6), one(6)),
            with("other", Some("authorized"), day(2025, 10, 10), one(10)),
            with(
                "other",
                Some("unauthorized"),
                day(2025, 9, 20),
                Some(day(2025, 9, 30)),
            ),
            with("other", Some("unauthorized"), day(2025, 9, 1), None),
            with("other", Some("unauthorized"), day(2025, 10, 12), one(12)),
            // Reported sick, registered authorized by the school: authorized.
            with("sick", Some("authorized"), day(2025, 10, 14), one(14)),
            with("appointment", None, day(2025, 10, 15), one(15)),
        ],
    );
    withdraw(conn, &rows[6]);
    add(conn, &[absence(a1, &w.p2, from, None)]);
    let mut other = absence(a1, &w.p2, from, None);
    other.kind = Some("unauthorized");
    add(conn, &[other]);

    let read: Vec<&str> = for_signals(conn, p1, from)
        .unwrap()
        .iter()
        .map(|r| {
            let i = rows.iter().position(|m| m.id == r.id);
            let i = i.unwrap_or_else(|| panic!("{} is one of P1's", r.id));
            [
                "unauth-to-from",
                "sick",
                "sick-unregistered",
                "authorized",
                "before",
                "open",
                "withdrawn",
                "sick-authorized",
                "appointment",
            ][i]
        })
        .collect();
    assert_eq!(
        read,
        ["open", "unauth-to-from", "sick", "sick-unregistered"]
    );
}
