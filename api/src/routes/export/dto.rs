//! The access export's contract types: the job, the download's format and the document's shape.

use chrono::{DateTime, Utc};
use domain::export::ExportState;
use persistence::export::jobs::ExportJob;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{KnownFormat, RefOr};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use validator::Validate;

/// Where an export job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataExportState {
    /// Waiting for a worker.
    Queued,
    /// Being collected; `progress` advances per section.
    Running,
    /// Ready: `download` holds the link until `expires_at`.
    Done,
    /// Collecting failed; ask again.
    Failed,
}

same_enum!(
    DataExportState,
    ExportState,
    [Queued, Running, Done, Failed]
);

/// An access export (AVG art. 15): everything the portal holds about the caller and their
/// children, collected in the background.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "019388a0-7c4e-7b8a-9a3e-2f1d5c6b7a80",
    "state": "done",
    "progress": 100,
    "requested_at": "2026-11-30T14:00:00Z",
    "finished_at": "2026-11-30T14:00:03Z",
    "expires_at": "2026-12-07T14:00:03Z",
    "download": "/api/v1/me/exports/019388a0-7c4e-7b8a-9a3e-2f1d5c6b7a80/download"
}))]
pub struct DataExport {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    pub state: DataExportState,
    /// Percent of the sections collected (100 when done).
    #[schema(minimum = 0, maximum = 100)]
    pub progress: i32,
    pub requested_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    /// Until when the document can be downloaded (a week after it was made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The download link, while the document is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(
        max_length = 200,
        pattern = "^/api/v1/me/exports/[0-9a-f-]{36}/download$"
    )]
    pub download: Option<String>,
}

impl DataExport {
    pub fn of(job: &ExportJob, now: DateTime<Utc>) -> DataExport {
        let kept = crate::services::export::downloadable(job, now);
        DataExport {
            id: job.id.clone(),
            state: job.state.into(),
            progress: job.progress,
            requested_at: job.requested_at.and_utc(),
            finished_at: job.finished_at.map(|at| at.and_utc()),
            expires_at: job.expires_at.map(|at| at.and_utc()),
            download: kept.then(|| format!("/api/v1/me/exports/{}/download", job.id)),
        }
    }
}

/// The download's form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DownloadFormat {
    /// The JSON document.
    #[default]
    Json,
    /// A ZIP with `export.json` and `overzicht.txt`, a summary in Dutch.
    Zip,
}

/// `?format=` of a download.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadParams {
    /// `json` (default) or `zip`.
    #[param(inline)]
    pub format: Option<DownloadFormat>,
}

/// A section's items carry the stored fields of their module: open objects.
fn item() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(true)))
}

/// A section: a list of open objects (bounded only by what a family can have in years of use).
fn list(description: &str) -> ArrayBuilder {
    ArrayBuilder::new()
        .items(item())
        .max_items(Some(1_000_000))
        .description(Some(description))
}

/// The export's document. Its sections are described here; their items carry the stored fields
/// of each module (see the module's own schemas), so they are open objects.
pub struct DataExportDocument;

impl PartialSchema for DataExportDocument {
    fn schema() -> RefOr<Schema> {
        let object = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some(description))
                .additional_properties(Some(AdditionalProperties::FreeForm(true)))
        };
        let sections = [
            ("account", Schema::Object(object("The account: its e-mail address.").build())),
            ("guardians", Schema::Array(list("The caller's guardian records, one per school.").build())),
            ("children", Schema::Array(list("Per child: `pupil`, `groups`, `guardians` (names and relationship only), `consents`, `consent_history`, `medical_note`, `absences` (each with its `history`), `leave_requests`, `bookings`, `signups`.").build())),
            ("own_consents", Schema::Array(list("The caller's own decisions (sharing their contact details).").build())),
            ("own_consent_history", Schema::Array(list("Every decision of those, oldest first.").build())),
            ("form_responses", Schema::Array(list("The caller's households' responses, with answers and sign-ups.").build())),
            ("change_requests", Schema::Array(list("Change requests made by or about the caller, with their fields.").build())),
            ("news", Schema::Object(object("`reads`, `confirmations` and `comments` of the caller.").build())),
            ("notifications", Schema::Array(list("The caller's inbox.").build())),
            ("audit_events", Schema::Array(list("Audit-log events by the caller or about them or their children (ids only; `by_you` tells whether the caller acted).").build())),
        ];
        let mut builder = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Everything the portal holds about the caller and their children (AVG art. 15).",
            ))
            .property(
                "generated_at",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
            )
            .required("generated_at")
            .additional_properties(Some(AdditionalProperties::FreeForm(true)));
        for (name, schema) in sections {
            builder = builder.property(name, schema).required(name);
        }
        builder.into()
    }
}

impl ToSchema for DataExportDocument {}

/// The ZIP form of the download.
pub struct DataExportZip;

impl PartialSchema for DataExportZip {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom("binary".to_owned())))
            .max_length(Some(100_000_000))
            .description(Some("A ZIP archive: `export.json` and `overzicht.txt`."))
            .into()
    }
}

impl ToSchema for DataExportZip {}
