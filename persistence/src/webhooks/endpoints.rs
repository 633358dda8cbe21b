//! A school's webhook endpoints. Registering and listing take a [`VisibleSchool`] the caller may
//! manage; reads and changes by id take [`ManagedSchools`], which only [`managed_schools`] makes
//! from the policy, so an endpoint of a school the caller does not manage does not exist for them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::actor::Actor;
use domain::notify::EventKind;
use domain::notify::webhook_delivery::{DisabledReason, join_kinds};
use domain::policy::SchoolAction;

use super::rows::{Endpoint, EndpointRow};
use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::new_id;
use crate::page::{Page, fetch_page};
use crate::schema::webhook_endpoints;
use crate::schools::{self, VisibleSchool};

/// The schools whose webhooks the caller manages (policy: `SchoolAction::ManageWebhooks`).
#[derive(Debug, Clone, Default)]
pub struct ManagedSchools(Vec<String>);

/// The schools of the caller's boards and staff memberships where the policy lets them manage
/// webhooks: one query.
pub fn managed_schools(
    conn: &mut AnyConnection,
    actor: &Actor,
) -> Result<ManagedSchools, RepoError> {
    let boards: Vec<String> = actor
        .board_admin_of
        .iter()
        .map(ToString::to_string)
        .collect();
    let staff_at: Vec<String> = actor
        .staff
        .iter()
        .map(|m| m.school_id.to_string())
        .collect();
    let candidates = schools::refs(conn, &boards, &staff_at)?;
    Ok(ManagedSchools(
        actor
            .schools_where(SchoolAction::ManageWebhooks, &candidates)
            .iter()
            .map(|s| s.school_id.to_string())
            .collect(),
    ))
}

/// A new endpoint; its event types already checked by the domain's `subscription`.
pub struct NewEndpoint<'a> {
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub event_types: &'a [EventKind],
    pub secret: &'a str,
}

pub fn insert(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    new: &NewEndpoint<'_>,
    now: NaiveDateTime,
) -> Result<Endpoint, RepoError> {
    let row = EndpointRow {
        id: new_id(),
        school_id: school.id().to_owned(),
        url: new.url.to_owned(),
        description: new.description.map(str::to_owned),
        event_types: join_kinds(new.event_types),
        secret: new.secret.to_owned(),
        created_at: now,
        updated_at: now,
        disabled_at: None,
        disabled_reason: None,
        exhausted_in_a_row: 0,
    };
    diesel::insert_into(webhook_endpoints::table)
        .values(&row)
        .execute(conn)?;
    Endpoint::try_from(row)
}

/// The school's endpoints in registration order, a page at a time.
pub fn list(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<Endpoint>, RepoError> {
    let page: Page<EndpointRow> = fetch_page::<_, RepoError>(
        limit,
        |fetch| {
            let mut query = webhook_endpoints::table
                .filter(webhook_endpoints::school_id.eq(school.id()))
                .select(EndpointRow::as_select())
                .order(webhook_endpoints::id.asc())
                .limit(fetch)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(webhook_endpoints::id.gt(after.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(Endpoint::try_from)
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    })
}

/// The endpoint with this id at a school the caller manages; [`RepoError::NotFound`] otherwise.
pub fn find(
    conn: &mut AnyConnection,
    managed: &ManagedSchools,
    id: &str,
) -> Result<Endpoint, RepoError> {
    webhook_endpoints::table
        .filter(webhook_endpoints::id.eq(id))
        .filter(webhook_endpoints::school_id.eq_any(&managed.0))
        .select(EndpointRow::as_select())
        .first(conn)?
        .try_into()
}

/// What a change sets; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointChanges {
    pub url: Option<String>,
    /// `Some(None)` removes the description.
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<EventKind>>,
    /// `Some(true)` enables (and forgets past failures), `Some(false)` disables by the admin.
    pub active: Option<bool>,
}

#[derive(AsChangeset)]
#[diesel(table_name = webhook_endpoints)]
struct Changeset {
    url: Option<String>,
    description: Option<Option<String>>,
    event_types: Option<String>,
    updated_at: NaiveDateTime,
}

/// Applies `changes` to an endpoint found with [`find`] and returns it as it is now. Enabling
/// forgets past failures; disabling an endpoint that is disabled already keeps its reason.
pub fn update(
    conn: &mut AnyConnection,
    endpoint: &Endpoint,
    changes: EndpointChanges,
    now: NaiveDateTime,
) -> Result<Endpoint, RepoError> {
    let changeset = Changeset {
        url: changes.url,
        description: changes.description,
        event_types: changes.event_types.as_deref().map(join_kinds),
        updated_at: now,
    };
    let this = webhook_endpoints::table.find(&endpoint.id);
    diesel::update(this).set(&changeset).execute(conn)?;
    match changes.active {
        Some(true) => {
            diesel::update(this)
                .set((
                    webhook_endpoints::disabled_at.eq(None::<NaiveDateTime>),
                    webhook_endpoints::disabled_reason.eq(None::<String>),
                    webhook_endpoints::exhausted_in_a_row.eq(0),
                ))
                .execute(conn)?;
        }
        Some(false) => {
            diesel::update(this.filter(webhook_endpoints::disabled_at.is_null()))
                .set((
                    webhook_endpoints::disabled_at.eq(Some(now)),
                    webhook_endpoints::disabled_reason.eq(Some(DisabledReason::ByAdmin.as_str())),
                ))
                .execute(conn)?;
        }
        None => {}
    }
    reload(conn, &endpoint.id)
}

/// Gives an endpoint found with [`find`] a new secret; the old one stops signing at once.
pub fn set_secret(
    conn: &mut AnyConnection,
    endpoint: &Endpoint,
    secret: &str,
    now: NaiveDateTime,
) -> Result<Endpoint, RepoError> {
    diesel::update(webhook_endpoints::table.find(&endpoint.id))
        .set((
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::updated_at.eq(now),
        ))
        .execute(conn)?;
    reload(conn, &endpoint.id)
}

/// Removes an endpoint found with [`find`], with its deliveries and their attempts.
pub fn delete(conn: &mut AnyConnection, endpoint: &Endpoint) -> Result<(), RepoError> {
    diesel::delete(webhook_endpoints::table.find(&endpoint.id)).execute(conn)?;
    Ok(())
}

/// Disables an endpoint that kept failing (the worker's, after the domain said so); an endpoint
/// already disabled keeps its reason.
pub fn disable_failing(
    conn: &mut AnyConnection,
    endpoint_id: &str,
    now: NaiveDateTime,
) -> Result<bool, RepoError> {
    let changed = diesel::update(
        webhook_endpoints::table
            .find(endpoint_id)
            .filter(webhook_endpoints::disabled_at.is_null()),
    )
    .set((
        webhook_endpoints::disabled_at.eq(Some(now)),
        webhook_endpoints::disabled_reason.eq(Some(DisabledReason::Failing.as_str())),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

fn reload(conn: &mut AnyConnection, id: &str) -> Result<Endpoint, RepoError> {
    webhook_endpoints::table
        .find(id)
        .select(EndpointRow::as_select())
        .first(conn)?
        .try_into()
}
