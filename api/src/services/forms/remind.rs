//! The author's two actions on a whole form: reminding the households that have not responded
//! (always e-mailed, seed 003; at most once per 24 hours), and a ranked form's allocation run
//! after the close (once).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use domain::actor::Actor;
use domain::forms::allocation::{Pending, allocate as run};
use domain::forms::{Phase, REMINDER_EVERY_HOURS, SignupState};
use domain::mail::Language;
use domain::notify::EventKind;
use persistence::forms as store;
use persistence::ids::uuid;
use persistence::notify::{self, NewEvent};
use persistence::{AnyConnection, transaction};

use super::{Result, as_manager, conflict, form_object, notify_household};
use crate::audit::Audit;

/// Reminds the households of the form's audience that have not responded; answers how many
/// people that reaches now. 409 unless the form is open, or when a reminder went out in the last
/// [`REMINDER_EVERY_HOURS`] hours (two at once: one goes).
pub fn remind(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    let reached = as_manager(conn, actor, audit, id)?;
    if reached.phase(now) != Phase::Open {
        return Err(conflict("Only an open form can be reminded of."));
    }
    let form = &reached.form;
    let title = format!("Herinnering: {}", form.title);
    let body = format!(
        "U heeft nog niet gereageerd op het formulier \"{}\". Reageren kan in de app tot {}.",
        form.title,
        domain::schedule::school_moment(form.closes_at)
    );
    transaction(conn, |conn| {
        let since = now - Duration::hours(REMINDER_EVERY_HOURS);
        if !store::mark_reminded(conn, id, since, now)? {
            return Err(conflict(format!(
                "A reminder went out less than {REMINDER_EVERY_HOURS} hours ago."
            )));
        }
        let mut reached: Vec<String> = store::unresponsive_accounts(conn, form)?
            .into_iter()
            .map(|(account, _)| account)
            .collect();
        reached.sort();
        reached.dedup();
        let event = NewEvent {
            school_id: &form.school_id,
            kind: EventKind::FormsReminder,
            object_id: id,
            urgent: false,
            language: Language::Dutch,
            title: &title,
            body: &body,
        };
        notify::emit(conn, &event, now.naive_utc())?;
        audit.record(conn, "remind_form", form_object(form), "ok")?;
        Ok(reached.len())
    })
}

/// What an allocation run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocated {
    pub placed: usize,
    pub waiting: usize,
    pub unplaced: usize,
}

/// Runs a ranked form's allocation after its close: every pending sign-up is placed, put on the
/// waiting list or left unplaced (`domain::forms::allocation`), each household that signed up is
/// told. Once per form (409 after); 409 for a form that places at once or is still open.
pub fn allocate(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Allocated> {
    let reached = as_manager(conn, actor, audit, id)?;
    let form = &reached.form;
    if !form.allocation.is_run() {
        return Err(conflict(
            "This form places sign-ups at once: there is nothing to allocate.",
        ));
    }
    if reached.phase(now) != Phase::Closed {
        return Err(conflict("The allocation runs after the form closes."));
    }
    transaction(conn, |conn| {
        if !store::mark_allocated(conn, id, now)? {
            return Err(conflict("The allocation has run already."));
        }
        let options = store::options_of(conn, id)?;
        let ids: Vec<String> = options.iter().map(|o| o.id.clone()).collect();
        store::lock_options(conn, id, &ids)?;
        let signups = store::of_form(conn, id)?;
        let pending: Vec<Pending> = signups
            .iter()
            .filter(|s| s.state == SignupState::Pending)
            .map(|s| Pending {
                id: uuid(&s.id),
                option: uuid(&s.option_id),
                pupil: s.pupil_id.as_deref().map(uuid),
                arrived: (s.created_at.timestamp_micros(), i64::from(s.ticket)),
                preference: s.preference,
            })
            .collect();
        let capacity: BTreeMap<uuid::Uuid, Option<u32>> =
            options.iter().map(|o| (uuid(&o.id), o.capacity)).collect();
        let placed: BTreeMap<uuid::Uuid, u32> =
            options.iter().map(|o| (uuid(&o.id), o.placed)).collect();
        let outcomes = run(
            form.allocation,
            &capacity,
            &placed,
            form.max_per_child,
            form.waiting_list,
            &pending,
        );
        let mut done = Allocated {
            placed: 0,
            waiting: 0,
            unplaced: 0,
        };
        let mut told: Vec<&str> = Vec::new();
        for outcome in &outcomes {
            let Some(signup) = signups.iter().find(|s| uuid(&s.id) == outcome.id) else {
                continue;
            };
            store::set_state(conn, signup, outcome.state, now)?;
            if outcome.state == SignupState::Waiting {
                // The queue follows the run's order (by rank first), not the arrival alone.
                store::requeue(conn, signup)?;
            }
            match outcome.state {
                SignupState::Placed => done.placed += 1,
                SignupState::Waiting => done.waiting += 1,
                _ => done.unplaced += 1,
            }
            if !told.contains(&signup.response_id.as_str()) {
                told.push(&signup.response_id);
            }
        }
        for response in told {
            notify_household(conn, form, response, EventKind::FormsAllocated, now)?;
        }
        audit.record(conn, "allocate_form", form_object(form), "ok")?;
        Ok(done)
    })
}
