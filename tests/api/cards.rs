//! The per-instance cache of pupils' cards (`roster_cache`): exact, not merely fresh. A change to
//! what a card shows, made on any instance or straight in the database (a sync, an operator), is
//! served by the very next request on every instance; and a card kept for one caller is shown to
//! another only as that caller's scopes allow.

use serde_json::Value;

use crate::helpers::TestApp;
use crate::world::World;

async fn card(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get_as(token, path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_change_made_anywhere_is_served_by_the_next_request_on_every_instance() {
    let a = TestApp::spawn().await;
    let world = World::build(&a).await;
    let b = a.spawn_beside(&[]).await;
    let admin = world.token("school_admin");
    let p1 = world.path("/api/v1/pupils/{P1}");
    for app in [&a, &b] {
        let before = card(app, admin, &p1).await;
        assert_ne!(before["first_name"], "Veranderd");
    }
    // Straight in the database, as a sync on a third instance or an operator would.
    a.execute_sql(&format!(
        "UPDATE pupils SET first_name = 'Veranderd' WHERE id = '{}'; \
         UPDATE guardians SET email = 'nieuw@world.example' WHERE id = '{}'; \
         UPDATE school_groups SET name = 'Groep 1 nieuw' WHERE id = '{}'",
        world.id("P1"),
        world.id("M1"),
        world.id("G1")
    ));
    for app in [&b, &a] {
        let after = card(app, admin, &p1).await;
        assert_eq!(after["first_name"], "Veranderd", "no wait, no stale card");
        assert_eq!(after["groups"][0]["name"], "Groep 1 nieuw");
        let emails: Vec<&str> = after["guardians"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|g| g["contact"]["email"].as_str())
            .collect();
        assert!(emails.contains(&"nieuw@world.example"), "{after}");
    }

    // A guardian's relation removed: the card no longer lists them, at once.
    a.execute_sql(&format!(
        "DELETE FROM guardian_pupils WHERE guardian_id = '{}'",
        world.id("D1")
    ));
    let after = card(&b, admin, &p1).await;
    let listed: Vec<&str> = after["guardians"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["id"].as_str())
        .collect();
    assert!(!listed.contains(&world.id("D1")), "{after}");
}

#[tokio::test]
async fn a_card_kept_for_one_caller_shows_another_only_what_their_scopes_allow() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let p1 = world.path("/api/v1/pupils/{P1}");
    // The admin's request keeps the whole card (every guardian of P1).
    let whole = card(&app, world.token("school_admin"), &p1).await;
    assert!(whole["guardians"].as_array().unwrap().len() >= 2, "{whole}");
    // P1's guardian sees only themselves among its guardians.
    let own = card(&app, world.token("guardian"), &p1).await;
    let ids: Vec<&str> = own["guardians"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["id"].as_str())
        .collect();
    assert_eq!(ids, [world.id("M1")]);
    // Another family's guardian, and a teacher of another group (after the admin kept P3's card):
    // as if it did not exist.
    let p3 = world.path("/api/v1/pupils/{P3}");
    card(&app, world.token("school_admin"), &p3).await;
    for (role, path, pupil) in [("other_guardian", &p1, "P1"), ("teacher", &p3, "P3")] {
        let response = app.get_as(world.token(role), path).await;
        assert_eq!(response.status(), 404, "{role}");
        let body = response.text().await.unwrap();
        assert!(!body.contains(world.id(pupil)), "{role}: {body}");
    }
}
