//! Which desks a round starts with, from the teachers of its groups (seed 003: teachers check the
//! times "for their own group"). A teacher is at one desk per round, so never in two places at
//! once: with duo jobs shared, the teachers linked through a group sit together, with every group
//! any of them has in the round; split, each teacher has a desk of their own with their groups (a
//! duo group's pupils can then book with each).

use std::collections::{BTreeMap, BTreeSet};

use super::DuoMode;

/// A desk to set up: the staff at it and the groups whose pupils book there, both sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskPlan {
    pub staff: Vec<String>,
    pub groups: Vec<String>,
}

/// The desks for these (group, staff) links; groups without staff get none. Deterministic: desks
/// in the order of their first staff id.
pub fn plan(links: &[(String, String)], mode: DuoMode) -> Vec<DeskPlan> {
    let mut groups_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (group, staff) in links {
        groups_of.entry(staff).or_default().insert(group);
    }
    match mode {
        DuoMode::Split => groups_of
            .into_iter()
            .map(|(staff, groups)| DeskPlan {
                staff: vec![staff.to_owned()],
                groups: groups.into_iter().map(str::to_owned).collect(),
            })
            .collect(),
        DuoMode::Share => shared(links, &groups_of),
    }
}

/// One desk per set of teachers connected through shared groups.
fn shared(links: &[(String, String)], groups_of: &BTreeMap<&str, BTreeSet<&str>>) -> Vec<DeskPlan> {
    let mut staff_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (group, staff) in links {
        staff_of.entry(group).or_default().insert(staff);
    }
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut desks = Vec::new();
    for &first in groups_of.keys() {
        if placed.contains(first) {
            continue;
        }
        let (mut staff, mut groups) = (BTreeSet::new(), BTreeSet::new());
        let mut todo = vec![first];
        while let Some(member) = todo.pop() {
            if !staff.insert(member) {
                continue;
            }
            for &group in groups_of.get(member).into_iter().flatten() {
                if groups.insert(group) {
                    todo.extend(staff_of.get(group).into_iter().flatten().copied());
                }
            }
        }
        placed.extend(staff.iter().copied());
        desks.push(DeskPlan {
            staff: staff.into_iter().map(str::to_owned).collect(),
            groups: groups.into_iter().map(str::to_owned).collect(),
        });
    }
    desks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(g, s)| ((*g).to_owned(), (*s).to_owned()))
            .collect()
    }

    fn desk(staff: &[&str], groups: &[&str]) -> DeskPlan {
        DeskPlan {
            staff: staff.iter().map(|s| (*s).to_owned()).collect(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        }
    }

    #[test]
    fn one_teacher_per_group_gives_a_desk_each_either_way() {
        let l = links(&[("g1", "a"), ("g2", "b")]);
        for mode in [DuoMode::Share, DuoMode::Split] {
            assert_eq!(
                plan(&l, mode),
                [desk(&["a"], &["g1"]), desk(&["b"], &["g2"])]
            );
        }
    }

    #[test]
    fn a_duo_shares_one_desk_or_splits_into_two() {
        let l = links(&[("g1", "a"), ("g1", "b")]);
        assert_eq!(plan(&l, DuoMode::Share), [desk(&["a", "b"], &["g1"])]);
        assert_eq!(
            plan(&l, DuoMode::Split),
            [desk(&["a"], &["g1"]), desk(&["b"], &["g1"])]
        );
    }

    #[test]
    fn a_combined_group_teacher_has_one_desk_and_shared_duos_join_it() {
        // a teaches g1 and g2 (a combined group); b shares g2 with a; c teaches g3 alone.
        let l = links(&[("g1", "a"), ("g2", "a"), ("g2", "b"), ("g3", "c")]);
        assert_eq!(
            plan(&l, DuoMode::Share),
            [desk(&["a", "b"], &["g1", "g2"]), desk(&["c"], &["g3"])]
        );
        assert_eq!(
            plan(&l, DuoMode::Split),
            [
                desk(&["a"], &["g1", "g2"]),
                desk(&["b"], &["g2"]),
                desk(&["c"], &["g3"])
            ]
        );
    }

    #[test]
    fn no_staff_no_desk() {
        assert!(plan(&[], DuoMode::Share).is_empty());
    }
}
