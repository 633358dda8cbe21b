//! A form's results for those who manage it: per option who is placed, waiting (in order),
//! pending or unplaced, with the household's guardians and answers, and the pupils whose
//! households have not responded. One query per table, whatever the form's size.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::actor::Actor;
use domain::forms::{Answer, Question, SignupState};
use persistence::AnyConnection;
use persistence::forms::{self as store, AudiencePupil, StoredForm, StoredOption};

use super::{Result, as_manager, form_object};
use crate::audit::Audit;

/// One sign-up in the results.
#[derive(Debug, Clone)]
pub struct Entry {
    pub signup_id: String,
    pub state: SignupState,
    /// 1 for the first waiting.
    pub position: Option<u32>,
    pub preference: Option<u32>,
    /// The child (id, name); `None` for a per-household option.
    pub pupil: Option<(String, String)>,
    /// The names of the household's guardians the form reaches.
    pub guardians: Vec<String>,
    pub answers: BTreeMap<uuid::Uuid, Answer>,
    pub responded_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct OptionResult {
    pub option: StoredOption,
    /// Placed, then waiting (in queue order), then pending, then unplaced.
    pub entries: Vec<Entry>,
}

/// A pupil the form reaches whose household(s) have not responded.
#[derive(Debug, Clone)]
pub struct Missing {
    pub pupil: AudiencePupil,
    pub guardians: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Results {
    pub form: StoredForm,
    pub questions: Vec<Question>,
    pub options: Vec<OptionResult>,
    pub responses: usize,
    pub not_responded: Vec<Missing>,
}

/// The form's results; 404 for all but those who manage it. The read is audited (families'
/// personal data).
pub fn results(
    conn: &mut AnyConnection,
    actor: &Actor,
    audit: &Audit,
    id: &str,
) -> Result<Results> {
    let reached = as_manager(conn, actor, audit, id)?;
    let form = reached.form;
    audit.read(conn, form_object(&form))?;
    let questions = store::questions_of(conn, id)?;
    let options = store::options_of(conn, id)?;
    let signups = store::of_form(conn, id)?;
    let responses = store::responses_of(conn, id)?;
    let pupils = store::pupils_reached(conn, &form, None)?;
    let pupil_ids: Vec<String> = pupils.iter().map(|p| p.pupil_id.clone()).collect();
    let links = store::links_of(conn, &form.school_id, &pupil_ids)?;
    let guardians_of = |household: &str| -> Vec<String> {
        let mut names: Vec<String> = links
            .iter()
            .filter(|l| l.household == household)
            .map(|l| l.guardian_name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let name_of = |pupil: &str| {
        pupils
            .iter()
            .find(|p| p.pupil_id == pupil)
            .map_or_else(String::new, |p| p.name.clone())
    };
    let order = |state: SignupState| match state {
        SignupState::Placed => 0,
        SignupState::Waiting => 1,
        SignupState::Pending => 2,
        SignupState::Unplaced => 3,
    };
    let options = options
        .into_iter()
        .map(|option| {
            let mut mine: Vec<_> = signups
                .iter()
                .filter(|s| s.option_id == option.id)
                .collect();
            mine.sort_by_key(|s| (order(s.state), s.ticket));
            let mut waiting = 0;
            let entries = mine
                .into_iter()
                .filter_map(|s| {
                    let response = responses.iter().find(|r| r.id == s.response_id)?;
                    let position = (s.state == SignupState::Waiting).then(|| {
                        waiting += 1;
                        waiting
                    });
                    Some(Entry {
                        signup_id: s.id.clone(),
                        state: s.state,
                        position,
                        preference: s.preference,
                        pupil: s.pupil_id.as_ref().map(|p| (p.clone(), name_of(p))),
                        guardians: guardians_of(&s.household),
                        answers: domain::forms::answers::read_stored(&questions, &response.answers)
                            .unwrap_or_default(),
                        responded_at: response.updated_at,
                    })
                })
                .collect();
            OptionResult { option, entries }
        })
        .collect();
    let responded: Vec<&str> = responses.iter().map(|r| r.household.as_str()).collect();
    let not_responded = pupils
        .into_iter()
        .filter_map(|pupil| {
            let households: Vec<&str> = links
                .iter()
                .filter(|l| l.pupil_id == pupil.pupil_id)
                .map(|l| l.household.as_str())
                .collect();
            // A child counts as answered for when one of their households responded.
            if households.iter().any(|h| responded.contains(h)) {
                return None;
            }
            let mut guardians: Vec<String> = links
                .iter()
                .filter(|l| l.pupil_id == pupil.pupil_id)
                .map(|l| l.guardian_name.clone())
                .collect();
            guardians.sort();
            Some(Missing { pupil, guardians })
        })
        .collect();
    Ok(Results {
        form,
        questions,
        options,
        responses: responses.len(),
        not_responded,
    })
}

/// The results as spreadsheet rows: a header, then a line per sign-up (option by option) and a
/// line per pupil without a response.
pub fn csv_rows(results: &Results) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = [
        "optie",
        "status",
        "wachtlijstplek",
        "voorkeur",
        "kind",
        "ouders/verzorgers",
        "gereageerd op",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    header.extend(results.questions.iter().map(|q| q.label.clone()));
    let state = |s: SignupState| match s {
        SignupState::Placed => "ingeschreven",
        SignupState::Waiting => "wachtlijst",
        SignupState::Pending => "nog in te delen",
        SignupState::Unplaced => "niet ingedeeld",
    };
    let mut rows = Vec::new();
    for option in &results.options {
        for entry in &option.entries {
            let mut row = vec![
                option.option.label.clone(),
                state(entry.state).to_owned(),
                entry.position.map(|p| p.to_string()).unwrap_or_default(),
                entry.preference.map(|p| p.to_string()).unwrap_or_default(),
                entry
                    .pupil
                    .as_ref()
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                entry.guardians.join("; "),
                domain::schedule::school_moment(entry.responded_at),
            ];
            row.extend(results.questions.iter().map(|q| {
                entry
                    .answers
                    .get(&q.id)
                    .map(Answer::display)
                    .unwrap_or_default()
            }));
            rows.push(row);
        }
    }
    for missing in &results.not_responded {
        let mut row = vec![
            String::new(),
            "geen reactie".to_owned(),
            String::new(),
            String::new(),
            missing.pupil.name.clone(),
            missing.guardians.join("; "),
            String::new(),
        ];
        row.extend(results.questions.iter().map(|_| String::new()));
        rows.push(row);
    }
    (header, rows)
}
