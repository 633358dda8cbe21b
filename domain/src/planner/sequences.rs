//! Sibling sequences: a family with several children sees their teachers one after another, with
//! little waiting in between, instead of coming back on three evenings (seed 003 asks the round to
//! be easy on parents). Suggestions only: the guardian still books each slot, and the booking
//! rules decide.

use std::cmp::Ordering;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{
    MAX_SEQUENCE_CHILDREN, MAX_SEQUENCE_GAP_MINUTES, MAX_SEQUENCE_RESULTS, MAX_SEQUENCE_STEPS,
};

/// A free slot one child could book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Candidate {
    pub pupil: Uuid,
    pub desk: Uuid,
    pub slot: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The fixed order candidates are tried and tied in: by time, then by ids, so equal input gives
/// equal output.
fn key(c: &Candidate) -> (DateTime<Utc>, DateTime<Utc>, Uuid, Uuid, Uuid) {
    (c.starts_at, c.ends_at, c.desk, c.slot, c.pupil)
}

fn span(sequence: &[Candidate]) -> Duration {
    match (sequence.first(), sequence.last()) {
        (Some(first), Some(last)) => last.ends_at - first.starts_at,
        _ => Duration::zero(),
    }
}

fn better(a: &[Candidate], b: &[Candidate]) -> Ordering {
    span(a)
        .cmp(&span(b))
        .then_with(|| a.iter().map(key).cmp(b.iter().map(key)))
}

/// The candidates of `list` (sorted by start) starting in `[from, to]`, found by binary search.
fn starting_between(list: &[Candidate], from: DateTime<Utc>, to: DateTime<Utc>) -> &[Candidate] {
    let first = list.partition_point(|c| c.starts_at < from);
    let rest = &list[first..];
    &rest[..rest.partition_point(|c| c.starts_at <= to)]
}

struct Search<'a> {
    lists: &'a [Vec<Candidate>],
    gap: Duration,
    steps: usize,
    chain: Vec<Candidate>,
    found: Vec<Vec<Candidate>>,
}

impl Search<'_> {
    /// Extends the chain with each child not yet in it (`used`, a bit per child), depth first.
    /// Only candidates starting from the chain's end to `gap` after it are tried: that window is
    /// what keeps the search small (a few slots per desk, never the cartesian product).
    fn extend(&mut self, used: u32) {
        self.steps += 1;
        if used.count_ones() as usize == self.lists.len() {
            self.found.push(self.chain.clone());
            return;
        }
        let Some(last) = self.chain.last().copied() else {
            return;
        };
        let latest = last
            .ends_at
            .checked_add_signed(self.gap)
            .unwrap_or(last.ends_at);
        let lists = self.lists;
        for (child, list) in lists.iter().enumerate() {
            if used & (1 << child) != 0 {
                continue;
            }
            for next in starting_between(list, last.ends_at, latest) {
                if self.steps >= MAX_SEQUENCE_STEPS {
                    return;
                }
                self.chain.push(*next);
                self.extend(used | (1 << child));
                self.chain.pop();
            }
        }
    }
}

/// Sequences of one candidate per child (`per_child[i]` holds child `i`'s free slots), the
/// children in any order: ordered by time, none overlapping, each starting at most `max_gap`
/// after the previous one ends (so back-to-back is best). Sorted by the first start, then by the
/// whole span, then by the slots' times and ids; at most `limit`.
///
/// Bounded (our choice, so that a guardian's request cannot keep the server busy): more than
/// [`MAX_SEQUENCE_CHILDREN`] children give none; `max_gap` counts as at most
/// [`MAX_SEQUENCE_GAP_MINUTES`] (a negative one as zero); `limit` as at most
/// [`MAX_SEQUENCE_RESULTS`]; and after [`MAX_SEQUENCE_STEPS`] steps the search stops with what it
/// found (only input with hundreds of desks at one moment gets there).
pub fn sibling_sequences(
    per_child: &[Vec<Candidate>],
    max_gap: Duration,
    limit: usize,
) -> Vec<Vec<Candidate>> {
    let limit = limit.min(MAX_SEQUENCE_RESULTS);
    if per_child.is_empty() || per_child.len() > MAX_SEQUENCE_CHILDREN || limit == 0 {
        return Vec::new();
    }
    let lists: Vec<Vec<Candidate>> = per_child
        .iter()
        .map(|candidates| {
            // A slot without length is no conversation; it would also break the time order.
            let mut list: Vec<Candidate> = candidates
                .iter()
                .copied()
                .filter(|c| c.starts_at < c.ends_at)
                .collect();
            list.sort_by_key(key);
            list.dedup();
            list
        })
        .collect();
    if lists.iter().any(Vec::is_empty) {
        return Vec::new();
    }
    let most = Duration::minutes(i64::from(MAX_SEQUENCE_GAP_MINUTES));
    let mut search = Search {
        lists: &lists,
        gap: max_gap.clamp(Duration::zero(), most),
        steps: 0,
        chain: Vec::with_capacity(lists.len()),
        found: Vec::new(),
    };
    // Every moment a sequence could start, earliest first: the results come out in that order,
    // so the search stops as soon as it has enough.
    let mut starts: Vec<DateTime<Utc>> = lists.iter().flatten().map(|c| c.starts_at).collect();
    starts.sort();
    starts.dedup();
    let mut results = Vec::new();
    for at in starts {
        for (child, list) in lists.iter().enumerate() {
            for first in starting_between(list, at, at) {
                search.chain.push(*first);
                search.extend(1 << child);
                search.chain.pop();
            }
        }
        let mut found = std::mem::take(&mut search.found);
        found.sort_by(|a, b| better(a, b));
        results.extend(found);
        if results.len() >= limit || search.steps >= MAX_SEQUENCE_STEPS {
            break;
        }
    }
    results.truncate(limit);
    results
}
