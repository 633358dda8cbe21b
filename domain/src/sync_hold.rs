//! A guard against a sync that would empty a school: a compromised or misconfigured LAS client
//! (an empty roster, another school's file) would otherwise deactivate every pupil, guardian and
//! staff member, the school's own admins included. Such a sync is held until an admin (or the
//! client, explicitly) confirms it; nothing changes meanwhile.

use std::collections::{BTreeMap, BTreeSet};

use crate::roles::StaffRole;
use crate::roster::Snapshot;

/// The default share of a school's current pupils one sync may deactivate without confirmation
/// (a school setting). A whole year group leaving at the roll-over is about an eighth.
pub const DEFAULT_HOLD_PERCENT: u8 = 25;

/// Deactivating this many pupils is never held, whatever the share: one or two leavers of a very
/// small (or brand-new) school are not a mass deactivation.
pub const LEAVERS_NEVER_HELD: usize = 2;

/// Why a sync is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldReason {
    /// It would deactivate more than the school's share of its current pupils (counting what
    /// syncs of the past day deactivated already, so small steps add up).
    ManyPupils { deactivated: usize, of: usize },
    /// It would deactivate, or change the address of, more than the school's share of its
    /// guardians (each address change ends a link to an account).
    ManyGuardians { changed: usize, of: usize },
    /// None of the school's current admins would stay an admin at the same address.
    NoAdminsLeft,
}

impl HoldReason {
    /// Why, in words for the admins (English; no personal data).
    pub fn describe(self) -> String {
        match self {
            HoldReason::ManyPupils { deactivated, of } => format!(
                "it would bring the pupils deactivated within a day to {deactivated} of {of}"
            ),
            HoldReason::ManyGuardians { changed, of } => {
                format!("it would deactivate or readdress {changed} of the school's {of} guardians")
            }
            HoldReason::NoAdminsLeft => {
                "it would leave none of the school's current admins in place".to_owned()
            }
        }
    }
}

/// Whether a sync from `held` (what the portal holds) to `incoming` must be held, with the
/// school's `percent` (1–100) and the pupils that applied syncs of the past day deactivated.
pub fn assess(
    held: &Snapshot,
    incoming: &Snapshot,
    percent: u8,
    deactivated_recently: usize,
) -> Option<HoldReason> {
    let exceeds = |changed: usize, of: usize| {
        changed > LEAVERS_NEVER_HELD && changed * 100 > of * usize::from(percent)
    };
    let staying: BTreeSet<&str> = incoming.pupils.iter().map(|p| p.key.as_str()).collect();
    let leaving = held
        .pupils
        .iter()
        .filter(|p| !staying.contains(p.key.as_str()))
        .count();
    let (deactivated, of) = (
        leaving + deactivated_recently,
        held.pupils.len() + deactivated_recently,
    );
    if leaving > 0 && exceeds(deactivated, of) {
        return Some(HoldReason::ManyPupils { deactivated, of });
    }
    let addresses: BTreeMap<&str, Option<&str>> = incoming
        .guardians
        .iter()
        .map(|g| (g.key.as_str(), g.email.as_deref()))
        .collect();
    let changed = held
        .guardians
        .iter()
        .filter(|g| addresses.get(g.key.as_str()) != Some(&g.email.as_deref()))
        .count();
    if exceeds(changed, held.guardians.len()) {
        return Some(HoldReason::ManyGuardians {
            changed,
            of: held.guardians.len(),
        });
    }
    let admins = |s: &Snapshot| -> BTreeSet<(String, Option<String>)> {
        s.staff
            .iter()
            .filter(|m| m.roles.contains(&StaffRole::SchoolAdmin))
            .map(|m| (m.key.clone(), m.email.clone()))
            .collect()
    };
    let (before, after) = (admins(held), admins(incoming));
    if !before.is_empty() && before.is_disjoint(&after) {
        return Some(HoldReason::NoAdminsLeft);
    }
    None
}

/// A school's setting, checked: a share of 1 to 100 percent.
pub fn valid_percent(value: i64) -> Option<u8> {
    u8::try_from(value).ok().filter(|p| (1..=100).contains(p))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::roster::{GuardianRecord, Name, PupilRecord, StaffRecord};

    fn pupil(key: usize) -> PupilRecord {
        PupilRecord {
            key: format!("L{key}"),
            name: Name {
                first_name: "Kind".to_owned(),
                name_prefix: None,
                last_name: format!("K{key}"),
            },
            date_of_birth: None,
            parents_separated: false,
            groups: BTreeSet::new(),
        }
    }

    fn admin(key: &str) -> StaffRecord {
        StaffRecord {
            key: key.to_owned(),
            name: Name {
                first_name: "Juf".to_owned(),
                name_prefix: None,
                last_name: key.to_owned(),
            },
            email: None,
            phone: None,
            roles: [StaffRole::SchoolAdmin].into_iter().collect(),
            groups: BTreeSet::new(),
        }
    }

    fn guardian(key: usize, email: &str) -> GuardianRecord {
        GuardianRecord {
            key: format!("O{key}"),
            name: Name {
                first_name: "Ouder".to_owned(),
                name_prefix: None,
                last_name: format!("O{key}"),
            },
            email: Some(email.to_owned()),
            phone: None,
            children: std::collections::BTreeMap::new(),
        }
    }

    fn school(pupils: std::ops::Range<usize>, admins: &[&str]) -> Snapshot {
        Snapshot {
            school_year: "2026-2027".to_owned(),
            pupils: pupils.map(pupil).collect(),
            staff: admins.iter().map(|k| admin(k)).collect(),
            ..Snapshot::default()
        }
    }

    fn with_guardians(
        mut school: Snapshot,
        keys: std::ops::Range<usize>,
        domain: &str,
    ) -> Snapshot {
        school.guardians = keys
            .map(|k| guardian(k, &format!("o{k}@{domain}")))
            .collect();
        school
    }

    #[test]
    fn more_than_a_quarter_of_the_pupils_leaving_is_held() {
        let held = school(0..100, &["a"]);
        // 25 of 100 leave (a quarter): applied. 26: held.
        assert_eq!(assess(&held, &school(25..100, &["a"]), 25, 0), None);
        assert_eq!(
            assess(&held, &school(26..100, &["a"]), 25, 0),
            Some(HoldReason::ManyPupils {
                deactivated: 26,
                of: 100
            })
        );
        // An empty roster: held.
        assert!(assess(&held, &school(0..0, &["a"]), 25, 0).is_some());
        // The school's own share.
        assert_eq!(assess(&held, &school(26..100, &["a"]), 50, 0), None);
    }

    #[test]
    fn small_steps_within_a_day_add_up() {
        // 20 left earlier today (80 remain); 10 more would make 30 of 100.
        let held = school(20..100, &["a"]);
        assert_eq!(
            assess(&held, &school(30..100, &["a"]), 25, 20),
            Some(HoldReason::ManyPupils {
                deactivated: 30,
                of: 100
            })
        );
        // A sync that deactivates no one is not held for what happened before.
        assert_eq!(assess(&held, &school(20..100, &["a"]), 25, 20), None);
    }

    #[test]
    fn many_guardians_gone_or_readdressed_is_held() {
        let held = with_guardians(school(0..10, &["a"]), 0..20, "thuis.example");
        // Every guardian gone, the pupils kept.
        assert_eq!(
            assess(&held, &school(0..10, &["a"]), 25, 0),
            Some(HoldReason::ManyGuardians {
                changed: 20,
                of: 20
            })
        );
        // Every address changed (each ends a link to an account).
        let readdressed = with_guardians(school(0..10, &["a"]), 0..20, "elders.example");
        assert!(assess(&held, &readdressed, 25, 0).is_some());
        // Five of twenty readdressed: a quarter, applied.
        let mut some = with_guardians(school(0..10, &["a"]), 0..20, "thuis.example");
        for g in some.guardians.iter_mut().take(5) {
            g.email = Some("nieuw@elders.example".to_owned());
        }
        assert_eq!(assess(&held, &some, 25, 0), None);
    }

    #[test]
    fn replacing_every_admin_is_held_but_keeping_one_is_not() {
        let held = school(0..10, &["a", "b"]);
        assert_eq!(
            assess(&held, &school(0..10, &[]), 25, 0),
            Some(HoldReason::NoAdminsLeft)
        );
        // Every current admin replaced by someone new: held too.
        assert_eq!(
            assess(&held, &school(0..10, &["c"]), 25, 0),
            Some(HoldReason::NoAdminsLeft)
        );
        // One current admin stays: applied.
        assert_eq!(assess(&held, &school(0..10, &["b", "c"]), 25, 0), None);
        // The same admin at another address is not the same admin (the link to the account ends).
        let mut moved = school(0..10, &["a"]);
        moved.staff[0].email = Some("a@elders.example".to_owned());
        assert_eq!(
            assess(&school(0..10, &["a"]), &moved, 25, 0),
            Some(HoldReason::NoAdminsLeft)
        );
        // A school that had no admins in the roster loses none.
        assert_eq!(
            assess(&school(0..10, &[]), &school(0..10, &[]), 25, 0),
            None
        );
    }

    #[test]
    fn a_first_sync_and_a_few_leavers_of_a_tiny_school_are_never_held() {
        assert_eq!(
            assess(&school(0..0, &[]), &school(0..500, &["a"]), 25, 0),
            None
        );
        assert_eq!(
            assess(&school(0..3, &["a"]), &school(2..3, &["a"]), 25, 0),
            None
        );
        assert!(assess(&school(0..3, &["a"]), &school(0..0, &["a"]), 25, 0).is_some());
    }

    #[test]
    fn the_setting_is_a_share_of_one_to_a_hundred_percent() {
        assert_eq!(valid_percent(25), Some(25));
        assert_eq!(valid_percent(100), Some(100));
        assert_eq!(valid_percent(0), None);
        assert_eq!(valid_percent(101), None);
        assert_eq!(DEFAULT_HOLD_PERCENT, 25);
    }
}
