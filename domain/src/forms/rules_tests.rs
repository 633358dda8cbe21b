use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::forms::{Allocation, Choice, NewOption, OptionShape, Per, Question, check_choices};
use crate::news::Audience;

fn utc(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, d, h, 0, 0).unwrap()
}

fn form() -> CreateForm {
    CreateForm {
        title: "Rijden naar de kinderboerderij".into(),
        description: Some("Wie rijdt er mee?\nVertrek 9:00.".into()),
        audience: Audience::School,
        year_groups: vec![3, 4],
        opens_at: utc(1, 8),
        closes_at: utc(10, 17),
        options: vec![
            NewOption {
                label: "Ik rijd (4 kinderen)".into(),
                per: Per::Household,
                capacity: Some(5),
            },
            NewOption {
                label: "Mijn kind gaat mee".into(),
                per: Per::Child,
                capacity: None,
            },
        ],
        questions: vec![Question {
            id: Uuid::from_u128(1),
            label: "Aantal zitplaatsen".into(),
            required: true,
            kind: QuestionKind::Number { min: 1, max: 8 },
        }],
        waiting_list: true,
        max_per_child: Some(1),
        allocation: Allocation::Immediate,
    }
}

fn fields(result: Result<(), Vec<Refusal>>) -> Vec<String> {
    result.unwrap_err().into_iter().map(|r| r.field).collect()
}

#[test]
fn a_good_form_passes() {
    assert_eq!(assess_form(&form(), utc(1, 0)), Ok(()));
}

#[test]
fn every_bad_field_is_named() {
    let mut bad = form();
    bad.title = "Twee\nregels".into();
    bad.year_groups = vec![0, 9];
    bad.closes_at = bad.opens_at;
    bad.options[0].capacity = Some(0);
    bad.options[1].label = " ".into();
    bad.questions[0].kind = QuestionKind::Number { min: 5, max: 1 };
    bad.max_per_child = Some(3);
    let found = fields(assess_form(&bad, utc(1, 0)));
    for field in [
        "title",
        "year_groups",
        "closes_at",
        "options[0].capacity",
        "options[1].label",
        "questions[0].max",
        "max_per_child",
    ] {
        assert!(found.contains(&field.to_owned()), "{field}: {found:?}");
    }
}

#[test]
fn a_form_closing_in_the_past_or_open_over_a_year_is_refused() {
    assert_eq!(
        fields(assess_form(&form(), utc(11, 0))),
        vec!["closes_at".to_owned()]
    );
    let mut long = form();
    long.closes_at = long.opens_at + Duration::days(MAX_OPEN_DAYS + 1);
    assert_eq!(
        fields(assess_form(&long, utc(1, 0))),
        vec!["closes_at".to_owned()]
    );
}

#[test]
fn choice_questions_need_two_different_choices() {
    let mut bad = form();
    bad.questions[0].kind = QuestionKind::Choice {
        choices: vec!["ja".into(), "ja".into()],
    };
    assert_eq!(
        fields(assess_form(&bad, utc(1, 0))),
        vec!["questions[0].choices".to_owned()]
    );
}

#[test]
fn the_form_is_open_from_its_opening_until_its_close() {
    let (opens, closes) = (utc(1, 8), utc(10, 17));
    assert_eq!(phase(opens, closes, utc(1, 7)), Phase::NotOpen);
    assert_eq!(phase(opens, closes, opens), Phase::Open);
    assert_eq!(
        phase(opens, closes, closes - Duration::seconds(1)),
        Phase::Open
    );
    assert_eq!(phase(opens, closes, closes), Phase::Closed);
}

#[test]
fn a_sign_up_gets_a_place_only_when_one_is_free_and_nobody_waits() {
    use SignupState::{Placed, Waiting};
    assert_eq!(placement(Some(2), 1, 0, true), Some(Placed));
    assert_eq!(placement(Some(2), 2, 0, true), Some(Waiting));
    assert_eq!(placement(Some(2), 2, 0, false), None);
    // A place came free but someone waits for it: the newcomer queues behind them.
    assert_eq!(placement(Some(2), 1, 1, true), Some(Waiting));
    assert_eq!(placement(None, 500, 0, false), Some(Placed));
}

#[test]
fn a_freed_place_goes_to_the_first_waiting() {
    assert!(promotes(Some(2), 1, 1));
    assert!(!promotes(Some(2), 2, 1));
    assert!(!promotes(Some(2), 1, 0));
}

#[test]
fn the_reminder_goes_at_most_once_per_24_hours() {
    // Issue #13: at most once per 24 hours per form.
    let last = utc(2, 9);
    assert!(reminder_due(None, last));
    assert!(!reminder_due(Some(last), last + Duration::hours(23)));
    assert!(!reminder_due(
        Some(last),
        last + Duration::hours(24) - Duration::seconds(1)
    ));
    assert!(reminder_due(Some(last), last + Duration::hours(24)));
}

const HELP: Uuid = Uuid::from_u128(11);
const JOIN: Uuid = Uuid::from_u128(12);
const KIM: Uuid = Uuid::from_u128(21);
const SEM: Uuid = Uuid::from_u128(22);

fn options() -> Vec<OptionShape> {
    vec![
        OptionShape {
            id: HELP,
            per: Per::Household,
        },
        OptionShape {
            id: JOIN,
            per: Per::Child,
        },
    ]
}

fn choice(option: Uuid, pupil: Option<Uuid>, preference: Option<u32>) -> Choice {
    Choice {
        option,
        pupil,
        preference,
    }
}

fn choice_fields(
    allocation: Allocation,
    max: Option<u32>,
    choices: &[Choice],
) -> Vec<(String, &'static str)> {
    match check_choices(allocation, max, &options(), &[KIM, SEM], choices) {
        Ok(()) => Vec::new(),
        Err(refusals) => refusals
            .into_iter()
            .map(|r| (r.field, r.reason.code))
            .collect(),
    }
}

#[test]
fn a_household_chooses_household_options_without_a_child_and_child_options_per_child() {
    let good = [
        choice(HELP, None, None),
        choice(JOIN, Some(KIM), None),
        choice(JOIN, Some(SEM), None),
    ];
    assert!(choice_fields(Allocation::Immediate, Some(1), &good).is_empty());
    let bad = [
        choice(HELP, Some(KIM), None),
        choice(JOIN, None, None),
        choice(JOIN, Some(Uuid::from_u128(99)), None),
        choice(Uuid::from_u128(98), None, None),
    ];
    assert_eq!(
        choice_fields(Allocation::Immediate, None, &bad),
        vec![
            ("choices[0].pupil_id".to_owned(), "not_allowed"),
            ("choices[1].pupil_id".to_owned(), "required"),
            ("choices[2].pupil_id".to_owned(), "not_in_audience"),
            ("choices[3].option_id".to_owned(), "unknown_option"),
        ]
    );
}

#[test]
fn a_choice_counts_once_and_the_limit_per_child_holds() {
    let twice = [choice(JOIN, Some(KIM), None), choice(JOIN, Some(KIM), None)];
    assert_eq!(
        choice_fields(Allocation::Immediate, None, &twice),
        vec![("choices[1].option_id".to_owned(), "duplicate")]
    );
    let two_options = [
        OptionShape {
            id: HELP,
            per: Per::Child,
        },
        OptionShape {
            id: JOIN,
            per: Per::Child,
        },
    ];
    let both = [choice(HELP, Some(KIM), None), choice(JOIN, Some(KIM), None)];
    let refused = check_choices(Allocation::Immediate, Some(1), &two_options, &[KIM], &both);
    assert_eq!(refused.unwrap_err()[0].reason.code, "over_limit");
    assert!(check_choices(Allocation::Immediate, Some(2), &two_options, &[KIM], &both).is_ok());
    // A ranked form takes more choices than the places a child may get.
    let ranked = [
        choice(HELP, Some(KIM), Some(1)),
        choice(JOIN, Some(KIM), Some(2)),
    ];
    assert!(
        check_choices(
            Allocation::Preference,
            Some(1),
            &two_options,
            &[KIM],
            &ranked
        )
        .is_ok()
    );
}

#[test]
fn ranks_are_given_on_ranked_forms_only_and_differ_per_child() {
    let unranked = [choice(JOIN, Some(KIM), None)];
    assert_eq!(
        choice_fields(Allocation::Preference, None, &unranked),
        vec![("choices[0].preference".to_owned(), "required")]
    );
    let ranked = [choice(JOIN, Some(KIM), Some(1))];
    assert_eq!(
        choice_fields(Allocation::Immediate, None, &ranked),
        vec![("choices[0].preference".to_owned(), "not_allowed")]
    );
    assert!(choice_fields(Allocation::FirstCome, None, &unranked).is_empty());
    let same_rank = [
        choice(JOIN, Some(KIM), Some(1)),
        choice(HELP, None, Some(1)),
        choice(JOIN, Some(SEM), Some(1)),
    ];
    // Different children (and the household) rank apart: rank 1 each is fine.
    assert!(choice_fields(Allocation::Preference, None, &same_rank).is_empty());
}

#[test]
fn a_form_reaches_pupils_by_its_groups_and_year_groups() {
    let (g3, g5) = (Uuid::from_u128(3), Uuid::from_u128(5));
    let in_three = [(g3, Some(3))];
    let in_five = [(g5, Some(5))];
    assert!(reaches(&Audience::School, &[], &[]));
    assert!(reaches(&Audience::School, &[3, 4], &in_three));
    assert!(!reaches(&Audience::School, &[3, 4], &in_five));
    assert!(!reaches(&Audience::School, &[3], &[(g3, None)]));
    let groups = Audience::Groups(vec![g3]);
    assert!(reaches(&groups, &[], &in_three));
    assert!(!reaches(&groups, &[], &in_five));
    assert!(!reaches(&groups, &[4], &in_three));
}

#[test]
fn a_household_without_a_key_from_the_las_is_the_guardian_alone() {
    use crate::forms::household_key;
    assert_eq!(household_key("H1", "g1"), "H1");
    assert_eq!(household_key(" ", "g1"), "guardian:g1");
    assert_ne!(household_key("", "g1"), household_key("", "g2"));
}
