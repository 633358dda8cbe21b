//! The allocation run of a ranked form (issue #13): after the close, every pending sign-up is
//! placed or not, in one pass, by a rule the form chose when it was made:
//! - first come, first served: in order of arrival (ticket), each sign-up gets a place if its
//!   option has one left and its child is below the form's limit;
//! - by preference: all first choices (in order of arrival) before any second choice, and so on.
//!
//! What finds no place waits (in the order it was considered) when the form keeps a waiting list,
//! else stays unplaced. Deterministic: the same sign-ups give the same outcome.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{Allocation, SignupState};

/// A pending sign-up as the run sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    pub id: Uuid,
    pub option: Uuid,
    /// The child it is for; `None` for a per-household option (no per-child limit).
    pub pupil: Option<Uuid>,
    /// Order of arrival on its option: the lower, the earlier.
    pub arrived: (i64, i64),
    /// 1 is the first choice; `None` is ranked last.
    pub preference: Option<u32>,
}

/// What the run decided for one sign-up; waiting ones in the order of their place in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub id: Uuid,
    pub state: SignupState,
}

/// Places `pending` into options with `capacity` (absent: no limit) given the places already
/// taken (`placed`). Returns an outcome for every sign-up: placed first in the order placed, then
/// the rest in the order considered.
pub fn allocate(
    method: Allocation,
    capacity: &BTreeMap<Uuid, Option<u32>>,
    placed: &BTreeMap<Uuid, u32>,
    max_per_child: Option<u32>,
    waiting_list: bool,
    pending: &[Pending],
) -> Vec<Outcome> {
    let mut order: Vec<&Pending> = pending.iter().collect();
    // `arrived` is (arrival instant in µs, ticket): comparable across options.
    match method {
        Allocation::Preference => {
            order.sort_by_key(|p| (p.preference.unwrap_or(u32::MAX), p.arrived, p.id));
        }
        Allocation::FirstCome | Allocation::Immediate => order.sort_by_key(|p| (p.arrived, p.id)),
    }
    let mut taken = placed.clone();
    let mut per_child: BTreeMap<Uuid, u32> = BTreeMap::new();
    let mut placed_out = Vec::new();
    let mut rest = Vec::new();
    for sign_up in order {
        let room = capacity
            .get(&sign_up.option)
            .copied()
            .flatten()
            .is_none_or(|c| taken.get(&sign_up.option).copied().unwrap_or(0) < c);
        let under_limit = match (sign_up.pupil, max_per_child) {
            (Some(pupil), Some(max)) => per_child.get(&pupil).copied().unwrap_or(0) < max,
            _ => true,
        };
        if room && under_limit {
            *taken.entry(sign_up.option).or_default() += 1;
            if let Some(pupil) = sign_up.pupil {
                *per_child.entry(pupil).or_default() += 1;
            }
            placed_out.push(Outcome {
                id: sign_up.id,
                state: SignupState::Placed,
            });
        } else {
            rest.push(sign_up);
        }
    }
    let left = rest.into_iter().map(|sign_up| {
        // A child at the limit has their places: waiting elsewhere would only block others.
        let at_limit = match (sign_up.pupil, max_per_child) {
            (Some(pupil), Some(max)) => per_child.get(&pupil).copied().unwrap_or(0) >= max,
            _ => false,
        };
        Outcome {
            id: sign_up.id,
            state: if waiting_list && !at_limit {
                SignupState::Waiting
            } else {
                SignupState::Unplaced
            },
        }
    });
    placed_out.into_iter().chain(left).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Uuid = Uuid::from_u128(1);
    const B: Uuid = Uuid::from_u128(2);
    const KIM: Uuid = Uuid::from_u128(10);
    const LOTTE: Uuid = Uuid::from_u128(11);
    const SEM: Uuid = Uuid::from_u128(12);

    fn pending(n: u128, option: Uuid, pupil: Uuid, arrived: i64, preference: u32) -> Pending {
        Pending {
            id: Uuid::from_u128(100 + n),
            option,
            pupil: Some(pupil),
            arrived: (arrived, 0),
            preference: Some(preference),
        }
    }

    fn one_place_each() -> BTreeMap<Uuid, Option<u32>> {
        BTreeMap::from([(A, Some(1)), (B, Some(1))])
    }

    fn state_of(outcomes: &[Outcome], n: u128) -> SignupState {
        outcomes
            .iter()
            .find(|o| o.id == Uuid::from_u128(100 + n))
            .unwrap()
            .state
    }

    // Kim ranks A first and arrives first; Lotte ranks B first but arrives before Sem, who ranks
    // A second and B first.
    fn sign_ups() -> Vec<Pending> {
        vec![
            pending(1, A, KIM, 1, 1),
            pending(2, B, KIM, 1, 2),
            pending(3, A, LOTTE, 2, 2),
            pending(4, B, LOTTE, 2, 1),
            pending(5, B, SEM, 3, 1),
            pending(6, A, SEM, 3, 2),
        ]
    }

    #[test]
    fn by_preference_every_first_choice_comes_before_any_second() {
        let out = allocate(
            Allocation::Preference,
            &one_place_each(),
            &BTreeMap::new(),
            Some(1),
            true,
            &sign_ups(),
        );
        assert_eq!(state_of(&out, 1), SignupState::Placed); // Kim: A, first choice
        assert_eq!(state_of(&out, 4), SignupState::Placed); // Lotte: B, first choice
        assert_eq!(state_of(&out, 5), SignupState::Waiting); // Sem: B taken
        assert_eq!(state_of(&out, 6), SignupState::Waiting); // Sem: A taken
        // Kim and Lotte have their one place: they do not queue for more.
        assert_eq!(state_of(&out, 2), SignupState::Unplaced);
        assert_eq!(state_of(&out, 3), SignupState::Unplaced);
    }

    #[test]
    fn first_come_goes_by_arrival_whatever_the_ranks() {
        let out = allocate(
            Allocation::FirstCome,
            &one_place_each(),
            &BTreeMap::new(),
            Some(1),
            false,
            &sign_ups(),
        );
        assert_eq!(state_of(&out, 1), SignupState::Placed); // Kim: A
        assert_eq!(state_of(&out, 4), SignupState::Placed); // Lotte: B (A taken)
        for n in [2, 3, 5, 6] {
            assert_eq!(state_of(&out, n), SignupState::Unplaced, "{n}");
        }
    }

    #[test]
    fn places_never_exceed_capacity_and_already_placed_ones_count() {
        let capacity = BTreeMap::from([(A, Some(2)), (B, None)]);
        let already = BTreeMap::from([(A, 1)]);
        let out = allocate(
            Allocation::FirstCome,
            &capacity,
            &already,
            None,
            true,
            &sign_ups(),
        );
        let placed_on = |option: Uuid| {
            sign_ups()
                .iter()
                .filter(|p| p.option == option)
                .filter(|p| state_of(&out, p.id.as_u128() - 100) == SignupState::Placed)
                .count()
        };
        assert_eq!(placed_on(A), 1); // one place was left
        assert_eq!(placed_on(B), 3); // no limit
        assert_eq!(out.len(), sign_ups().len());
    }

    #[test]
    fn the_waiting_list_keeps_the_order_considered() {
        let capacity = BTreeMap::from([(A, Some(1))]);
        let queue: Vec<Pending> = (0..4)
            .map(|n: u128| pending(n, A, Uuid::from_u128(50 + n), 10 - n as i64, 1))
            .collect();
        let out = allocate(
            Allocation::Preference,
            &capacity,
            &BTreeMap::new(),
            None,
            true,
            &queue,
        );
        let ids: Vec<u128> = out.iter().map(|o| o.id.as_u128() - 100).collect();
        // Arrival runs 3, 2, 1, 0: the earliest is placed, the others wait in arrival order.
        assert_eq!(ids, vec![3, 2, 1, 0]);
        assert_eq!(out[0].state, SignupState::Placed);
        assert!(out[1..].iter().all(|o| o.state == SignupState::Waiting));
    }
}
