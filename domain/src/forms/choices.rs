//! What a household chooses on a form (issue #13): known options, a child of theirs for per-child
//! options and none for per-household ones, each once, ranks on ranked forms only, and the form's
//! limit per child.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{Allocation, Per};
use crate::Invalid;
use crate::change_request::{Refusal, refusal};

/// An option as a household's choice is checked against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionShape {
    pub id: Uuid,
    pub per: Per,
}

/// One thing a household signs up for: an option, for a child (per-child options) or for the
/// household (`pupil` absent), with its rank on a form that allocates by preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Choice {
    pub option: Uuid,
    pub pupil: Option<Uuid>,
    pub preference: Option<u32>,
}

/// Checks what a household chose against the form: known options, a child of theirs for
/// per-child options and none for per-household ones, each once, ranks only (and always) on a
/// ranked form and different per child or household, and at most `max_per_child` options per
/// child. `children` are the household's children the form reaches.
pub fn check_choices(
    allocation: Allocation,
    max_per_child: Option<u32>,
    options: &[OptionShape],
    children: &[Uuid],
    choices: &[Choice],
) -> Result<(), Vec<Refusal>> {
    let mut refusals = Vec::new();
    // Each option at most once per child and once for the household.
    if choices.len() > options.len() * (children.len() + 1) {
        refusals.push(refusal(
            "choices",
            Invalid::new("count", "holds more choices than the form offers"),
        ));
        return Err(refusals);
    }
    let mut seen = Vec::new();
    let mut per_child: BTreeMap<Uuid, u32> = BTreeMap::new();
    let mut ranks: BTreeMap<Option<Uuid>, Vec<u32>> = BTreeMap::new();
    for (i, choice) in choices.iter().enumerate() {
        let field = |name: &str| format!("choices[{i}].{name}");
        let Some(option) = options.iter().find(|o| o.id == choice.option) else {
            refusals.push(refusal(
                field("option_id"),
                Invalid::new("unknown_option", "is not an option of this form"),
            ));
            continue;
        };
        match (option.per, choice.pupil) {
            (Per::Child, None) => refusals.push(refusal(
                field("pupil_id"),
                Invalid::new("required", "names the child this option is for"),
            )),
            (Per::Child, Some(pupil)) if !children.contains(&pupil) => refusals.push(refusal(
                field("pupil_id"),
                Invalid::new(
                    "not_in_audience",
                    "is not a child of yours this form is for",
                ),
            )),
            (Per::Household, Some(_)) => refusals.push(refusal(
                field("pupil_id"),
                Invalid::new(
                    "not_allowed",
                    "must be absent: this option is per household",
                ),
            )),
            (Per::Child, Some(pupil)) => *per_child.entry(pupil).or_default() += 1,
            (Per::Household, None) => {}
        }
        if seen.contains(&(choice.option, choice.pupil)) {
            refusals.push(refusal(
                field("option_id"),
                Invalid::new(
                    "duplicate",
                    "is chosen twice for the same child or household",
                ),
            ));
        }
        seen.push((choice.option, choice.pupil));
        match (allocation, choice.preference) {
            (Allocation::Preference, None) => refusals.push(refusal(
                field("preference"),
                Invalid::new("required", "ranks this choice (1 is the first choice)"),
            )),
            (Allocation::Preference, Some(0)) => refusals.push(refusal(
                field("preference"),
                Invalid::new("out_of_range", "must be 1 or more"),
            )),
            (Allocation::Preference, Some(rank)) => {
                let taken = ranks.entry(choice.pupil).or_default();
                if taken.contains(&rank) {
                    refusals.push(refusal(
                        field("preference"),
                        Invalid::new("duplicate", "is given to another choice for the same child"),
                    ));
                }
                taken.push(rank);
            }
            (_, Some(_)) => refusals.push(refusal(
                field("preference"),
                Invalid::new(
                    "not_allowed",
                    "must be absent: this form does not rank choices",
                ),
            )),
            (_, None) => {}
        }
    }
    // A ranked form takes more choices than places: the limit is on places, applied by the run.
    if allocation == Allocation::Immediate
        && let Some(max) = max_per_child
        && per_child.values().any(|n| *n > max)
    {
        refusals.push(refusal(
            "choices",
            Invalid::new(
                "over_limit",
                format!("signs a child up for more than {max} option(s)"),
            ),
        ));
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}
