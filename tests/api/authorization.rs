//! The authorization matrix: every endpoint that acts on tenant data, called by every role, on
//! objects of the caller's own school, another school of the board, another board, another family
//! and another group. A row is data: later modules add rows, not code. Every answer is also checked
//! for leaks: an object the caller may not see must not appear in any answer, whatever its status.

use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::world::{ACTORS, World, marker};

struct Row {
    method: &'static str,
    path: &'static str,
    body: Option<fn(usize) -> Value>,
    /// Expected status per actor, in the order of [`ACTORS`]:
    /// operator, board_admin, school_admin, director, teacher, care_staff, lunch_supervisor,
    /// guardian (of P1), other_guardian (of P2).
    expect: [u16; 9],
}

const fn get(path: &'static str, expect: [u16; 9]) -> Row {
    Row {
        method: "GET",
        path,
        body: None,
        expect,
    }
}

fn new_school(n: usize) -> Value {
    json!({"name": format!("Nieuwe school {n}"), "brin": format!("{:02}ZZ", n % 100)})
}

fn new_client(n: usize) -> Value {
    json!({"name": format!("LAS {n}"), "scopes": ["roster:write"]})
}

fn switch_modules(_: usize) -> Value {
    json!({"modules": [{"module": "news", "audiences": ["guardian", "teacher", "school_admin"]}]})
}

fn empty_roster(_: usize) -> Value {
    crate::world::empty_roster()
}

/// A sick report for a school day a week or more ahead: the world's ABS1 is today's, and a report
/// without a day is for today until the 08:00 cut-off (it would meet ABS1 and be refused, 409).
fn absence_report(_: usize) -> Value {
    use chrono::Datelike;
    let mut day = domain::schedule::school_date(chrono::Utc::now()) + chrono::Duration::days(7);
    while day.weekday().number_from_monday() > 5 {
        day += chrono::Duration::days(1);
    }
    json!({"reason": "sick", "first_day": day})
}

fn absence_registration(_: usize) -> Value {
    json!({"group_id": "0190a000-0000-7000-8000-000000000001", "kind": "authorized", "first_day": "2027-01-12"})
}

fn absence_change(_: usize) -> Value {
    json!({"version": 1, "kind": "authorized"})
}

fn absence_return(_: usize) -> Value {
    json!({"back_on": "2027-01-13"})
}

fn calendar(_: usize) -> Value {
    json!({"version": 0, "lesson_minutes": [330, 330, 225, 330, 330, 0, 0], "days_off": []})
}

fn sync_settings(_: usize) -> Value {
    json!({"hold_deactivation_percent": 30})
}

fn roster_source(_: usize) -> Value {
    json!({"url": "https://las.example.nl/export/a1.xml"})
}

fn all_requestable(_: usize) -> Value {
    json!({"requestable_fields": ["first_name", "name_prefix", "last_name", "email", "phone", "address"]})
}

fn own_phone(n: usize) -> Value {
    json!({"changes": [{"field": "phone", "value": format!("+31 6 1111 {n:04}")}]})
}

fn child_name(n: usize) -> Value {
    json!({"changes": [{"field": "first_name", "value": format!("Anna{n}")}], "remark": "roepnaam"})
}

fn reject_last_name(_: usize) -> Value {
    json!({"decisions": [{"field": "last_name", "outcome": "rejected", "reason": "Naam staat zo in het paspoort."}]})
}

fn empty_delta(_: usize) -> Value {
    json!({"school_year": crate::world::this_year()})
}

fn email_immediately(_: usize) -> Value {
    json!({"email": "immediate", "grade_notifications": false})
}

fn quiet_evenings(_: usize) -> Value {
    json!({"quiet_hours": {"start": "18:00", "end": "07:30"}, "daily_overview_at": "15:30",
           "email_content": "notice_only", "grade_notifications": false})
}

fn school_news(n: usize) -> Value {
    json!({"title": format!("Nieuws {n}"), "body": "Tekst", "audience": {"kind": "school"}})
}

fn new_webhook(n: usize) -> Value {
    json!({"url": format!("https://hooks.example.invalid/{n}"), "event_types": ["news.published"]})
}

fn webhook_types(_: usize) -> Value {
    json!({"event_types": ["news.published", "change_request.decided"]})
}

/// Switches comments on for N1 and asks for a confirmation per child (the rows after it rely on
/// that); only the first editor's version is current.
fn open_up_n1(_: usize) -> Value {
    json!({"version": 1, "comments_enabled": true, "confirmation": "per_child"})
}

fn pin(_: usize) -> Value {
    json!({"version": 1, "pinned": true})
}

fn comment(n: usize) -> Value {
    json!({"body": format!("Reactie {n}")})
}

fn new_board(n: usize) -> Value {
    json!({"name": format!("Nieuw bestuur {n}")})
}

fn new_disclosure(n: usize) -> Value {
    json!({"recipient": format!("Ontvanger {n}"), "purpose": "Doel", "legal_basis": "consent"})
}

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    //                                               op   ba   adm  dir  tch  care lunch g1  g2
    get("/api/v1/me",                               [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    get("/api/v1/schools",                          [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    get("/api/v1/schools/{A1}",                     [404, 200, 200, 200, 200, 200, 200, 200, 200]),
    get("/api/v1/schools/{A2}",                     [404, 200, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{B1}",                     [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/groups",              [404, 200, 200, 200, 200, 200, 200, 403, 403]),
    get("/api/v1/schools/{A2}/groups",              [404, 200, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{B1}/groups",              [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/pupils",              [404, 200, 200, 200, 200, 200, 200, 403, 403]),
    get("/api/v1/schools/{A2}/pupils",              [404, 200, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{B1}/pupils",              [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/staff",               [404, 200, 200, 200, 200, 200, 200, 200, 200]),
    get("/api/v1/schools/{B1}/staff",               [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    // Own family, another family in the same group, another group, another school, another board.
    get("/api/v1/pupils/{P1}",                      [404, 200, 200, 200, 200, 200, 200, 200, 404]),
    get("/api/v1/pupils/{P2}",                      [404, 200, 200, 200, 200, 200, 200, 404, 200]),
    get("/api/v1/pupils/{P3}",                      [404, 200, 200, 200, 404, 200, 200, 404, 404]),
    get("/api/v1/pupils/{P4}",                      [404, 200, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/pupils/{P5}",                      [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    // The guardian themselves, the other parent (separated), another group's, another board's.
    get("/api/v1/guardians/{M1}",                   [404, 200, 200, 200, 200, 200, 404, 200, 404]),
    get("/api/v1/guardians/{D1}",                   [404, 200, 200, 200, 200, 200, 404, 404, 404]),
    get("/api/v1/guardians/{M3}",                   [404, 200, 200, 200, 404, 200, 404, 404, 404]),
    get("/api/v1/guardians/{M5}",                   [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/audit-events",        [404, 200, 200, 403, 403, 403, 403, 403, 403]),
    get("/api/v1/schools/{B1}/audit-events",        [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/modules",             [404, 200, 200, 200, 200, 200, 200, 200, 200]),
    get("/api/v1/schools/{B1}/modules",             [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    // A school's news for its staff, while news is on for every role (the row after this one
    // switches it off for some): admins every live post, the teacher of G1 N1 but not N2, other
    // staff N1; guardians have no staff list.
    get("/api/v1/schools/{A1}/news",                [404, 200, 200, 200, 200, 200, 200, 404, 404]),
    get("/api/v1/schools/{B1}/news",                [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    // Absence (#11): a pupil's absences for its guardians and the staff who register them
    // (teachers: their groups), never for another family, a board's office or the lunch
    // supervisor; the school's day for its registering staff; the signals for the director and
    // admins. ABS1 is P1's report at A1, ABS5 P5's at B1.
    get("/api/v1/pupils/{P1}/absences",             [404, 403, 200, 200, 200, 200, 403, 200, 404]),
    get("/api/v1/pupils/{P3}/absences",             [404, 403, 200, 200, 404, 200, 403, 404, 404]),
    get("/api/v1/pupils/{P5}/absences",             [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/absences/{ABS1}",                  [404, 403, 200, 200, 200, 200, 403, 200, 404]),
    get("/api/v1/absences/{ABS5}",                  [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/absences",            [404, 403, 200, 200, 200, 200, 403, 404, 404]),
    get("/api/v1/schools/{B1}/absences",            [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/absence-signals",     [404, 403, 200, 200, 403, 403, 403, 404, 404]),
    get("/api/v1/schools/{B1}/absence-signals",     [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "POST", path: "/api/v1/pupils/{P1}/absences", body: Some(absence_report),
                                                    expect: [404, 403, 403, 403, 403, 403, 403, 201, 404] },
    Row { method: "POST", path: "/api/v1/pupils/{P5}/absences", body: Some(absence_report),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/schools/{B1}/absences", body: Some(absence_registration),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "PATCH", path: "/api/v1/absences/{ABS5}", body: Some(absence_change),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/absences/{ABS5}/withdrawal", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/absences/{ABS5}/return", body: Some(absence_return),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // The school calendar (#11): everyone at the school reads it; only its admins set it (the
    // setting itself is tested in calendar.rs: a save names the version it was made on).
    get("/api/v1/schools/{A1}/calendar/2026-2027",  [404, 200, 200, 200, 200, 200, 200, 200, 200]),
    get("/api/v1/schools/{A2}/calendar/2026-2027",  [404, 200, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{B1}/calendar/2026-2027",  [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/calendar/2026-2027/ical", [404, 200, 200, 200, 200, 200, 200, 200, 200]),
    get("/api/v1/schools/{B1}/calendar/2026-2027/ical", [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "PUT", path: "/api/v1/schools/{B1}/calendar/2026-2027", body: Some(calendar),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "PUT", path: "/api/v1/schools/{A1}/modules", body: Some(switch_modules),
                                                    expect: [404, 200, 200, 403, 403, 403, 403, 403, 403] },
    Row { method: "PUT", path: "/api/v1/schools/{B1}/modules", body: Some(switch_modules),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    get("/api/v1/boards",                           [200, 403, 403, 403, 403, 403, 403, 403, 403]),
    get("/api/v1/boards/{boardA}",                  [200, 403, 403, 403, 403, 403, 403, 403, 403]),
    get("/api/v1/boards/{boardA}/schools",          [200, 200, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/boards/{boardB}/schools",          [200, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "POST", path: "/api/v1/boards/{boardA}/schools", body: Some(new_school),
                                                    expect: [201, 201, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/boards/{boardB}/schools", body: Some(new_school),
                                                    expect: [201, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/guardians/{D1}/invitations", body: None,
                                                    expect: [404, 202, 202, 403, 403, 403, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/guardians/{M5}/invitations", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/staff/{S_teacher}/invitations", body: None,
                                                    expect: [404, 202, 202, 403, 403, 403, 403, 403, 403] },
    Row { method: "POST", path: "/api/v1/staff/{S_b1_admin}/invitations", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    get("/api/v1/boards/{boardA}/integration-clients", [200, 200, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/boards/{boardB}/integration-clients", [200, 404, 404, 404, 404, 404, 404, 404, 404]),
    // The operator sets up boards but cannot create a way into their rosters.
    Row { method: "POST", path: "/api/v1/boards/{boardA}/integration-clients", body: Some(new_client),
                                                    expect: [403, 201, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/boards/{boardB}/integration-clients", body: Some(new_client),
                                                    expect: [403, 404, 404, 404, 404, 404, 404, 404, 404] },
    // The disclosure register: read by all with a part in the board, kept by its admins.
    get("/api/v1/boards/{boardA}/disclosures",      [404, 200, 200, 200, 200, 200, 200, 200, 200]),
    get("/api/v1/boards/{boardB}/disclosures",      [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "POST", path: "/api/v1/boards/{boardA}/disclosures", body: Some(new_disclosure),
                                                    expect: [404, 201, 403, 403, 403, 403, 403, 403, 403] },
    Row { method: "POST", path: "/api/v1/boards/{boardB}/disclosures", body: Some(new_disclosure),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // Integration endpoints refuse people's tokens.
    get("/api/v1/integration/me",                   [401, 401, 401, 401, 401, 401, 401, 401, 401]),
    Row { method: "PUT", path: "/api/v1/schools/{A1}/roster", body: Some(empty_roster),
                                                    expect: [401, 401, 401, 401, 401, 401, 401, 401, 401] },
    Row { method: "PATCH", path: "/api/v1/schools/{A1}/roster", body: Some(empty_delta),
                                                    expect: [401, 401, 401, 401, 401, 401, 401, 401, 401] },
    // Roster administration: the school's admins and its board's.
    get("/api/v1/schools/{A1}/sync-runs",           [404, 200, 200, 403, 403, 403, 403, 403, 403]),
    get("/api/v1/schools/{B1}/sync-runs",           [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/sync-settings",       [404, 200, 200, 403, 403, 403, 403, 403, 403]),
    get("/api/v1/schools/{B1}/sync-settings",       [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "PUT", path: "/api/v1/schools/{A1}/sync-settings", body: Some(sync_settings),
                                                    expect: [404, 200, 200, 403, 403, 403, 403, 403, 403] },
    Row { method: "PUT", path: "/api/v1/schools/{B1}/sync-settings", body: Some(sync_settings),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // No held run in the world: the admins get 404 for the run, the rest of the school 403.
    Row { method: "POST", path: "/api/v1/schools/{A1}/sync-runs/{A2}/confirmation", body: None,
                                                    expect: [404, 404, 404, 403, 403, 403, 403, 403, 403] },
    Row { method: "POST", path: "/api/v1/schools/{B1}/sync-runs/{A2}/confirmation", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "PUT", path: "/api/v1/schools/{A1}/roster-source", body: Some(roster_source),
                                                    expect: [404, 200, 200, 403, 403, 403, 403, 403, 403] },
    Row { method: "PUT", path: "/api/v1/schools/{B1}/roster-source", body: Some(roster_source),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    get("/api/v1/schools/{A1}/roster-source",       [404, 200, 200, 403, 403, 403, 403, 403, 403]),
    get("/api/v1/schools/{B1}/roster-source",       [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "POST", path: "/api/v1/schools/{A1}/roster-source/fetch", body: None,
                                                    expect: [404, 202, 202, 403, 403, 403, 403, 403, 403] },
    Row { method: "POST", path: "/api/v1/schools/{B1}/roster-source/fetch", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // Change requests: the queue and settings are the school admins' (and the board's).
    get("/api/v1/schools/{A1}/change-requests",     [404, 200, 200, 403, 403, 403, 403, 403, 403]),
    get("/api/v1/schools/{B1}/change-requests",     [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/change-request-settings", [404, 200, 200, 403, 403, 403, 403, 403, 403]),
    Row { method: "PUT", path: "/api/v1/schools/{A1}/change-request-settings", body: Some(all_requestable),
                                                    expect: [404, 200, 200, 403, 403, 403, 403, 403, 403] },
    Row { method: "PUT", path: "/api/v1/schools/{B1}/change-request-settings", body: Some(all_requestable),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // A request is seen by its requester and the school's admins, not by other staff or families.
    get("/api/v1/change-requests/{CR1}",            [404, 200, 200, 404, 404, 404, 404, 200, 404]),
    get("/api/v1/change-requests/{CR5}",            [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/me/change-requests",               [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // Guardians ask for themselves and (with parental authority) for their children; staff who
    // can see the person may not ask on their behalf.
    Row { method: "POST", path: "/api/v1/guardians/{M1}/change-requests", body: Some(own_phone),
                                                    expect: [404, 403, 403, 403, 403, 403, 404, 201, 404] },
    Row { method: "POST", path: "/api/v1/guardians/{M5}/change-requests", body: Some(own_phone),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/pupils/{P1}/change-requests", body: Some(child_name),
                                                    expect: [404, 403, 403, 403, 403, 403, 403, 201, 404] },
    Row { method: "POST", path: "/api/v1/pupils/{P5}/change-requests", body: Some(child_name),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // News: N1 is to all of A1, N2 to A1's G2 (not the guardians' children's group), N5 to B1.
    // The school's staff read its live posts; guardians the posts of their children's groups.
    // The modules row above left news on at A1 for guardians, teachers and admins only: for the
    // director, care staff and lunch supervisor it does not exist.
    Row { method: "POST", path: "/api/v1/schools/{A1}/news", body: Some(school_news),
                                                    expect: [404, 201, 201, 404, 403, 404, 404, 403, 403] },
    Row { method: "POST", path: "/api/v1/schools/{B1}/news", body: Some(school_news),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    get("/api/v1/me/news",                          [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    // News off for the director, care staff and lunch supervisor: no staff list for them now.
    get("/api/v1/schools/{A1}/news",                [404, 200, 200, 404, 200, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/news?state=scheduled",[404, 200, 200, 404, 200, 404, 404, 404, 404]),
    get("/api/v1/schools/{B1}/news?state=scheduled",[404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/news?state=draft",    [404, 200, 200, 404, 200, 404, 404, 404, 404]),

    get("/api/v1/news/{N1}",                        [404, 200, 200, 404, 200, 404, 404, 200, 200]),
    // N2 goes to G2: the teacher of G1 has no role in it.
    get("/api/v1/news/{N2}",                        [404, 200, 200, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/news/{N5}",                        [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "PUT", path: "/api/v1/news/{N1}/read", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 204, 204] },
    Row { method: "PUT", path: "/api/v1/news/{N2}/read", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // Who has read a post: its author and the school's admins.
    get("/api/v1/news/{N1}/readers",                [404, 200, 200, 404, 403, 404, 404, 404, 404]),
    get("/api/v1/news/{N5}/readers",                [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "DELETE", path: "/api/v1/news/{N5}", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // Comments: read by the audience's guardians and the staff who see the post (before any are
    // written here: a comment shows its writer's name to the rest of the audience, by design).
    get("/api/v1/news/{N1}/comments",               [404, 200, 200, 404, 200, 404, 404, 200, 200]),
    get("/api/v1/news/{N2}/comments",               [404, 200, 200, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/news/{N5}/comments",               [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    // Editing: the author (the school's admin) and the board's admin; the first edit raises the
    // version, so the admin's edit of version 1 after it is 409. It switches comments on and
    // asks for a confirmation per child, for the rows below.
    Row { method: "PUT", path: "/api/v1/news/{N1}", body: Some(open_up_n1),
                                                    expect: [404, 200, 409, 404, 403, 404, 404, 404, 404] },
    Row { method: "PUT", path: "/api/v1/news/{N5}", body: Some(pin),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    get("/api/v1/news/{N1}/revisions",              [404, 200, 200, 404, 403, 404, 404, 404, 404]),
    get("/api/v1/news/{N5}/revisions",              [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    // Guardians of the audience comment; staff who see the post do not (403).
    Row { method: "POST", path: "/api/v1/news/{N1}/comments", body: Some(comment),
                                                    expect: [404, 403, 403, 404, 403, 404, 404, 201, 201] },
    Row { method: "POST", path: "/api/v1/news/{N2}/comments", body: Some(comment),
                                                    expect: [404, 403, 403, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/news/{N5}/comments", body: Some(comment),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // Hiding is the author's and the admins' (no such comment here: 404 for them, 403 for other
    // staff who see the post, 404 for the rest).
    Row { method: "PUT", path: "/api/v1/news/{N1}/comments/{A2}/hidden", body: None,
                                                    expect: [404, 404, 404, 404, 403, 404, 404, 404, 404] },
    Row { method: "DELETE", path: "/api/v1/news/{N1}/comments/{A2}/hidden", body: None,
                                                    expect: [404, 404, 404, 404, 403, 404, 404, 404, 404] },
    Row { method: "PUT", path: "/api/v1/news/{N5}/comments/{A2}/hidden", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // Read confirmation: guardians of the audience confirm; the author and admins see the count.
    Row { method: "PUT", path: "/api/v1/news/{N1}/confirmation", body: None,
                                                    expect: [404, 403, 403, 404, 403, 404, 404, 200, 200] },
    Row { method: "PUT", path: "/api/v1/news/{N2}/confirmation", body: None,
                                                    expect: [404, 403, 403, 404, 404, 404, 404, 404, 404] },
    Row { method: "PUT", path: "/api/v1/news/{N5}/confirmation", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    get("/api/v1/news/{N1}/confirmations",          [404, 200, 200, 404, 403, 404, 404, 404, 404]),
    // The reminder to those who have not confirmed: the author's and the admins'.
    Row { method: "POST", path: "/api/v1/news/{N1}/confirmation-reminders", body: None,
                                                    expect: [404, 202, 202, 404, 403, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/news/{N5}/confirmation-reminders", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    get("/api/v1/news/{N5}/confirmations",          [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    // Notifications: everyone has their own inbox and choices; I1 is the guardian's (M1's) item
    // about N1, which no one else can mark. A school's settings are read by whoever sees the
    // school and set by those who manage it.
    get("/api/v1/me/notifications",                 [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    Row { method: "PUT", path: "/api/v1/me/notifications/{I1}/read", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 204, 404] },
    Row { method: "POST", path: "/api/v1/me/notifications/read-all", body: None,
                                                    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200] },
    get("/api/v1/me/notification-preferences",      [200, 200, 200, 200, 200, 200, 200, 200, 200]),
    Row { method: "PUT", path: "/api/v1/me/notification-preferences", body: Some(email_immediately),
                                                    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200] },
    get("/api/v1/schools/{A1}/notification-settings", [404, 200, 200, 200, 200, 200, 200, 200, 200]),
    get("/api/v1/schools/{B1}/notification-settings", [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "PUT", path: "/api/v1/schools/{A1}/notification-settings", body: Some(quiet_evenings),
                                                    expect: [404, 200, 200, 403, 403, 403, 403, 403, 403] },
    Row { method: "PUT", path: "/api/v1/schools/{B1}/notification-settings", body: Some(quiet_evenings),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // Webhooks: the school's admins and its board's. On the school's path, the rest of the school
    // is refused (403); an endpoint by id does not exist for anyone else (404).
    get("/api/v1/schools/{A1}/webhooks",            [404, 200, 200, 403, 403, 403, 403, 403, 403]),
    get("/api/v1/schools/{B1}/webhooks",            [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "POST", path: "/api/v1/schools/{A1}/webhooks", body: Some(new_webhook),
                                                    expect: [404, 201, 201, 403, 403, 403, 403, 403, 403] },
    Row { method: "POST", path: "/api/v1/schools/{B1}/webhooks", body: Some(new_webhook),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    get("/api/v1/webhooks/{W1}",                    [404, 200, 200, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/webhooks/{W5}",                    [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "PATCH", path: "/api/v1/webhooks/{W1}", body: Some(webhook_types),
                                                    expect: [404, 200, 200, 404, 404, 404, 404, 404, 404] },
    Row { method: "PATCH", path: "/api/v1/webhooks/{W5}", body: Some(webhook_types),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/webhooks/{W1}/secret", body: None,
                                                    expect: [404, 200, 200, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/webhooks/{W5}/secret", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    get("/api/v1/webhooks/{W1}/deliveries",         [404, 200, 200, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/webhooks/{W5}/deliveries",         [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "POST", path: "/api/v1/webhooks/{W1}/deliveries/{WD1}/replay", body: None,
                                                    expect: [404, 202, 202, 404, 404, 404, 404, 404, 404] },
    // W1's delivery is not W5's: no way to it through another school's endpoint.
    Row { method: "POST", path: "/api/v1/webhooks/{W5}/deliveries/{WD1}/replay", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "DELETE", path: "/api/v1/webhooks/{W5}", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/boards",   body: Some(new_board),
                                                    expect: [201, 403, 403, 403, 403, 403, 403, 403, 403] },
    // Deleting is for school admins only (seed 003). These rows change the world, so they come
    // last, and columns run in order: after the admin's delete, a removed guardian or pupil is gone
    // for everyone.
    // CR1 was replaced by the guardian's new request about P1 above: no longer open.
    Row { method: "POST", path: "/api/v1/change-requests/{CR1}/decision", body: Some(reject_last_name),
                                                    expect: [404, 409, 409, 404, 404, 404, 404, 403, 404] },
    Row { method: "POST", path: "/api/v1/change-requests/{CR5}/decision", body: Some(reject_last_name),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "DELETE", path: "/api/v1/schools/{A1}/roster-source", body: None,
                                                    expect: [404, 204, 404, 403, 403, 403, 403, 403, 403] },
    Row { method: "DELETE", path: "/api/v1/schools/{B1}/roster-source", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "DELETE", path: "/api/v1/guardians/{M3}", body: None,
                                                    expect: [404, 403, 204, 404, 404, 404, 404, 404, 404] },
    Row { method: "DELETE", path: "/api/v1/guardians/{M5}", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // Once the school admin removed P3, it is gone for everyone after (director on: 404).
    Row { method: "DELETE", path: "/api/v1/pupils/{P3}", body: None,
                                                    expect: [404, 403, 204, 404, 404, 404, 404, 404, 404] },
    Row { method: "DELETE", path: "/api/v1/pupils/{P5}", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    // The board's admin deletes N1: gone for everyone after.
    Row { method: "DELETE", path: "/api/v1/news/{N1}", body: None,
                                                    expect: [404, 204, 404, 404, 404, 404, 404, 404, 404] },
    // The board's admin deletes W1: gone for everyone after.
    Row { method: "DELETE", path: "/api/v1/webhooks/{W1}", body: None,
                                                    expect: [404, 204, 404, 404, 404, 404, 404, 404, 404] },
    // A removed pupil and the guardians of a removed pupil are out of every scoped read.
    get("/api/v1/pupils/{P3}",                      [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/guardians/{M3}",                   [404, 404, 404, 404, 404, 404, 404, 404, 404]),
];

/// What each actor may never see, in any answer: markers of objects out of their reach, and for
/// guardians, staff contact details.
fn never_visible(actor: &str) -> Vec<String> {
    let objects: &[&str] = match actor {
        "operator" => &[
            "P1", "P2", "P3", "P4", "P5", "M1", "D1", "M2", "M3", "M4", "M5", "teacher",
            "b1_admin", "N1", "N2", "N5", "W1", "W5", "ABS1", "ABS5",
        ],
        "board_admin" => &["P5", "M5", "b1_admin", "N5", "W5", "ABS1", "ABS5"],
        "school_admin" => &[
            "P4", "M4", "P5", "M5", "b1_admin", "N5", "W5", "ABS1", "ABS5",
        ],
        // ABS1's note is medical detail: the group's teacher and care staff read it, the
        // director and admins do not.
        "director" => &[
            "P4", "M4", "P5", "M5", "b1_admin", "N5", "W1", "W5", "ABS1", "ABS5",
        ],
        "care_staff" => &["P4", "M4", "P5", "M5", "b1_admin", "N5", "W1", "W5", "ABS5"],
        "teacher" => &[
            "P3", "M3", "P4", "M4", "P5", "M5", "b1_admin", "N2", "N5", "W1", "W5", "ABS5",
        ],
        "lunch_supervisor" => &[
            "M1", "D1", "M2", "M3", "P4", "M4", "P5", "M5", "b1_admin", "N5", "W1", "W5", "ABS1",
            "ABS5",
        ],
        "guardian" => &[
            "D1", "P2", "M2", "P3", "M3", "P4", "M4", "P5", "M5", "b1_admin", "N2", "N5", "W1",
            "W5", "ABS5",
        ],
        "other_guardian" => &[
            "P1", "M1", "D1", "P3", "M3", "P4", "M4", "P5", "M5", "b1_admin", "N2", "N5", "W1",
            "W5", "ABS1", "ABS5",
        ],
        other => panic!("unknown actor {other}"),
    };
    let mut strings: Vec<String> = objects.iter().map(|o| marker(o)).collect();
    if !matches!(actor, "board_admin" | "school_admin") {
        // A webhook's signing secret.
        strings.push("whsec_".to_owned());
    }
    if actor.ends_with("guardian") {
        // Staff contact details (seed 003) and the other parent's.
        strings.extend([
            // Markers that cannot occur inside an id.
            "+31 30".to_owned(),
            "teacher@world.example".to_owned(),
            "+31 6 D1".to_owned(),
        ]);
    }
    strings
}

/// Has the engine notify the world's posts and answers the actor's first inbox item.
async fn first_notification(app: &TestApp, world: &World, actor: &str) -> String {
    app.notify_at(chrono::Utc::now());
    let inbox: Value = app
        .get_as(world.token(actor), "/api/v1/me/notifications")
        .await
        .json()
        .await
        .unwrap();
    inbox["items"][0]["id"]
        .as_str()
        .expect("an inbox item")
        .to_owned()
}

/// Runs rows against the world; the failures, each in a line.
async fn run_matrix(app: &TestApp, world: &World, rows: &[Row]) -> Vec<String> {
    let counter = AtomicUsize::new(1);
    let mut failures = Vec::new();
    for row in rows {
        let path = world.path(row.path);
        for (column, actor) in ACTORS.iter().enumerate() {
            let method = Method::from_bytes(row.method.as_bytes()).unwrap();
            let mut request = app.request(method, &path).bearer_auth(world.token(actor));
            if let Some(body) = row.body {
                request = request.json(&body(counter.fetch_add(1, Ordering::Relaxed)));
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            if status != row.expect[column] {
                failures.push(format!(
                    "{} {} as {actor}: expected {}, got {status}",
                    row.method, row.path, row.expect[column]
                ));
            }
            for secret in never_visible(actor) {
                if text.contains(&secret) {
                    failures.push(format!(
                        "{} {} as {actor}: answer contains {secret}",
                        row.method, row.path
                    ));
                }
            }
        }
    }
    failures
}

#[tokio::test]
async fn every_role_gets_the_right_answer_and_nothing_leaks() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let mut world = World::build(&app).await;
    world
        .ids
        .insert("I1", first_notification(&app, &world, "guardian").await);
    let failures = run_matrix(&app, &world, MATRIX).await;
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Switches a module of school A1 on for these audiences only.
pub(crate) async fn switch(app: &TestApp, world: &World, module: &str, audiences: &[&str]) {
    let body = json!({"modules": [{"module": module, "audiences": audiences}]});
    let response = app
        .request(Method::PUT, &world.path("/api/v1/schools/{A1}/modules"))
        .bearer_auth(world.token("school_admin"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// The absence endpoints at school A1 with absence switched off school-wide: as if they did not
/// exist, for everyone (seed 004), and nothing is written.
#[rustfmt::skip]
const ABSENCE_OFF: &[Row] = &[
    get("/api/v1/pupils/{P1}/absences",             [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/absences/{ABS1}",                  [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/absences",            [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/absence-signals",     [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    get("/api/v1/schools/{A1}/calendar/2026-2027",  [404, 404, 404, 404, 404, 404, 404, 404, 404]),
    Row { method: "POST", path: "/api/v1/pupils/{P1}/absences", body: Some(absence_report),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/schools/{A1}/absences", body: Some(absence_registration),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "PATCH", path: "/api/v1/absences/{ABS1}", body: Some(absence_change),
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
    Row { method: "POST", path: "/api/v1/absences/{ABS1}/withdrawal", body: None,
                                                    expect: [404, 404, 404, 404, 404, 404, 404, 404, 404] },
];

#[tokio::test]
async fn with_absence_switched_off_its_endpoints_do_not_exist_and_nothing_is_written() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    switch(&app, &world, "absence", &[]).await;
    let failures = run_matrix(&app, &world, ABSENCE_OFF).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM absences"),
        2,
        "the world's two"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM absence_history"), 0);
}

/// The change-request endpoints at school A1 with the module switched off school-wide: as if they
/// did not exist, for everyone (seed 004).
const CHANGE_REQUESTS_OFF: &[Row] = &[
    get(
        "/api/v1/schools/{A1}/change-requests",
        [404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    get(
        "/api/v1/schools/{A1}/change-request-settings",
        [404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    Row {
        method: "PUT",
        path: "/api/v1/schools/{A1}/change-request-settings",
        body: Some(all_requestable),
        expect: [404, 404, 404, 404, 404, 404, 404, 404, 404],
    },
    get(
        "/api/v1/change-requests/{CR1}",
        [404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
    Row {
        method: "POST",
        path: "/api/v1/guardians/{M1}/change-requests",
        body: Some(own_phone),
        expect: [404, 404, 404, 404, 404, 404, 404, 404, 404],
    },
    Row {
        method: "POST",
        path: "/api/v1/pupils/{P1}/change-requests",
        body: Some(child_name),
        expect: [404, 404, 404, 404, 404, 404, 404, 404, 404],
    },
    Row {
        method: "POST",
        path: "/api/v1/change-requests/{CR1}/decision",
        body: Some(reject_last_name),
        expect: [404, 404, 404, 404, 404, 404, 404, 404, 404],
    },
];

/// The same with the module on for staff but off for guardians: the school's admins work the
/// queue; guardians find nothing.
const CHANGE_REQUESTS_OFF_FOR_GUARDIANS: &[Row] = &[
    get(
        "/api/v1/schools/{A1}/change-requests",
        [404, 200, 200, 403, 403, 403, 403, 404, 404],
    ),
    get(
        "/api/v1/change-requests/{CR1}",
        [404, 200, 200, 404, 404, 404, 404, 404, 404],
    ),
    Row {
        method: "POST",
        path: "/api/v1/guardians/{M1}/change-requests",
        body: Some(own_phone),
        expect: [404, 403, 403, 403, 403, 403, 404, 404, 404],
    },
    Row {
        method: "POST",
        path: "/api/v1/pupils/{P1}/change-requests",
        body: Some(child_name),
        expect: [404, 403, 403, 403, 403, 403, 403, 404, 404],
    },
];

#[tokio::test]
async fn a_module_switched_off_does_not_exist_and_sends_nothing() {
    let app = TestApp::spawn_with(&[("OUDERPORTAAL_RATE_LIMIT_PER_MINUTE", "100000")]).await;
    let world = World::build(&app).await;
    world.set_a1_admin_email(&app);
    let staff = [
        "school_admin",
        "director",
        "teacher",
        "care_staff",
        "lunch_supervisor",
    ];

    switch(&app, &world, "change_requests", &[]).await;
    let mut failures = run_matrix(&app, &world, CHANGE_REQUESTS_OFF).await;
    let mine: Value = app
        .get_as(world.token("guardian"), "/api/v1/me/change-requests")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine["items"],
        json!([]),
        "the guardian's own request is hidden too"
    );

    switch(&app, &world, "change_requests", &staff).await;
    failures.extend(run_matrix(&app, &world, CHANGE_REQUESTS_OFF_FOR_GUARDIANS).await);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The admin decides CR1, but the guardian, for whom the module is off, is not mailed.
    let decided = app
        .post_json_as(
            world.token("school_admin"),
            &world.path("/api/v1/change-requests/{CR1}/decision"),
            &reject_last_name(0),
        )
        .await;
    assert_eq!(decided.status(), 200);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox"),
        0,
        "nothing was sent: no submissions reached the school, no decision reached a guardian"
    );
}

fn ids(body: &Value, key: &str) -> Vec<String> {
    let mut ids: Vec<String> = body[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn sorted(world: &World, names: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = names.iter().map(|n| world.id(n).to_owned()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn lists_hold_exactly_what_the_caller_may_see() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let get = |actor: &'static str, path: &'static str| {
        let app = &app;
        let world = &world;
        async move {
            let response = app.get_as(world.token(actor), &world.path(path)).await;
            assert_eq!(response.status(), 200, "{actor} {path}");
            response.json::<Value>().await.unwrap()
        }
    };

    let pupils = "/api/v1/schools/{A1}/pupils";
    assert_eq!(
        ids(&get("teacher", pupils).await, "items"),
        sorted(&world, &["P1", "P2"])
    );
    assert_eq!(
        ids(&get("school_admin", pupils).await, "items"),
        sorted(&world, &["P1", "P2", "P3"])
    );
    assert_eq!(
        ids(&get("board_admin", "/api/v1/schools").await, "items"),
        sorted(&world, &["A1", "A2"])
    );
    assert_eq!(
        ids(&get("guardian", "/api/v1/schools").await, "items"),
        sorted(&world, &["A1"])
    );

    // A guardian sees their child and, of its guardians, only themselves, with their own contact.
    let child = get("guardian", "/api/v1/pupils/{P1}").await;
    assert_eq!(ids(&child, "guardians"), sorted(&world, &["M1"]));
    assert_eq!(
        child["guardians"][0]["contact"]["email"],
        "m1@world.example"
    );
    assert_eq!(child["parents_separated"], true);
    // The teacher sees both parents with contact details.
    let seen_by_teacher = get("teacher", "/api/v1/pupils/{P1}").await;
    assert_eq!(
        ids(&seen_by_teacher, "guardians"),
        sorted(&world, &["M1", "D1"])
    );
    assert!(
        seen_by_teacher["guardians"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["contact"].is_object())
    );

    // Staff contact details go to colleagues, never to guardians.
    let staff = get("guardian", "/api/v1/schools/{A1}/staff").await;
    assert!(
        staff["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("contact").is_none())
    );
    let staff = get("director", "/api/v1/schools/{A1}/staff").await;
    assert!(
        staff["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["contact"]["email"].is_string())
    );

    let me = get("guardian", "/api/v1/me").await;
    assert_eq!(ids(&me, "children"), sorted(&world, &["P1"]));
    assert_eq!(me["children"][0]["parental_authority"], true);
}

#[tokio::test]
async fn reads_and_refusals_are_in_the_schools_audit_log() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let teacher_me: Value = app
        .get_as(world.token("teacher"), "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    let guardian_me: Value = app
        .get_as(world.token("guardian"), "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        app.get_as(world.token("teacher"), &world.path("/api/v1/pupils/{P1}"))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get_as(
            world.token("guardian"),
            &world.path("/api/v1/schools/{A1}/pupils")
        )
        .await
        .status(),
        403
    );

    let log = |query: String| {
        let app = &app;
        let world = &world;
        async move {
            let path = format!(
                "{}?{query}",
                world.path("/api/v1/schools/{A1}/audit-events")
            );
            let response = app.get_as(world.token("school_admin"), &path).await;
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let reads = log(format!("action=read&object_id={}", world.id("P1"))).await;
    let event = &reads["items"][0];
    assert_eq!(event["account_id"], teacher_me["account_id"]);
    assert_eq!(event["object_type"], "pupil");
    assert_eq!(event["outcome"], "ok");
    assert!(event["request_id"].is_string());

    let refusals = log("outcome=forbidden".to_owned()).await;
    let refusal = &refusals["items"][0];
    assert_eq!(refusal["account_id"], guardian_me["account_id"]);
    assert_eq!(refusal["action"], "list_pupils");

    // The log holds no personal data: no names, no e-mail addresses.
    let everything = log("limit=100".to_owned()).await.to_string();
    assert!(
        !everything.contains("Marker") && !everything.contains("@world.example"),
        "{everything}"
    );
}

#[tokio::test]
async fn a_removed_pupil_leaves_the_lists_and_its_guardians_lose_access() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let path = world.path("/api/v1/pupils/{P2}");
    let removed = app
        .request(Method::DELETE, &path)
        .bearer_auth(world.token("school_admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);

    let list: Value = app
        .get_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/pupils"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&list, "items"), sorted(&world, &["P1", "P3"]));
    // Staff no longer read the removed pupil nor its guardian's contact details by id.
    for actor in ["teacher", "school_admin", "director", "care_staff"] {
        for object in ["/api/v1/pupils/{P2}", "/api/v1/guardians/{M2}"] {
            let response = app.get_as(world.token(actor), &world.path(object)).await;
            assert_eq!(response.status(), 404, "{actor} {object}");
        }
    }
    // Removing stays the admins' (seed 003): the director is refused on a current pupil.
    let by_director = app
        .request(Method::DELETE, &world.path("/api/v1/pupils/{P1}"))
        .bearer_auth(world.token("director"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_director.status(), 403);
    let me: Value = app
        .get_as(world.token("other_guardian"), "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert!(me["children"].as_array().unwrap().is_empty());
    assert_eq!(
        app.get_as(world.token("other_guardian"), &path)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get_as(
            world.token("other_guardian"),
            &world.path("/api/v1/schools/{A1}")
        )
        .await
        .status(),
        404
    );
}

#[tokio::test]
async fn a_teacher_reads_the_pupils_of_this_school_years_groups_only() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let p3 = world.path("/api/v1/pupils/{P3}");
    assert_eq!(app.get_as(world.token("teacher"), &p3).await.status(), 404);
    // Years ago the teacher had P3 in a group of a school year that has ended.
    let (year, group) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    app.execute_sql(&format!(
        "INSERT INTO school_years (id, school_id, name, starts_on, ends_on) \
         VALUES ('{year}', '{a1}', '2020-2021', '2020-08-01', '2021-07-31')",
        a1 = world.id("A1")
    ));
    app.execute_sql(&format!(
        "INSERT INTO school_groups (id, school_id, school_year_id, las_key, name, year_group, \
         is_combined, created_at, updated_at) VALUES ('{group}', '{a1}', '{year}', 'OLD', 'Oud', \
         3, FALSE, '2020-08-01 00:00:00', '2020-08-01 00:00:00')",
        a1 = world.id("A1")
    ));
    app.execute_sql(&format!(
        "INSERT INTO enrolments (pupil_id, group_id) VALUES ('{}', '{group}')",
        world.id("P3")
    ));
    app.execute_sql(&format!(
        "INSERT INTO staff_groups (staff_id, group_id) VALUES ('{}', '{group}')",
        world.id("S_teacher")
    ));
    // Last year's groups are the school's (its admins', for the retention period), not the
    // former teacher's.
    assert_eq!(app.get_as(world.token("teacher"), &p3).await.status(), 404);
    assert_eq!(
        app.get_as(
            world.token("teacher"),
            &world.path("/api/v1/guardians/{M3}")
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.get_as(world.token("school_admin"), &p3).await.status(),
        200
    );
    // The control: the same teacher reads P1 of this year's G1.
    assert_eq!(
        app.get_as(world.token("teacher"), &world.path("/api/v1/pupils/{P1}"))
            .await
            .status(),
        200
    );
}

/// How many audit events match this condition.
fn audit_count(app: &TestApp, condition: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE {condition}"
    ))
}

#[tokio::test]
async fn refusals_answered_404_and_clients_acts_are_in_the_audit_log() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let me: Value = app
        .get_as(world.token("teacher"), "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    let teacher = me["account_id"].as_str().unwrap().to_owned();

    // Out of the teacher's scope: 404, and recorded as a refusal.
    let p3 = world.id("P3").to_owned();
    let response = app
        .get_as(world.token("teacher"), &world.path("/api/v1/pupils/{P3}"))
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        audit_count(
            &app,
            &format!(
                "account_id = '{teacher}' AND object_id = '{p3}' AND outcome = 'not_found' \
                 AND object_type = '/api/v1/pupils/{{pupil_id}}'"
            )
        ),
        1
    );

    // A client refused at another school of its board, and one that pushed: both named.
    let other_school = crate::integration::client_token(&app, &world, Some("A2")).await;
    let client: Value = jsonwebtoken::dangerous::insecure_decode_claims(&other_school).unwrap();
    let client_id = client["sub"].as_str().unwrap().to_owned();
    let empty = crate::world::empty_roster();
    let refused = app
        .request(Method::PUT, &world.path("/api/v1/schools/{A1}/roster"))
        .bearer_auth(&other_school)
        .json(&empty)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let log: Value = app
        .get_as(
            world.token("school_admin"),
            &world.path("/api/v1/schools/{A1}/audit-events?outcome=forbidden"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["client_id"] == client_id.as_str() && e["action"] == "roster_sync"),
        "{log}"
    );

    // A failed sign-in names the account it was for.
    app.login("m1@world.example", "wrong-password-123").await;
    assert_eq!(
        audit_count(
            &app,
            "action = 'login' AND outcome = 'failed' AND object_id IN \
             (SELECT id FROM accounts WHERE email = 'm1@world.example')"
        ),
        1
    );
}
