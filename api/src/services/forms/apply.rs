//! What a household's response signs up for, changed in its transaction: sign-ups it dropped are
//! removed first (a place freed goes to the first waiting, who is told), then new ones take their
//! option's next ticket and land where `domain::forms::placement` says. Locks are taken in one
//! order (the children, then the options by id) so that two writers never deadlock; a child is
//! on an option once whichever household signed them up.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::forms::{Allocation, Choice, SignupState, placement, promotes};
use domain::notify::EventKind;
use persistence::AnyConnection;
use persistence::forms::{self as store, NewSignup, StoredForm, StoredSignup};
use persistence::ids::uuid;

use super::{Result, conflict, notify_household};

/// Whose sign-ups are changed.
pub(super) struct Household<'a> {
    pub form: &'a StoredForm,
    pub response_id: &'a str,
    pub household: &'a str,
    /// The household's children the form reaches (locked for the per-child checks).
    pub children: &'a [String],
}

/// A sign-up's identity within a response: its option, and its child (none: the household).
type Key = (String, Option<String>);

/// A sign-up to add: its identity and its rank.
type Adding<'a> = (&'a Key, &'a Option<u32>);

fn key(option: &str, pupil: Option<&str>) -> Key {
    (option.to_owned(), pupil.map(str::to_owned))
}

/// Makes the household's sign-ups what `wanted` says (already checked by
/// `domain::forms::check_choices`).
pub(super) fn apply(
    conn: &mut AnyConnection,
    who: &Household<'_>,
    wanted: &[Choice],
    now: DateTime<Utc>,
) -> Result<()> {
    let form = who.form;
    let wanted: BTreeMap<Key, Option<u32>> = wanted
        .iter()
        .map(|c| {
            (
                key(
                    &c.option.to_string(),
                    c.pupil.map(|p| p.to_string()).as_deref(),
                ),
                c.preference,
            )
        })
        .collect();
    let mut children = who.children.to_vec();
    children.sort();
    for child in &children {
        persistence::pupils::lock(conn, child)?;
    }
    // Which options to lock: those of the sign-ups now and those wanted. The household's own
    // sign-ups change only under its response's lock (held), so the set is stable; their states
    // are not (a withdrawal elsewhere promotes a waiting one), so they are read again under the
    // options' locks.
    let mut touched: Vec<String> = store::of_response(conn, who.response_id)?
        .into_iter()
        .map(|s| s.option_id)
        .chain(wanted.keys().map(|(option, _)| option.clone()))
        .collect();
    touched.sort();
    touched.dedup();
    store::lock_options(conn, &form.id, &touched)?;
    let (kept, dropped): (Vec<StoredSignup>, Vec<StoredSignup>) =
        store::of_response(conn, who.response_id)?
            .into_iter()
            .partition(|s| wanted.contains_key(&key(&s.option_id, s.pupil_id.as_deref())));
    let adding: Vec<Adding<'_>> = wanted
        .iter()
        .filter(|(k, _)| {
            !kept
                .iter()
                .any(|s| key(&s.option_id, s.pupil_id.as_deref()) == **k)
        })
        .collect();
    for signup in &dropped {
        remove_and_promote(conn, form, signup, now)?;
    }
    for signup in &kept {
        let rank = wanted[&key(&signup.option_id, signup.pupil_id.as_deref())];
        if rank != signup.preference {
            store::set_preference(conn, &signup.id, rank, now)?;
        }
    }
    if adding.is_empty() {
        return Ok(());
    }
    check_children(conn, who, &adding)?;
    for ((option_id, pupil), preference) in adding {
        let option = store::lock_options(conn, &form.id, std::slice::from_ref(option_id))?
            .pop()
            .ok_or_else(|| conflict("The option is gone."))?;
        let state = if form.allocation.is_run() {
            SignupState::Pending
        } else {
            placement(
                option.capacity,
                option.placed,
                option.waiting,
                form.waiting_list,
            )
            .ok_or_else(|| conflict(format!("\"{}\" is full.", option.label)))?
        };
        let new = NewSignup {
            form_id: &form.id,
            option_id,
            response_id: who.response_id,
            pupil_id: pupil.as_deref(),
            household: who.household,
            state,
            preference: *preference,
        };
        if store::add(conn, &new, now)?.is_none() {
            return Err(conflict(format!(
                "Already signed up for \"{}\" (by the other household?).",
                option.label
            )));
        }
    }
    Ok(())
}

/// The per-child checks that need every household's sign-ups (under the children's locks): a
/// child is on an option once, and within the form's limit per child.
fn check_children(
    conn: &mut AnyConnection,
    who: &Household<'_>,
    adding: &[Adding<'_>],
) -> Result<()> {
    let form = who.form;
    let pupils: Vec<String> = adding.iter().filter_map(|((_, p), _)| p.clone()).collect();
    if pupils.is_empty() {
        return Ok(());
    }
    let theirs = store::of_children(conn, &form.id, &pupils)?;
    for ((option, pupil), _) in adding {
        if theirs
            .iter()
            .any(|s| s.option_id == *option && s.pupil_id == *pupil)
        {
            return Err(conflict(
                "The other household already signed this child up for that option.",
            ));
        }
    }
    // A ranked form ranks more choices than places: its run applies the limit.
    if form.allocation == Allocation::Immediate
        && let Some(max) = form.max_per_child
    {
        for pupil in &pupils {
            let held = theirs
                .iter()
                .filter(|s| s.pupil_id.as_ref() == Some(pupil))
                .count();
            let added = adding
                .iter()
                .filter(|((_, p), _)| p.as_ref() == Some(pupil))
                .count();
            if held + added > max as usize {
                return Err(conflict(format!(
                    "A child may be signed up for at most {max} option(s) on this form."
                )));
            }
        }
    }
    Ok(())
}

/// Removes a sign-up (its option locked); a place it freed goes to the first waiting on that
/// option at once, whose household is told (SPEC §9: the waiting list moves up).
pub(super) fn remove_and_promote(
    conn: &mut AnyConnection,
    form: &StoredForm,
    signup: &StoredSignup,
    now: DateTime<Utc>,
) -> Result<()> {
    store::remove(conn, signup)?;
    if signup.state != SignupState::Placed {
        return Ok(());
    }
    let option = store::lock_options(conn, &form.id, std::slice::from_ref(&signup.option_id))?
        .pop()
        .ok_or_else(|| conflict("The option is gone."))?;
    if !promotes(option.capacity, option.placed, option.waiting) {
        return Ok(());
    }
    if let Some(first) = store::first_waiting(conn, &option.id)? {
        store::set_state(conn, &first, SignupState::Placed, now)?;
        notify_household(
            conn,
            form,
            &first.response_id,
            EventKind::FormsPlaceGiven,
            now,
        )?;
        log::debug!("form {}: a waiting sign-up got a place", uuid(&form.id));
    }
    Ok(())
}
