//! Roster sync in persistence: what the portal holds, read back as LAS records, and a snapshot
//! applied in one transaction (the endpoints for LAS clients build on this).

use chrono::NaiveDate;
use domain::roster::{Snapshot, validate};
use persistence::roster_sync::{SyncCounts, apply, load_held};
use persistence::transaction;

use crate::helpers::TestApp;
use crate::world::World;

/// What the portal holds for school A1, as a snapshot the LAS could send.
async fn held_snapshot(app: &TestApp, world: &World) -> Snapshot {
    let db = app.db.clone();
    let (school, year) = (world.id("A1").to_owned(), world.id("Y_A1").to_owned());
    tokio::task::spawn_blocking(move || {
        let held = load_held(&mut db.get().unwrap(), &school, &year).unwrap();
        Snapshot {
            school_year: crate::world::this_year(),
            groups: held.groups.iter().map(|(_, g)| g.clone()).collect(),
            pupils: held.pupils.iter().map(|(_, p)| p.clone()).collect(),
            guardians: held.guardians.iter().map(|(_, g)| g.clone()).collect(),
            staff: held.staff.iter().map(|(_, s)| s.clone()).collect(),
            consents: Vec::new(),
        }
    })
    .await
    .unwrap()
}

async fn sync(app: &TestApp, world: &World, snapshot: Snapshot) -> SyncCounts {
    let db = app.db.clone();
    let (school, year) = (world.id("A1").to_owned(), world.id("Y_A1").to_owned());
    tokio::task::spawn_blocking(move || {
        let (valid, rejected) = validate(snapshot).unwrap();
        assert!(rejected.is_empty(), "{rejected:?}");
        let mut conn = db.get().unwrap();
        let held = load_held(&mut conn, &school, &year).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        transaction(&mut conn, |conn| {
            apply(conn, &school, &year, &valid, &held, today)
        })
        .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_snapshot_is_applied_and_the_same_one_again_changes_nothing() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let guardian_token = world.token("guardian").to_owned();

    let current = held_snapshot(&app, &world).await;
    let unchanged = sync(&app, &world, current.clone()).await;
    assert_eq!(
        (
            unchanged.pupils.unchanged,
            unchanged.pupils.created,
            unchanged.pupils.updated
        ),
        (3, 0, 0)
    );
    assert_eq!(
        (
            unchanged.guardians.unchanged,
            unchanged.staff.unchanged,
            unchanged.groups.unchanged
        ),
        (4, 5, 2)
    );

    // The LAS moves P3 to G1, enrols P6, no longer has P2 and M3, and holds another address for M1.
    let mut next = current.clone();
    next.pupils
        .iter_mut()
        .find(|p| p.key == "P3")
        .unwrap()
        .groups = ["G1".to_owned()].into_iter().collect();
    let mut newcomer = next.pupils[0].clone();
    newcomer.key = "P6".to_owned();
    newcomer.name.last_name = "Nieuw".to_owned();
    newcomer.groups = ["G2".to_owned()].into_iter().collect();
    next.pupils.push(newcomer);
    next.pupils.retain(|p| p.key != "P2");
    next.guardians.retain(|g| g.key != "M3");
    next.guardians
        .iter_mut()
        .for_each(|g| g.children.retain(|pupil, _| pupil != "P2"));
    next.guardians
        .iter_mut()
        .find(|g| g.key == "M1")
        .unwrap()
        .email = Some("m1-nieuw@world.example".to_owned());

    let counts = sync(&app, &world, next.clone()).await;
    assert_eq!(
        (
            counts.pupils.created,
            counts.pupils.updated,
            counts.pupils.deactivated
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (counts.guardians.updated, counts.guardians.deactivated),
        (2, 1),
        "M1's address, M2's link to P2"
    );

    // What the portal holds now equals the LAS, and what people see follows.
    assert_eq!(
        held_snapshot(&app, &world).await,
        sorted_like(&next, &held_snapshot(&app, &world).await)
    );
    let list: serde_json::Value = app
        .get_as(
            world.token("teacher"),
            &world.path("/api/v1/schools/{A1}/pupils"),
        )
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["last_name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"MarkerP3") && !names.contains(&"MarkerP2"),
        "{names:?}"
    );
    assert_eq!(
        app.get_as(
            world.token("school_admin"),
            &world.path("/api/v1/guardians/{M3}")
        )
        .await
        .status(),
        404
    );
    // The account that signed in as M1 belonged to the old address (seed 000): M1's record left
    // it; its session goes on, without M1's child.
    assert_eq!(
        app.get_as(&guardian_token, &world.path("/api/v1/pupils/{P1}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get_as(&guardian_token, "/api/v1/me").await.status(),
        200
    );

    let again = sync(&app, &world, next).await;
    assert_eq!(
        (
            again.pupils.created,
            again.pupils.updated,
            again.pupils.deactivated,
            again.guardians.updated,
            again.guardians.deactivated
        ),
        (0, 0, 0, 0, 0),
        "the same snapshot twice changes nothing the second time"
    );
}

/// `expected` in the order `actual` lists its records (the database does not keep the LAS order).
fn sorted_like(expected: &Snapshot, actual: &Snapshot) -> Snapshot {
    fn order<T: domain::roster::Keyed + Clone>(expected: &[T], actual: &[T]) -> Vec<T> {
        actual
            .iter()
            .filter_map(|a| expected.iter().find(|e| e.key() == a.key()).cloned())
            .chain(
                expected
                    .iter()
                    .filter(|e| !actual.iter().any(|a| a.key() == e.key()))
                    .cloned(),
            )
            .collect()
    }
    Snapshot {
        school_year: expected.school_year.clone(),
        groups: order(&expected.groups, &actual.groups),
        pupils: order(&expected.pupils, &actual.pupils),
        guardians: order(&expected.guardians, &actual.guardians),
        staff: order(&expected.staff, &actual.staff),
        consents: expected.consents.clone(),
    }
}
