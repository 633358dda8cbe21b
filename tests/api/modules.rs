//! Module switches: the school decides which modules each audience gets (seed 004).

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::world::World;

async fn on_for_me(app: &TestApp, world: &World, actor: &str) -> Vec<String> {
    let answer: Value = app
        .get_as(
            world.token(actor),
            &world.path("/api/v1/schools/{A1}/modules"),
        )
        .await
        .json()
        .await
        .unwrap();
    answer["on_for_me"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_new_school_has_every_module_and_switching_one_off_for_guardians_hides_it_from_them_only()
{
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    assert_eq!(on_for_me(&app, &world, "guardian").await.len(), 6);

    let body = json!({"modules": [{"module": "planner", "audiences": ["school_admin", "director", "teacher"]}]});
    let response = app
        .request(
            reqwest::Method::PUT,
            &world.path("/api/v1/schools/{A1}/modules"),
        )
        .bearer_auth(world.token("school_admin"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    let planner = answer["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == "planner")
        .unwrap();
    assert_eq!(
        planner["audiences"],
        json!(["school_admin", "director", "teacher"])
    );

    assert!(
        !on_for_me(&app, &world, "guardian")
            .await
            .contains(&"planner".to_owned())
    );
    assert!(
        on_for_me(&app, &world, "guardian")
            .await
            .contains(&"news".to_owned())
    );
    assert!(
        on_for_me(&app, &world, "teacher")
            .await
            .contains(&"planner".to_owned())
    );
    assert!(
        !on_for_me(&app, &world, "lunch_supervisor")
            .await
            .contains(&"planner".to_owned())
    );
}
