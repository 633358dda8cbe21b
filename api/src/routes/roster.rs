//! Roster sync for LAS vendors: a full snapshot of a school, applied in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::{put, web};
use chrono::NaiveDate;
use domain::client::Scope;
use domain::roles::StaffRole;
use domain::roster::{
    self, ChildLink, GroupRecord, GuardianRecord, Name, PupilRecord, Snapshot, StaffRecord,
};
use domain::school_year::SchoolYear;
use persistence::ids::uuid;
use persistence::roster_sync::{Counts, apply, load_held};
use persistence::{roster as roster_rows, schools, transaction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::audit::{Audit, Object};
use crate::auth::AuthenticatedClient;
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::BulkJson;
use crate::routes::fields::{LasKey, Role, SchoolYearName};
use crate::state::AppState;
use crate::telemetry;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(update_school_roster);
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterGroup {
    /// The LAS's key of the group.
    pub key: LasKey,
    #[schema(min_length = 1, max_length = 100)]
    #[validate(length(min = 1, max = 100))]
    pub name: String,
    #[schema(minimum = 1, maximum = 8)]
    #[serde(
        default,
        deserialize_with = "crate::routes::fields::optional_whole_number"
    )]
    pub year_group: Option<i32>,
    /// A combined group (samengestelde groep).
    #[serde(default)]
    pub combined: bool,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterPupil {
    pub key: LasKey,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub last_name: String,
    pub date_of_birth: Option<NaiveDate>,
    #[serde(default)]
    pub parents_separated: bool,
    /// Keys of the pupil's groups this school year.
    #[schema(max_items = 10)]
    #[validate(length(max = 10))]
    #[serde(default)]
    pub groups: Vec<LasKey>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterChild {
    /// The pupil's key.
    pub pupil: LasKey,
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub relationship: String,
    pub parental_authority: bool,
    /// Guardians with the same household key live together.
    #[schema(max_length = 100)]
    #[validate(length(max = 100))]
    pub household: String,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterGuardian {
    pub key: LasKey,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub last_name: String,
    #[schema(max_length = 254)]
    #[validate(length(max = 254))]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub phone: Option<String>,
    #[schema(max_items = 20)]
    #[validate(length(max = 20), nested)]
    #[serde(default)]
    pub children: Vec<RosterChild>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterStaff {
    pub key: LasKey,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub first_name: String,
    /// Tussenvoegsel, e.g. `van der`.
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub name_prefix: Option<String>,
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub last_name: String,
    #[schema(max_length = 254)]
    #[validate(length(max = 254))]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub phone: Option<String>,
    #[schema(max_items = 5)]
    #[validate(length(max = 5))]
    #[serde(default)]
    pub roles: Vec<Role>,
    #[schema(max_items = 50)]
    #[validate(length(max = 50))]
    #[serde(default)]
    pub groups: Vec<LasKey>,
}

/// A full roster of one school for one school year. Everything the portal holds for the school
/// and not in the snapshot is deactivated.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterSnapshot {
    /// e.g. `2026-2027`.
    pub school_year: SchoolYearName,
    #[schema(max_items = 500)]
    #[validate(length(max = 500), nested)]
    pub groups: Vec<RosterGroup>,
    #[schema(max_items = 10000)]
    #[validate(length(max = 10000), nested)]
    pub pupils: Vec<RosterPupil>,
    #[schema(max_items = 20000)]
    #[validate(length(max = 20000), nested)]
    pub guardians: Vec<RosterGuardian>,
    #[schema(max_items = 2000)]
    #[validate(length(max = 2000), nested)]
    pub staff: Vec<RosterStaff>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KindCounts {
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub created: u32,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub updated: u32,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub deactivated: u32,
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub unchanged: u32,
}

impl From<Counts> for KindCounts {
    fn from(c: Counts) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        KindCounts {
            created: n(c.created),
            updated: n(c.updated),
            deactivated: n(c.deactivated),
            unchanged: n(c.unchanged),
        }
    }
}

/// A record left out of the sync, and why.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RejectedRecord {
    /// `group`, `pupil`, `guardian` or `staff`.
    #[schema(max_length = 16)]
    pub kind: String,
    #[schema(max_length = 64)]
    pub key: String,
    #[schema(max_length = 100)]
    pub field: String,
    #[schema(max_length = 64)]
    pub code: String,
    #[schema(max_length = 500)]
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SyncResult {
    pub groups: KindCounts,
    pub pupils: KindCounts,
    pub guardians: KindCounts,
    pub staff: KindCounts,
    #[schema(max_items = 10000)]
    pub rejected: Vec<RejectedRecord>,
}

fn name(first_name: String, name_prefix: Option<String>, last_name: String) -> Name {
    Name {
        first_name,
        name_prefix,
        last_name,
    }
}

impl From<RosterSnapshot> for Snapshot {
    fn from(input: RosterSnapshot) -> Self {
        Snapshot {
            school_year: input.school_year.0,
            groups: input
                .groups
                .into_iter()
                .map(|g| GroupRecord {
                    key: g.key.0,
                    name: g.name,
                    year_group: g.year_group,
                    combined: g.combined,
                })
                .collect(),
            pupils: input
                .pupils
                .into_iter()
                .map(|p| PupilRecord {
                    key: p.key.0,
                    name: name(p.first_name, p.name_prefix, p.last_name),
                    date_of_birth: p.date_of_birth,
                    parents_separated: p.parents_separated,
                    groups: p.groups.into_iter().map(|g| g.0).collect(),
                })
                .collect(),
            guardians: input
                .guardians
                .into_iter()
                .map(|g| GuardianRecord {
                    key: g.key.0,
                    name: name(g.first_name, g.name_prefix, g.last_name),
                    email: g.email,
                    phone: g.phone,
                    children: g
                        .children
                        .into_iter()
                        .map(|c| {
                            let link = ChildLink {
                                relationship: c.relationship,
                                parental_authority: c.parental_authority,
                                household: c.household,
                            };
                            (c.pupil.0, link)
                        })
                        .collect::<BTreeMap<_, _>>(),
                })
                .collect(),
            staff: input
                .staff
                .into_iter()
                .map(|s| StaffRecord {
                    key: s.key.0,
                    name: name(s.first_name, s.name_prefix, s.last_name),
                    email: s.email,
                    phone: s.phone,
                    roles: s
                        .roles
                        .into_iter()
                        .map(StaffRole::from)
                        .collect::<BTreeSet<_>>(),
                    groups: s.groups.into_iter().map(|g| g.0).collect(),
                })
                .collect(),
        }
    }
}

/// Push a school's roster (LAS vendors)
///
/// The full roster of the school for one school year. The portal compares it with what it holds
/// and applies the difference in one transaction: after it, every personal-data field equals the
/// LAS. Invalid records are left out and listed in `rejected`; a snapshot whose structure is broken
/// (duplicate keys, a bad school year) changes nothing (422). The same snapshot twice changes
/// nothing the second time. Needs the `roster:write` scope for this school.
#[utoipa::path(
    tag = "integration",
    operation_id = "update_school_roster",
    params(("school_id" = String, Path, format = Uuid, max_length = 36, description = "The school's id.")),
    request_body = RosterSnapshot,
    responses((status = 200, description = "Applied; the counts and the records left out.", body = SyncResult)),
    security(("client_credentials" = ["roster:write"]))
)]
#[put("/schools/{school_id}/roster")]
async fn update_school_roster(
    client: AuthenticatedClient,
    state: web::Data<AppState>,
    path: web::Path<uuid::Uuid>,
    body: BulkJson<RosterSnapshot>,
) -> Result<web::Json<SyncResult>, ApiError> {
    let school_id = path.into_inner().to_string();
    let client = client.0;
    // Reach first: a client learns nothing about schools it may not write.
    let school = db::run(&state.db, move |conn| {
        // Schools outside the client's board do not exist for it.
        let school = schools::find_in_board(conn, &client.board_id.to_string(), &school_id)?;
        if client.may(Scope::RosterWrite, client.board_id, uuid(&school.id)) {
            Ok(school)
        } else {
            Err(ApiError::Forbidden)
        }
    })
    .await?;
    let (snapshot, rejected) = roster::validate(Snapshot::from(body.0)).map_err(|err| {
        ApiError::Validation(vec![FieldError::new(
            err.field,
            "invalid_structure",
            err.message,
        )])
    })?;
    let year = SchoolYear::parse(&snapshot.school_year)
        .ok_or_else(|| ApiError::internal("validated school year"))?;
    let audit = Audit {
        account_id: None,
        request_id: telemetry::current_request_id(),
    };
    let counts = db::run(&state.db, move |conn| {
        let counts = transaction(conn, |conn| {
            let year_row = roster_rows::school_year(
                conn,
                &school.id,
                &year.name(),
                year.starts_on(),
                year.ends_on(),
            )?;
            let held = load_held(conn, &school.id, &year_row.id)?;
            let today = chrono::Utc::now().date_naive();
            Ok::<_, ApiError>(apply(
                conn,
                &school.id,
                &year_row.id,
                &snapshot,
                &held,
                today,
            )?)
        })?;
        let object = Object {
            kind: "roster",
            id: Some(&school.id),
            school_id: Some(&school.id),
        };
        audit.record(conn, "roster_sync", object, "ok")?;
        Ok::<_, ApiError>(counts)
    })
    .await?;
    Ok(web::Json(SyncResult {
        groups: counts.groups.into(),
        pupils: counts.pupils.into(),
        guardians: counts.guardians.into(),
        staff: counts.staff.into(),
        rejected: rejected
            .into_iter()
            .map(|r| RejectedRecord {
                kind: r.kind.to_owned(),
                key: r.key,
                field: r.field,
                code: r.reason.code.to_owned(),
                message: r.reason.message,
            })
            .collect(),
    }))
}
