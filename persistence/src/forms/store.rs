//! Forms: made with their audience, options and questions in one go; read by id or listed per
//! school; the reminder and the allocation run each marked once, by a guarded update.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use domain::forms::{CreateForm, LISTED_AFTER_CLOSE_DAYS, Question};

use super::rows::{FormRow, OptionRow, QuestionRow, StoredForm, StoredOption, all, naive};
use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::ids::new_id;
use crate::page::{Page, fetch_page};
use crate::schema::{form_groups, form_options, form_questions, form_year_groups, forms};

/// Stores a checked form (`domain::forms::assess_form`) of the school; answers its id.
pub fn insert(
    conn: &mut AnyConnection,
    school_id: &str,
    form: &CreateForm,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<String, RepoError> {
    let id = new_id();
    let row = FormRow {
        id: id.clone(),
        school_id: school_id.to_owned(),
        title: form.title.trim().to_owned(),
        description: form
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
        audience: form.audience.as_str().to_owned(),
        opens_at: naive(form.opens_at),
        closes_at: naive(form.closes_at),
        waiting_list: form.waiting_list,
        max_per_child: form.max_per_child.and_then(|n| i32::try_from(n).ok()),
        allocation: form.allocation.as_str().to_owned(),
        allocated_at: None,
        announced_at: None,
        reminded_at: None,
        created_by: Some(created_by.to_owned()),
        created_at: naive(now),
        updated_at: naive(now),
    };
    diesel::insert_into(forms::table)
        .values(&row)
        .execute(conn)?;
    let groups: Vec<_> = form
        .audience
        .group_ids()
        .iter()
        .map(|g| {
            (
                form_groups::form_id.eq(id.clone()),
                form_groups::group_id.eq(g.to_string()),
            )
        })
        .collect();
    if !groups.is_empty() {
        batch_insert!(conn, form_groups::table, &groups)?;
    }
    let mut years = form.year_groups.clone();
    years.sort_unstable();
    years.dedup();
    let years: Vec<_> = years
        .into_iter()
        .map(|y| {
            (
                form_year_groups::form_id.eq(id.clone()),
                form_year_groups::year_group.eq(y),
            )
        })
        .collect();
    if !years.is_empty() {
        batch_insert!(conn, form_year_groups::table, &years)?;
    }
    let options: Vec<OptionRow> = form
        .options
        .iter()
        .zip(0..)
        .map(|(option, position)| OptionRow {
            id: new_id(),
            form_id: id.clone(),
            position,
            label: option.label.trim().to_owned(),
            per: option.per.as_str().to_owned(),
            capacity: option.capacity.and_then(|c| i32::try_from(c).ok()),
            placed: 0,
            waiting: 0,
            tickets: 0,
        })
        .collect();
    batch_insert!(conn, form_options::table, &options)?;
    let questions: Vec<QuestionRow> = form
        .questions
        .iter()
        .zip(0..)
        .map(|(question, position)| QuestionRow::new(&id, position, question))
        .collect();
    if !questions.is_empty() {
        batch_insert!(conn, form_questions::table, &questions)?;
    }
    Ok(id)
}

fn complete(conn: &mut AnyConnection, rows: Vec<FormRow>) -> Result<Vec<StoredForm>, RepoError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let groups: Vec<(String, String)> = form_groups::table
        .filter(form_groups::form_id.eq_any(&ids))
        .select((form_groups::form_id, form_groups::group_id))
        .order((form_groups::form_id, form_groups::group_id))
        .load(conn)?;
    let years: Vec<(String, i32)> = form_year_groups::table
        .filter(form_year_groups::form_id.eq_any(&ids))
        .select((form_year_groups::form_id, form_year_groups::year_group))
        .order((form_year_groups::form_id, form_year_groups::year_group))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let g = groups
                .iter()
                .filter(|(form, _)| *form == row.id)
                .map(|(_, g)| g.clone())
                .collect();
            let y = years
                .iter()
                .filter(|(form, _)| *form == row.id)
                .map(|(_, y)| *y)
                .collect();
            StoredForm::from_row(row, g, y)
        })
        .collect()
}

/// The form `id`, whatever its school: the caller checks its reach.
pub fn find(conn: &mut AnyConnection, id: &str) -> Result<StoredForm, RepoError> {
    let row: FormRow = forms::table
        .find(id)
        .select(FormRow::as_select())
        .first(conn)?;
    complete(conn, vec![row])?.pop().ok_or(RepoError::NotFound)
}

/// The form's options in their order, with their counts.
pub fn options_of(conn: &mut AnyConnection, form_id: &str) -> Result<Vec<StoredOption>, RepoError> {
    let rows: Vec<OptionRow> = form_options::table
        .filter(form_options::form_id.eq(form_id))
        .select(OptionRow::as_select())
        .order(form_options::position)
        .load(conn)?;
    all(rows)
}

/// The form's questions in their order.
pub fn questions_of(conn: &mut AnyConnection, form_id: &str) -> Result<Vec<Question>, RepoError> {
    let rows: Vec<QuestionRow> = form_questions::table
        .filter(form_questions::form_id.eq(form_id))
        .select(QuestionRow::as_select())
        .order(form_questions::position)
        .load(conn)?;
    all(rows)
}

/// Which forms of a school a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed<'a> {
    /// Every form (the school admin).
    All,
    /// Those the account made (a teacher).
    MadeBy(&'a str),
}

/// A page of the school's forms, newest first.
pub fn list_at(
    conn: &mut AnyConnection,
    school_id: &str,
    listed: Listed<'_>,
    after: Option<&str>,
    limit: u16,
) -> Result<Page<StoredForm>, RepoError> {
    let page: Page<FormRow> = fetch_page::<_, RepoError>(
        limit,
        |n| {
            let mut query = forms::table
                .filter(forms::school_id.eq(school_id))
                .select(FormRow::as_select())
                .order(forms::id.desc())
                .limit(n)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(forms::id.lt(after.to_owned()));
            }
            if let Listed::MadeBy(account) = listed {
                query = query.filter(forms::created_by.eq(account.to_owned()));
            }
            query.load(conn)
        },
        |row| row.id.clone(),
    )?;
    Ok(Page {
        items: complete(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// The forms of these schools that are open or closed recently, whose audience the caller's
/// filter decides (`domain::forms::reaches`), newest first; at most `limit`.
pub fn opened_at(
    conn: &mut AnyConnection,
    school_ids: &[String],
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<StoredForm>, RepoError> {
    let rows: Vec<FormRow> = forms::table
        .filter(forms::school_id.eq_any(school_ids))
        .filter(forms::opens_at.le(naive(now)))
        .filter(forms::closes_at.gt(naive(now - Duration::days(LISTED_AFTER_CLOSE_DAYS))))
        .select(FormRow::as_select())
        .order(forms::id.desc())
        .limit(limit)
        .load(conn)?;
    complete(conn, rows)
}

/// Marks the form reminded at `now` unless it was within `since`: false when it was (at most one
/// reminder per period, also when two are sent at once).
pub fn mark_reminded(
    conn: &mut AnyConnection,
    form_id: &str,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let changed = diesel::update(
        forms::table.filter(forms::id.eq(form_id)).filter(
            forms::reminded_at
                .is_null()
                .or(forms::reminded_at.le(naive(since))),
        ),
    )
    .set(forms::reminded_at.eq(naive(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Marks the form's allocation run done: false when it ran already (it runs once).
pub fn mark_allocated(
    conn: &mut AnyConnection,
    form_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let changed = diesel::update(
        forms::table
            .filter(forms::id.eq(form_id))
            .filter(forms::allocated_at.is_null()),
    )
    .set(forms::allocated_at.eq(naive(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// A form to announce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueForm {
    pub id: String,
    pub school_id: String,
    pub title: String,
    pub closes_at: DateTime<Utc>,
}

/// Forms open at `now` whose guardians have not been told yet, oldest opening first; at most
/// `limit`.
pub fn due_announcements(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueForm>, RepoError> {
    let rows: Vec<(String, String, String, chrono::NaiveDateTime)> = forms::table
        .filter(forms::announced_at.is_null())
        .filter(forms::opens_at.le(naive(now)))
        .filter(forms::closes_at.gt(naive(now)))
        .select((forms::id, forms::school_id, forms::title, forms::closes_at))
        .order(forms::opens_at)
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, school_id, title, closes)| DueForm {
            id,
            school_id,
            title,
            closes_at: closes.and_utc(),
        })
        .collect())
}

/// Marks the form announced: false when another worker did (each form is announced once).
pub fn mark_announced(
    conn: &mut AnyConnection,
    form_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let changed = diesel::update(
        forms::table
            .filter(forms::id.eq(form_id))
            .filter(forms::announced_at.is_null()),
    )
    .set(forms::announced_at.eq(naive(now)))
    .execute(conn)?;
    Ok(changed == 1)
}
