//! The contract's shapes of sign-up forms as they are made and read, with typed enums, and their
//! conversions. Responses and results are in `response_dto`.

use chrono::{DateTime, Utc};
use domain::forms::{Allocation, CreateForm, NewOption, Per, Phase};
use domain::news::Audience;
use persistence::forms::{StoredForm, StoredOption};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::question_dto::{FormQuestion, FormQuestionInput};
use super::response_dto::FormResponse;
use crate::routes::news::AudienceKind;
use crate::services::forms::{FormView, Mine};

/// Where a form stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormPhase {
    /// Made, not yet open: guardians do not see it.
    NotOpen,
    Open,
    Closed,
}
same_enum!(FormPhase, Phase, [NotOpen, Open, Closed]);

/// Whom an option's places are for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormPer {
    /// Each child signed up takes a place.
    #[default]
    Child,
    /// A household takes one place (a parent who drives or helps).
    Household,
}
same_enum!(FormPer, Per, [Child, Household]);

/// How places are given: at once in order of arrival, or by an allocation run after the close
/// (in order of arrival, or by the households' ranked choices).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormAllocation {
    #[default]
    Immediate,
    FirstCome,
    Preference,
}
same_enum!(
    FormAllocation,
    Allocation,
    [Immediate, FirstCome, Preference]
);

/// Who a form is for.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormAudience {
    pub kind: AudienceKind,
    /// The groups, for `groups` (a teacher: their own groups).
    #[serde(default)]
    #[schema(max_items = 100)]
    #[validate(length(max = 100))]
    pub group_ids: Vec<Uuid>,
}

impl From<&Audience> for FormAudience {
    fn from(audience: &Audience) -> Self {
        FormAudience {
            kind: match audience {
                Audience::School => AudienceKind::School,
                Audience::Groups(_) => AudienceKind::Groups,
            },
            group_ids: audience.group_ids().to_vec(),
        }
    }
}

/// An option as its author sets it.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormOptionInput {
    #[schema(max_length = 200, example = "Ik rijd mee naar de kinderboerderij")]
    #[validate(length(max = 200))]
    pub label: String,
    #[serde(default)]
    pub per: FormPer,
    /// Places; absent for no limit.
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: Option<u32>,
}

fn yes() -> bool {
    true
}

/// A new sign-up form.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormInput {
    #[schema(max_length = 120, example = "Hulpouders sportdag")]
    #[validate(length(max = 120))]
    pub title: String,
    #[schema(max_length = 5000)]
    #[validate(length(max = 5000))]
    pub description: Option<String>,
    #[validate(nested)]
    pub audience: FormAudience,
    /// Only pupils in a group of these year groups (1–8); empty: every year group.
    #[serde(default)]
    #[schema(max_items = 8, minimum = 1, maximum = 8)]
    #[validate(length(max = 8))]
    pub year_groups: Vec<i32>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    #[schema(max_items = 50)]
    #[validate(length(max = 50), nested)]
    pub options: Vec<FormOptionInput>,
    #[serde(default)]
    #[schema(max_items = 20)]
    #[validate(length(max = 20), nested)]
    pub questions: Vec<FormQuestionInput>,
    /// Whether a full option keeps a waiting list (default yes).
    #[serde(default = "yes")]
    pub waiting_list: bool,
    /// The most options one child may be signed up for (placed on a ranked form).
    #[schema(minimum = 1, maximum = 50)]
    pub max_per_child: Option<u32>,
    #[serde(default)]
    pub allocation: FormAllocation,
}

impl FormInput {
    pub fn command(&self) -> CreateForm {
        CreateForm {
            title: self.title.clone(),
            description: self.description.clone(),
            audience: match self.audience.kind {
                AudienceKind::School => Audience::School,
                AudienceKind::Groups => {
                    let mut groups = self.audience.group_ids.clone();
                    groups.sort_unstable();
                    groups.dedup();
                    Audience::Groups(groups)
                }
            },
            year_groups: self.year_groups.clone(),
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            options: self
                .options
                .iter()
                .map(|o| NewOption {
                    label: o.label.clone(),
                    per: o.per.into(),
                    capacity: o.capacity,
                })
                .collect(),
            questions: self
                .questions
                .iter()
                .map(FormQuestionInput::question)
                .collect(),
            waiting_list: self.waiting_list,
            max_per_child: self.max_per_child,
            allocation: self.allocation.into(),
        }
    }
}

/// An option with its places.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormOption {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(max_length = 200)]
    pub label: String,
    pub per: FormPer,
    /// Absent: no limit.
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: Option<u32>,
    #[schema(minimum = 0, maximum = 10000)]
    pub placed: u32,
    #[schema(minimum = 0, maximum = 100000)]
    pub waiting: u32,
    /// Places free now (absent: no limit). A free place goes to those waiting first.
    #[schema(minimum = 0, maximum = 10000)]
    pub places_left: Option<u32>,
}

impl From<StoredOption> for FormOption {
    fn from(o: StoredOption) -> Self {
        FormOption {
            places_left: o.capacity.map(|c| c.saturating_sub(o.placed)),
            id: o.id,
            label: o.label,
            per: o.per.into(),
            capacity: o.capacity,
            placed: o.placed,
            waiting: o.waiting,
        }
    }
}

/// A child of the caller the form reaches (guardians only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormChild {
    #[schema(format = Uuid, max_length = 36)]
    pub pupil_id: String,
    #[schema(max_length = 100)]
    pub first_name: String,
}

/// A form in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormSummary {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    #[schema(max_length = 120)]
    pub title: String,
    pub phase: FormPhase,
    pub audience: FormAudience,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub allocation: FormAllocation,
    /// In a guardian's list: whether their household responded.
    pub responded: Option<bool>,
}

impl FormSummary {
    pub fn of(form: &StoredForm, phase: Phase, responded: Option<bool>) -> FormSummary {
        FormSummary {
            id: form.id.clone(),
            school_id: form.school_id.clone(),
            title: form.title.clone(),
            phase: phase.into(),
            audience: (&form.audience).into(),
            opens_at: form.opens_at,
            closes_at: form.closes_at,
            allocation: form.allocation.into(),
            responded,
        }
    }
}

impl From<Mine> for FormSummary {
    fn from(mine: Mine) -> Self {
        FormSummary::of(&mine.form, mine.phase, Some(mine.responded))
    }
}

/// A sign-up form.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Form {
    #[schema(format = Uuid, max_length = 36)]
    pub id: String,
    #[schema(format = Uuid, max_length = 36)]
    pub school_id: String,
    #[schema(max_length = 120)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub audience: FormAudience,
    #[schema(max_items = 8, minimum = 1, maximum = 8)]
    pub year_groups: Vec<i32>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub phase: FormPhase,
    pub waiting_list: bool,
    #[schema(minimum = 1, maximum = 50)]
    pub max_per_child: Option<u32>,
    pub allocation: FormAllocation,
    pub allocated_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    #[schema(max_items = 50)]
    pub options: Vec<FormOption>,
    #[schema(max_items = 20)]
    pub questions: Vec<FormQuestion>,
    /// For a guardian: their children the form is for (sign each up with its `pupil_id`).
    #[schema(max_items = 20)]
    pub children: Vec<FormChild>,
    /// For a guardian: their household's response, if any.
    pub response: Option<FormResponse>,
}

impl From<FormView> for Form {
    fn from(view: FormView) -> Self {
        let form = view.form;
        Form {
            audience: (&form.audience).into(),
            id: form.id,
            school_id: form.school_id,
            title: form.title,
            description: form.description,
            year_groups: form.year_groups,
            opens_at: form.opens_at,
            closes_at: form.closes_at,
            phase: view.phase.into(),
            waiting_list: form.waiting_list,
            max_per_child: form.max_per_child,
            allocation: form.allocation.into(),
            allocated_at: form.allocated_at,
            reminded_at: form.reminded_at,
            created_at: form.created_at,
            options: view.options.into_iter().map(FormOption::from).collect(),
            questions: view.questions.into_iter().map(FormQuestion::from).collect(),
            children: view
                .children
                .into_iter()
                .map(|(pupil_id, first_name)| FormChild {
                    pupil_id,
                    first_name,
                })
                .collect(),
            response: view.response.map(FormResponse::from),
        }
    }
}
