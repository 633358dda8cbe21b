//! Erasure (#14): a school's admin erases a pupil or a guardian and nothing of them is left in any
//! table but the audit log's ids; the forms' counts stay true; only the school's admins may.

use diesel::prelude::*;
use diesel::sql_types::Text;
use persistence::connection::Backend;
use reqwest::Method;
use serde_json::{Value, json};

use crate::consent::{call, decide, json_of, purpose};
use crate::helpers::{TestApp, assert_problem};
use crate::world::{World, marker};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    col: String,
}

/// Every column of every table of the database.
fn columns(app: &TestApp) -> Vec<(String, String)> {
    let sql = match app.db.backend() {
        Backend::Sqlite => {
            "SELECT m.name AS tbl, p.name AS col FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
             AND m.name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) AS tbl, CAST(column_name AS TEXT) AS col \
             FROM information_schema.columns WHERE table_schema = current_schema()"
        }
    };
    let mut conn = app.db.get().unwrap();
    let found: Vec<Column> = diesel::sql_query(sql).load(&mut *conn).unwrap();
    assert!(found.len() > 100, "the search reaches every table");
    found.into_iter().map(|c| (c.tbl, c.col)).collect()
}

/// Where any of `needles` still appears: `table.column` (the audit log's ids excepted).
fn traces(app: &TestApp, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (table, column) in columns(app) {
        if table == "audit_events" {
            continue;
        }
        for needle in needles {
            let sql = format!(
                "SELECT COUNT(*) AS n FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE '%{needle}%'"
            );
            if app.scalar(&sql) > 0 {
                found.push(format!("{table}.{column} holds {needle}"));
            }
        }
    }
    found
}

/// P1 in every module: a medical note and consents, a leave request, a form sign-up of the child
/// and the household, a conversation booked (and the world's absence and change request).
pub(crate) async fn fill(app: &TestApp, world: &World) {
    let note = json!({"note": "Pinda-allergie"});
    let written = call(
        app,
        world,
        "guardian",
        Method::PUT,
        "/api/v1/pupils/{P1}/medical-note",
        Some(note),
    )
    .await;
    json_of(written, 200).await;
    decide(
        app,
        world,
        "guardian",
        "P1",
        &purpose(app, world, "A1", "photos_website"),
        true,
    )
    .await;
    decide(
        app,
        world,
        "guardian",
        "M1",
        &purpose(app, world, "A1", "contact_details_group"),
        true,
    )
    .await;
    crate::leave::create(
        app,
        world,
        &crate::leave::holiday(crate::leave::school_week(10, 0)),
    )
    .await;

    let form =
        crate::forms::create_form(app, world, "school_admin", &crate::forms::form_input()).await;
    crate::forms::at(app, crate::forms::OPEN);
    let options = crate::forms::ids(&form, "options");
    let body = crate::forms::answer(
        &form,
        json!([
            {"option_id": options[0]},
            {"option_id": options[1], "pupil_id": world.id("P1")},
        ]),
    );
    let responded = crate::forms::respond(app, world.token("guardian"), &form, &body).await;
    json_of(responded, 201).await;

    let (round, _, slots) = crate::planner::open_round(app, world).await;
    let slot = slots[0]["id"].as_str().unwrap();
    let booked =
        crate::planner::book(app, world.token("guardian"), &round, slot, world.id("P1")).await;
    assert_eq!(booked.status(), 201, "{}", booked.text().await.unwrap());
}

/// The forms' counts match their sign-ups.
fn counts_hold(app: &TestApp) -> bool {
    app.scalar(
        "SELECT COUNT(*) AS n FROM form_options o WHERE o.placed <> \
         (SELECT COUNT(*) FROM form_signups s WHERE s.option_id = o.id AND s.state = 'placed')",
    ) == 0
}

#[tokio::test]
async fn erasing_a_pupil_leaves_nothing_of_them_in_any_table() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    fill(&app, &world).await;
    let p1 = world.id("P1").to_owned();
    // A finished access export of the guardian holds a copy of the child's data.
    app.execute_sql(&format!(
        "INSERT INTO data_exports (id, account_id, state, progress, requested_at, document) \
         SELECT '0190bbbb-0000-7000-8000-000000000001', account_id, 'done', 100, \
         '2026-11-30 09:00:00', '{{\"children\": [\"{p1}\"]}}' FROM guardians WHERE id = '{}'",
        world.id("M1")
    ));
    // The guardian's notifications name the child by first name: a copy that goes too.
    app.notify_at(app.clock.now());
    let first_name = "Sanne-Uniek";
    app.execute_sql(&format!(
        "UPDATE pupils SET first_name = '{first_name}' WHERE id = '{p1}'"
    ));
    let m1_account = format!(
        "(SELECT account_id FROM guardians WHERE id = '{}')",
        world.id("M1")
    );
    app.execute_sql(&format!(
        "UPDATE inbox_items SET children = '{first_name} en Daan' WHERE account_id = {m1_account}"
    ));
    assert!(
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM inbox_items WHERE account_id = {m1_account}"
        )) > 0,
        "the guardian has notifications"
    );
    let needles = [p1.as_str(), &marker("P1"), first_name];
    assert!(
        traces(&app, &needles).len() > 10,
        "the pupil is in many tables first"
    );

    let path = "/api/v1/pupils/{P1}/erasure";
    for (actor, status) in [
        ("operator", 404),
        ("teacher", 403),
        ("director", 403),
        ("guardian", 403),
    ] {
        let refused = call(&app, &world, actor, Method::POST, path, None).await;
        assert_eq!(refused.status(), status, "{actor}");
    }
    let erased = call(&app, &world, "school_admin", Method::POST, path, None).await;
    assert_eq!(erased.status(), 204, "{}", erased.text().await.unwrap());

    let left = traces(&app, &needles);
    assert!(left.is_empty(), "left behind:\n{}", left.join("\n"));
    assert!(
        counts_hold(&app),
        "the forms' counts follow the released sign-ups"
    );
    // The guardian stays, without the child; the erasure itself is in the audit log.
    let m1 = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM guardians WHERE id = '{}'",
        world.id("M1")
    ));
    assert_eq!(m1, 1);
    let logged = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'erase' AND outcome = 'ok' AND object_id = '{p1}'"
    ));
    assert_eq!(logged, 1);
    let again = call(&app, &world, "school_admin", Method::POST, path, None).await;
    assert_problem(again, 404, "not-found").await;
}

#[tokio::test]
async fn erasing_a_guardian_leaves_nothing_of_them_and_their_account_goes() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    fill(&app, &world).await;
    let m1 = world.id("M1").to_owned();
    let needles = [m1.as_str(), &marker("M1"), "m1@world.example"];
    assert!(
        traces(&app, &needles).len() > 5,
        "the guardian is in many tables first"
    );

    let path = "/api/v1/guardians/{M1}/erasure";
    let refused = call(&app, &world, "teacher", Method::POST, path, None).await;
    assert_problem(refused, 403, "forbidden").await;
    let erased = call(&app, &world, "school_admin", Method::POST, path, None).await;
    assert_eq!(erased.status(), 204, "{}", erased.text().await.unwrap());

    let left = traces(&app, &needles);
    assert!(left.is_empty(), "left behind:\n{}", left.join("\n"));
    assert!(counts_hold(&app));
    // The account had no other role: it is gone, its token with it.
    let gone = call(&app, &world, "guardian", Method::GET, "/api/v1/me", None).await;
    assert_eq!(gone.status(), 401);
    // The child stays, with the consent the guardian gave (now without their name).
    let consents = call(
        &app,
        &world,
        "school_admin",
        Method::GET,
        "/api/v1/pupils/{P1}/consents",
        None,
    )
    .await;
    let consents: Value = json_of(consents, 200).await;
    let photos = consents["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purpose"]["code"] == "photos_website")
        .unwrap();
    assert_eq!(photos["state"], "given");
    assert!(photos.get("decided_by").is_none());
}
