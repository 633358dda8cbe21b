//! A guard against a sync that would empty a school: a compromised or misconfigured LAS client
//! (an empty roster, another school's file) would otherwise deactivate every pupil, guardian and
//! staff member, the school's own admins included. Such a sync is held until an admin (or the
//! client, explicitly) confirms it; nothing changes meanwhile.

use std::collections::BTreeSet;

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
    /// It would deactivate more than the school's share of its current pupils.
    ManyPupils { deactivated: usize, of: usize },
    /// It would leave the school without any staff member with the school-admin role.
    NoAdminsLeft,
}

impl HoldReason {
    /// Why, in words for the admins (English; no personal data).
    pub fn describe(self) -> String {
        match self {
            HoldReason::ManyPupils { deactivated, of } => {
                format!("it would deactivate {deactivated} of the school's {of} pupils")
            }
            HoldReason::NoAdminsLeft => {
                "it would leave the school without any school admin".to_owned()
            }
        }
    }
}

/// Whether a sync from `held` (what the portal holds) to `incoming` must be held, with the
/// school's `percent` (1–100).
pub fn assess(held: &Snapshot, incoming: &Snapshot, percent: u8) -> Option<HoldReason> {
    let staying: BTreeSet<&str> = incoming.pupils.iter().map(|p| p.key.as_str()).collect();
    let of = held.pupils.len();
    let deactivated = held
        .pupils
        .iter()
        .filter(|p| !staying.contains(p.key.as_str()))
        .count();
    if deactivated > LEAVERS_NEVER_HELD && deactivated * 100 > of * usize::from(percent) {
        return Some(HoldReason::ManyPupils { deactivated, of });
    }
    let admins = |s: &Snapshot| {
        s.staff
            .iter()
            .filter(|m| m.roles.contains(&StaffRole::SchoolAdmin))
            .count()
    };
    if admins(held) > 0 && admins(incoming) == 0 {
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
    use crate::roster::{Name, PupilRecord, StaffRecord};

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

    fn school(pupils: std::ops::Range<usize>, admins: &[&str]) -> Snapshot {
        Snapshot {
            school_year: "2026-2027".to_owned(),
            pupils: pupils.map(pupil).collect(),
            staff: admins.iter().map(|k| admin(k)).collect(),
            ..Snapshot::default()
        }
    }

    #[test]
    fn more_than_a_quarter_of_the_pupils_leaving_is_held() {
        let held = school(0..100, &["a"]);
        // 25 of 100 leave (a quarter): applied. 26: held.
        assert_eq!(assess(&held, &school(25..100, &["a"]), 25), None);
        assert_eq!(
            assess(&held, &school(26..100, &["a"]), 25),
            Some(HoldReason::ManyPupils {
                deactivated: 26,
                of: 100
            })
        );
        // An empty roster: held.
        assert!(assess(&held, &school(0..0, &["a"]), 25).is_some());
        // The school's own share.
        assert_eq!(assess(&held, &school(26..100, &["a"]), 50), None);
    }

    #[test]
    fn losing_every_admin_is_held_but_changing_admins_is_not() {
        let held = school(0..10, &["a", "b"]);
        assert_eq!(
            assess(&held, &school(0..10, &[]), 25),
            Some(HoldReason::NoAdminsLeft)
        );
        assert_eq!(assess(&held, &school(0..10, &["c"]), 25), None);
        // A school that had no admins in the roster loses none.
        assert_eq!(assess(&school(0..10, &[]), &school(0..10, &[]), 25), None);
    }

    #[test]
    fn a_first_sync_and_a_few_leavers_of_a_tiny_school_are_never_held() {
        assert_eq!(
            assess(&school(0..0, &[]), &school(0..500, &["a"]), 25),
            None
        );
        assert_eq!(
            assess(&school(0..3, &["a"]), &school(2..3, &["a"]), 25),
            None
        );
        assert!(assess(&school(0..3, &["a"]), &school(0..0, &["a"]), 25).is_some());
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
