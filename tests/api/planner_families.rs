//! Families in the planner: the fairness quota (one slot per child in the first hours, then up to
//! the round's maximum), and sibling sequences (a family sees several teachers in a row).

use serde_json::json;

use crate::helpers::{TestApp, assert_problem};
use crate::planner::{at, book, create_round, json_of, publish, round_input, utc};
use crate::world::World;

#[tokio::test]
async fn the_fairness_quota_holds_in_the_first_hours_and_the_maximum_after() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    // The care staff member teaches G1 too, each at a desk of their own (split): P1 may book twice.
    app.execute_sql(&format!(
        "INSERT INTO staff_groups (staff_id, group_id) SELECT id, '{}' FROM staff WHERE las_key = 'care_staff'",
        world.id("G1")
    ));
    let mut input = round_input(&world);
    input["duo_mode"] = json!("split");
    input["max_bookings_per_pupil"] = json!(2);
    input["fairness"] = json!({"per_pupil": 1, "hours": 24});
    let round = create_round(&app, &world, &input).await;
    let round_id = round["id"].as_str().unwrap().to_owned();
    assert_eq!(round["desks"].as_array().unwrap().len(), 2, "{round}");
    let admin = world.token("school_admin");
    let mut slots = Vec::new();
    for desk in round["desks"].as_array().unwrap() {
        let path = format!(
            "/api/v1/planner/desks/{}/slots",
            desk["id"].as_str().unwrap()
        );
        slots.push(json_of(app.get_as(admin, &path).await, 200).await["slots"].clone());
    }
    let (first, second) = (&slots[0], &slots[1]);
    publish(&app, &world, &round_id).await;
    // Booking opened 2026-12-07 07:00 UTC; within its first day one booking per child.
    app.clock.hold(Some(utc(2026, 12, 7, 12, 0)));
    let m1 = world.token("guardian");
    json_of(
        book(
            &app,
            m1,
            &round_id,
            first[0]["id"].as_str().unwrap(),
            world.id("P1"),
        )
        .await,
        201,
    )
    .await;
    let over = book(
        &app,
        m1,
        &round_id,
        second[1]["id"].as_str().unwrap(),
        world.id("P1"),
    )
    .await;
    assert_problem(over, 409, "conflict").await;
    // After the first day, up to the round's maximum of two.
    app.clock.hold(Some(utc(2026, 12, 8, 8, 0)));
    json_of(
        book(
            &app,
            m1,
            &round_id,
            second[1]["id"].as_str().unwrap(),
            world.id("P1"),
        )
        .await,
        201,
    )
    .await;
}

#[tokio::test]
async fn siblings_are_offered_slots_in_a_row_with_each_childs_teacher() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    // G2 gets a teacher (the care staff member), and M2 a second child there (P3).
    app.execute_sql(&format!(
        "INSERT INTO staff_groups (staff_id, group_id) SELECT id, '{g2}' FROM staff WHERE las_key = 'care_staff'; \
         INSERT INTO guardian_pupils (guardian_id, pupil_id, relationship, parental_authority, household) \
         VALUES ('{m2}', '{p3}', 'parent', TRUE, 'H2')",
        g2 = world.id("G2"),
        m2 = world.id("M2"),
        p3 = world.id("P3"),
    ));
    let round = create_round(&app, &world, &round_input(&world)).await;
    let round_id = round["id"].as_str().unwrap().to_owned();
    publish(&app, &world, &round_id).await;
    at(&app, crate::planner::OPEN);
    let offer = json_of(
        app.get_as(
            world.token("other_guardian"),
            &format!("/api/v1/planner/rounds/{round_id}/offer"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(offer["children"].as_array().unwrap().len(), 2, "{offer}");
    let sequences = offer["sequences"].as_array().unwrap();
    assert!(!sequences.is_empty(), "{offer}");
    for sequence in sequences {
        let steps = sequence["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 2);
        assert_ne!(
            steps[0]["pupil_id"], steps[1]["pupil_id"],
            "one slot per child"
        );
        assert_ne!(
            steps[0]["desk_id"], steps[1]["desk_id"],
            "each child's own teacher"
        );
        assert!(
            steps[0]["ends_at"].as_str() <= steps[1]["starts_at"].as_str(),
            "in a row, not at once"
        );
    }
    // The first sequence can be booked as offered: one booking per child, no overlap.
    for step in sequences[0]["steps"].as_array().unwrap() {
        let booked = book(
            &app,
            world.token("other_guardian"),
            &round_id,
            step["slot_id"].as_str().unwrap(),
            step["pupil_id"].as_str().unwrap(),
        )
        .await;
        json_of(booked, 201).await;
    }
}

#[tokio::test]
async fn no_parent_is_in_two_conversations_at_once_and_each_separated_household_books_its_own() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    // G2 gets a teacher and M2 a second child there; D1 (P1's other household) an account.
    app.execute_sql(&format!(
        "INSERT INTO staff_groups (staff_id, group_id) SELECT id, '{g2}' FROM staff WHERE las_key = 'care_staff'; \
         INSERT INTO guardian_pupils (guardian_id, pupil_id, relationship, parental_authority, household) \
         VALUES ('{m2}', '{p3}', 'parent', TRUE, 'H2')",
        g2 = world.id("G2"),
        m2 = world.id("M2"),
        p3 = world.id("P3"),
    ));
    {
        let hash = api::auth::password::hash(crate::world::PASSWORD).unwrap();
        let mut conn = app.db.get().unwrap();
        let account =
            persistence::accounts::insert_person(&mut conn, "d1@world.example", Some(&hash))
                .unwrap();
        persistence::roster::link_guardian_account(&mut conn, world.id("D1"), &account.id).unwrap();
    }
    let login: serde_json::Value = app
        .login("d1@world.example", crate::world::PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let d1 = login["access_token"].as_str().unwrap().to_owned();
    let round = create_round(&app, &world, &round_input(&world)).await;
    let round_id = round["id"].as_str().unwrap().to_owned();
    let admin = world.token("school_admin");
    let mut desks = Vec::new();
    for desk in round["desks"].as_array().unwrap() {
        let path = format!(
            "/api/v1/planner/desks/{}/slots",
            desk["id"].as_str().unwrap()
        );
        let slots = json_of(app.get_as(admin, &path).await, 200).await["slots"].clone();
        desks.push((desk["group_ids"].clone(), slots));
    }
    let slots_for = |group: &str| {
        desks
            .iter()
            .find(|(groups, _)| groups.as_array().unwrap().iter().any(|g| g == group))
            .map(|(_, slots)| slots.clone())
            .unwrap()
    };
    let (g1, g2) = (slots_for(world.id("G1")), slots_for(world.id("G2")));
    publish(&app, &world, &round_id).await;
    at(&app, crate::planner::OPEN);
    let m2 = world.token("other_guardian");
    let id = |slots: &serde_json::Value, i: usize| slots[i]["id"].as_str().unwrap().to_owned();
    json_of(
        book(&app, m2, &round_id, &id(&g1, 0), world.id("P2")).await,
        201,
    )
    .await;
    // P3's teacher at the same moment: M2 cannot be in two conversations at once.
    let clash = book(&app, m2, &round_id, &id(&g2, 0), world.id("P3")).await;
    assert_problem(clash, 409, "conflict").await;
    json_of(
        book(&app, m2, &round_id, &id(&g2, 1), world.id("P3")).await,
        201,
    )
    .await;

    // P1's parents are marked separated: each household books its own conversation.
    let m1 = world.token("guardian");
    let own = json_of(
        book(&app, m1, &round_id, &id(&g1, 2), world.id("P1")).await,
        201,
    )
    .await;
    assert_eq!(own["household"], "H1");
    let other = json_of(
        book(&app, &d1, &round_id, &id(&g1, 3), world.id("P1")).await,
        201,
    )
    .await;
    assert_eq!(other["household"], "H1b");
    let again = book(&app, &d1, &round_id, &id(&g1, 1), world.id("P1")).await;
    assert_problem(again, 409, "conflict").await;
    // Each household sees only its own booking.
    let d1_list = json_of(app.get_as(&d1, "/api/v1/me/planner/bookings").await, 200).await;
    assert_eq!(d1_list["items"].as_array().unwrap().len(), 1, "{d1_list}");
    assert_eq!(d1_list["items"][0]["id"], other["id"]);
}

#[tokio::test]
async fn after_the_close_a_conversation_the_school_cancelled_can_be_booked_again() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let round = create_round(&app, &world, &round_input(&world)).await;
    let round_id = round["id"].as_str().unwrap().to_owned();
    let desk = round["desks"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/planner/desks/{desk}/slots");
    let slots =
        json_of(app.get_as(world.token("teacher"), &path).await, 200).await["slots"].clone();
    let id = |i: usize| slots[i]["id"].as_str().unwrap().to_owned();
    publish(&app, &world, &round_id).await;
    at(&app, crate::planner::OPEN);
    let (m1, m2) = (world.token("guardian"), world.token("other_guardian"));
    let booked = json_of(book(&app, m1, &round_id, &id(0), world.id("P1")).await, 201).await;
    // After the close the teacher cancels M1's conversation.
    at(&app, crate::planner::CLOSED);
    let cancel = format!(
        "/api/v1/planner/bookings/{}/withdrawal",
        booked["id"].as_str().unwrap()
    );
    json_of(
        app.post_json_as(
            world.token("teacher"),
            &cancel,
            &json!({"reason": "Juf is ziek"}),
        )
        .await,
        200,
    )
    .await;
    // M1 may book another time at that desk; a family whose conversation was not cancelled may not.
    json_of(book(&app, m1, &round_id, &id(2), world.id("P1")).await, 201).await;
    let closed = book(&app, m2, &round_id, &id(3), world.id("P2")).await;
    assert_problem(closed, 409, "conflict").await;
}
