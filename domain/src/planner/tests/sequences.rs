//! Sibling sequences: one slot per child, in a row, with little waiting.

use uuid::Uuid;

use super::*;

const DAY: &str = "2026-11-12";

/// Child `pupil`'s candidate at desk `desk`, slot `id`, from `hh:mm` UTC for `minutes`.
fn at(pupil: u128, desk: u128, id: u128, hhmm: &str, minutes: i64) -> Candidate {
    let starts_at = utc(&format!("{DAY}T{hhmm}:00Z"));
    Candidate {
        pupil: Uuid::from_u128(pupil),
        desk: Uuid::from_u128(desk),
        slot: Uuid::from_u128(id),
        starts_at,
        ends_at: starts_at + Duration::minutes(minutes),
    }
}

fn gap() -> Duration {
    Duration::minutes(30)
}

/// The slot ids of each sequence.
fn ids(sequences: &[Vec<Candidate>]) -> Vec<Vec<u128>> {
    sequences
        .iter()
        .map(|s| s.iter().map(|c| c.slot.as_u128()).collect())
        .collect()
}

/// The rules each sequence keeps: one candidate per child, by time, no overlap, gaps bounded.
fn assert_valid(sequence: &[Candidate], children: usize, gap: Duration) {
    assert_eq!(sequence.len(), children);
    let mut pupils: Vec<Uuid> = sequence.iter().map(|c| c.pupil).collect();
    pupils.sort();
    pupils.dedup();
    assert_eq!(pupils.len(), children, "one per child");
    for pair in sequence.windows(2) {
        assert!(pair[0].ends_at <= pair[1].starts_at, "in order, no overlap");
        assert!(pair[1].starts_at - pair[0].ends_at <= gap, "gap");
    }
}

#[test]
fn back_to_back_slots_make_a_sequence_in_either_order_of_the_children() {
    let anna = vec![at(1, 10, 100, "18:10", 10)];
    let bram = vec![at(2, 20, 200, "18:00", 10)];
    let found = sibling_sequences(&[anna, bram], gap(), 10);
    assert_eq!(ids(&found), [[200, 100]]);
}

#[test]
fn a_gap_longer_than_allowed_or_an_overlap_makes_no_sequence() {
    let anna = vec![at(1, 10, 100, "18:00", 10)];
    for (bram_at, max_gap, found) in [
        ("18:40", gap(), 1),
        ("18:41", gap(), 0),
        // Asked for more than the bound: it counts as the bound.
        ("18:41", Duration::hours(2), 0),
        ("18:15", Duration::minutes(4), 0),
        ("18:10", Duration::minutes(-5), 1),
        // Overlapping: Anna's conversation runs until 18:10.
        ("18:05", gap(), 0),
        ("18:00", gap(), 0),
    ] {
        let bram = vec![at(2, 20, 200, bram_at, 10)];
        assert_eq!(
            sibling_sequences(&[anna.clone(), bram], max_gap, 10).len(),
            found,
            "{bram_at} {max_gap}"
        );
    }
}

#[test]
fn sequences_come_by_first_start_then_span_and_stop_at_the_limit() {
    // Anna: 18:00 (1), 18:30 (2); Bram: 18:10 (3), 18:20 (4), 18:40 (5); ten minutes each.
    let anna = vec![at(1, 10, 2, "18:30", 10), at(1, 10, 1, "18:00", 10)];
    let bram = vec![
        at(2, 20, 5, "18:40", 10),
        at(2, 20, 3, "18:10", 10),
        at(2, 20, 4, "18:20", 10),
    ];
    let all = sibling_sequences(&[anna.clone(), bram.clone()], gap(), 100);
    assert_eq!(
        ids(&all),
        [
            vec![1, 3],
            vec![1, 4],
            vec![1, 5],
            vec![3, 2],
            vec![4, 2],
            vec![2, 5]
        ]
    );
    for sequence in &all {
        assert_valid(sequence, 2, gap());
    }
    let first_four = sibling_sequences(&[anna.clone(), bram.clone()], gap(), 4);
    assert_eq!(first_four, all[..4]);
    assert!(sibling_sequences(&[anna.clone(), bram.clone()], gap(), 0).is_empty());
    // Deterministic: the order of the input does not matter, nor do duplicates.
    let mut shuffled = bram.clone();
    shuffled.reverse();
    shuffled.push(bram[0]);
    assert_eq!(sibling_sequences(&[anna, shuffled], gap(), 100), all);
}

#[test]
fn a_shorter_span_wins_among_sequences_starting_together() {
    // Both start at 18:00 with Anna; Bram's 20-minute slot right after makes a longer span than
    // his 10-minute one at 18:15.
    let anna = vec![at(1, 10, 1, "18:00", 10)];
    let bram = vec![at(2, 20, 2, "18:10", 20), at(2, 21, 3, "18:15", 10)];
    assert_eq!(
        ids(&sibling_sequences(&[anna, bram], gap(), 10)),
        [[1, 3], [1, 2]]
    );
}

#[test]
fn one_child_gets_each_slot_and_too_many_or_none_get_nothing() {
    let anna = vec![at(1, 10, 2, "18:30", 10), at(1, 10, 1, "18:00", 10)];
    assert_eq!(
        ids(&sibling_sequences(std::slice::from_ref(&anna), gap(), 10)),
        [[1], [2]]
    );
    assert!(sibling_sequences(&[], gap(), 10).is_empty());
    assert!(sibling_sequences(&[anna.clone(), vec![]], gap(), 10).is_empty());
    // Five children: more than the bound.
    let five: Vec<Vec<Candidate>> = (0..5)
        .map(|i| vec![at(i, 10 + i, 100 + i, &format!("18:{:02}", 10 * i), 10)])
        .collect();
    assert_eq!(five.len(), MAX_SEQUENCE_CHILDREN + 1);
    assert!(sibling_sequences(&five, gap(), 10).is_empty());
    assert_eq!(sibling_sequences(&five[..4], gap(), 10).len(), 1);
}

/// Four children, each with one teacher holding 200 ten-minute slots over four evenings (all the
/// desks at the same times), a realistic worst case for a family at a large school.
fn crowded_evenings(child_day_offset: bool) -> Vec<Vec<Candidate>> {
    (0..4u128)
        .map(|child| {
            (0..200u128)
                .map(|n| {
                    let evening = i64::try_from(n / 50).unwrap()
                        + if child_day_offset {
                            7 * i64::try_from(child).unwrap()
                        } else {
                            0
                        };
                    let minute = i64::try_from(n % 50).unwrap() * 10;
                    let starts_at = utc("2026-11-09T16:00:00Z")
                        + Duration::days(evening)
                        + Duration::minutes(minute);
                    Candidate {
                        pupil: Uuid::from_u128(child + 1),
                        desk: Uuid::from_u128(child + 10),
                        slot: Uuid::from_u128(child * 1_000 + n),
                        starts_at,
                        ends_at: starts_at + Duration::minutes(10),
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn four_children_with_two_hundred_slots_each_are_searched_by_time_not_by_product() {
    // 200⁴ combinations would never finish; the search looks only 30 minutes ahead.
    let per_child = crowded_evenings(false);
    let found = sibling_sequences(&per_child, gap(), usize::MAX);
    assert_eq!(found.len(), MAX_SEQUENCE_RESULTS);
    for sequence in &found {
        assert_valid(sequence, 4, gap());
    }
    // The first starts at the first slot and runs back to back: 40 minutes.
    assert_eq!(found[0][0].starts_at, utc("2026-11-09T16:00:00Z"));
    assert_eq!(
        found[0][3].ends_at - found[0][0].starts_at,
        Duration::minutes(40)
    );
    for pair in found.windows(2) {
        let key = |s: &Vec<Candidate>| (s[0].starts_at, s[3].ends_at - s[0].starts_at);
        assert!(key(&pair[0]) <= key(&pair[1]), "sorted");
    }
    // Every child on other evenings: nothing fits, and every start is tried.
    assert!(sibling_sequences(&crowded_evenings(true), gap(), 10).is_empty());
}
