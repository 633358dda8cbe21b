//! The demo's news: at each school a pinned welcome to everyone and a post per group, written
//! through the same checks and gate as a post from the API (by the board's admin).

use chrono::Utc;
use domain::actor::Actor;
use domain::mail::Language;
use domain::modules::Module;
use domain::news::{Audience, Confirmation, NewPost, Priority, check_new_post};
use domain::scope::SchoolScope;
use persistence::ids::{now, uuid};
use persistence::{AnyConnection, RepoError, modules, news, schools};

fn post(school_id: &str, title: String, body: &str, audience: Audience, pinned: bool) -> NewPost {
    NewPost {
        school_id: uuid(school_id),
        title,
        body: body.to_owned(),
        language: Language::Dutch,
        audience,
        priority: Priority::Normal,
        pinned,
        comments_enabled: false,
        confirmation: Confirmation::None,
        draft: false,
        publish_at: None,
        expires_at: None,
        attachments: Vec::new(),
    }
}

/// Writes the school's demo posts by `author`, an admin of its board.
pub fn write(
    conn: &mut AnyConnection,
    board_id: &str,
    school_id: &str,
    groups: &[(String, String)],
    author: &str,
) -> Result<(), RepoError> {
    let scope = SchoolScope {
        boards: vec![uuid(board_id)],
        schools: Vec::new(),
    };
    let school = schools::find_visible(conn, &scope, school_id)?;
    let admin = Actor {
        account_id: uuid(author),
        board_admin_of: vec![uuid(board_id)],
        ..Actor::default()
    };
    let Some(school) = modules::gate(conn, school, Module::News, &admin)? else {
        return Ok(());
    };
    let mut posts = vec![post(
        school_id,
        "Welkom in het nieuwe schooljaar".to_owned(),
        "Fijn dat jullie er weer zijn. Hier vinden jullie het nieuws van school en van de groep.",
        Audience::School,
        true,
    )];
    for (id, name) in groups {
        posts.push(post(
            school_id,
            format!("Nieuws uit {name}"),
            "Deze week werken we aan het thema herfst. Denken jullie aan laarzen voor de excursie?",
            Audience::Groups(vec![uuid(id)]),
            false,
        ));
    }
    for new in posts {
        let checked = check_new_post(new, Utc::now())
            .map_err(|refusals| RepoError::Corrupt(format!("demo post refused: {refusals:?}")))?;
        news::insert(conn, &school, &checked, author, now())?;
    }
    Ok(())
}
