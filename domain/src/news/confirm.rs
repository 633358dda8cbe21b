//! Read confirmation (SPEC §5): a post may ask guardians to confirm they read it, once per child
//! (one guardian of each child suffices) or once per household of each child. Households count
//! apart only where the child's parents are separated (SPEC §1: the two households are then
//! separate parties; otherwise the family is one party, as change requests treat it), so for a
//! child whose parents are not separated `per_household` asks the same as `per_child`.
//!
//! Persistence loads the audience's guardian links and the confirmations given; these functions
//! decide what is still open. Ids are the stored text ids.

use std::collections::{BTreeMap, BTreeSet};

use super::Confirmation;

/// A guardian of the audience with one of their children there (an active guardian, a current
/// pupil the post reaches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudienceLink {
    pub pupil_id: String,
    pub guardian_id: String,
    /// The guardian's household with the child (`guardian_pupils.household`).
    pub household: String,
    pub parents_separated: bool,
}

/// A confirmation given for a child, from a household (as the link was when it was given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub pupil_id: String,
    pub household: String,
}

/// What must be confirmed once: a child, or for `per_household` a household of a child whose
/// parents are separated (`household` is then set).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit {
    pub pupil_id: String,
    pub household: Option<String>,
    /// The guardians who can confirm it (sorted).
    pub guardians: Vec<String>,
    pub confirmed: bool,
}

/// The household a link's confirmation counts for under `kind`: `None` when the child is the
/// unit (per child, or parents not separated).
fn household_of(kind: Confirmation, link_household: &str, separated: bool) -> Option<String> {
    (kind == Confirmation::PerHousehold && separated).then(|| link_household.to_owned())
}

/// Every unit the links make, in order of child then household, each with whether one of `given`
/// confirms it. Nothing for a post that asks no confirmation.
pub fn units(kind: Confirmation, links: &[AudienceLink], given: &[Given]) -> Vec<Unit> {
    if kind == Confirmation::None {
        return Vec::new();
    }
    let separated: BTreeMap<&str, bool> = links
        .iter()
        .map(|l| (l.pupil_id.as_str(), l.parents_separated))
        .collect();
    let done: BTreeSet<(String, Option<String>)> = given
        .iter()
        .map(|g| {
            let separated = separated.get(g.pupil_id.as_str()).copied().unwrap_or(false);
            (
                g.pupil_id.clone(),
                household_of(kind, &g.household, separated),
            )
        })
        .collect();
    let mut by_unit: BTreeMap<(String, Option<String>), BTreeSet<String>> = BTreeMap::new();
    for link in links {
        let key = (
            link.pupil_id.clone(),
            household_of(kind, &link.household, link.parents_separated),
        );
        by_unit
            .entry(key)
            .or_default()
            .insert(link.guardian_id.clone());
    }
    by_unit
        .into_iter()
        .map(|(key, guardians)| Unit {
            confirmed: done.contains(&key),
            pupil_id: key.0,
            household: key.1,
            guardians: guardians.into_iter().collect(),
        })
        .collect()
}

/// Whether a guardian still owes a confirmation: one of the units they belong to is open.
/// `links` may be the guardian's own links only; `given` are all confirmations of the post for
/// those children.
pub fn owes(
    kind: Confirmation,
    guardian_id: &str,
    links: &[AudienceLink],
    given: &[Given],
) -> bool {
    units(kind, links, given)
        .iter()
        .any(|u| !u.confirmed && u.guardians.iter().any(|g| g == guardian_id))
}

/// The guardians who still owe a confirmation: every guardian of an open unit (sorted, once).
pub fn owing(kind: Confirmation, links: &[AudienceLink], given: &[Given]) -> Vec<String> {
    let owing: BTreeSet<String> = units(kind, links, given)
        .into_iter()
        .filter(|u| !u.confirmed)
        .flat_map(|u| u.guardians)
        .collect();
    owing.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(pupil: &str, guardian: &str, household: &str, separated: bool) -> AudienceLink {
        AudienceLink {
            pupil_id: pupil.into(),
            guardian_id: guardian.into(),
            household: household.into(),
            parents_separated: separated,
        }
    }

    fn given(pupil: &str, household: &str) -> Given {
        Given {
            pupil_id: pupil.into(),
            household: household.into(),
        }
    }

    /// P1's parents are separated: mother M1 (household H1) and father D1 (H2), with his
    /// partner S1 (H2). P2 lives with M2 and D2, one family with two household keys.
    fn family() -> Vec<AudienceLink> {
        vec![
            link("P1", "M1", "H1", true),
            link("P1", "D1", "H2", true),
            link("P1", "S1", "H2", true),
            link("P2", "M2", "H3", false),
            link("P2", "D2", "H4", false),
        ]
    }

    fn open(units: &[Unit]) -> Vec<(String, Option<String>)> {
        units
            .iter()
            .filter(|u| !u.confirmed)
            .map(|u| (u.pupil_id.clone(), u.household.clone()))
            .collect()
    }

    #[test]
    fn per_child_one_guardian_of_each_child_suffices() {
        let links = family();
        assert_eq!(units(Confirmation::PerChild, &links, &[]).len(), 2);
        let after = units(Confirmation::PerChild, &links, &[given("P1", "H2")]);
        assert_eq!(open(&after), vec![("P2".to_owned(), None)]);
        // The mother owes nothing any more: the father confirmed for their child.
        assert!(!owes(
            Confirmation::PerChild,
            "M1",
            &links,
            &[given("P1", "H2")]
        ));
        assert!(owes(
            Confirmation::PerChild,
            "M2",
            &links,
            &[given("P1", "H2")]
        ));
    }

    #[test]
    fn per_household_each_household_of_separated_parents_confirms() {
        let links = family();
        let all = units(Confirmation::PerHousehold, &links, &[]);
        assert_eq!(
            open(&all),
            vec![
                ("P1".to_owned(), Some("H1".to_owned())),
                ("P1".to_owned(), Some("H2".to_owned())),
                ("P2".to_owned(), None),
            ]
        );
        assert_eq!(all[1].guardians, vec!["D1".to_owned(), "S1".to_owned()]);
        // The father's partner confirms for household H2: the mother's household is still open.
        let after = units(Confirmation::PerHousehold, &links, &[given("P1", "H2")]);
        assert_eq!(
            open(&after),
            vec![
                ("P1".to_owned(), Some("H1".to_owned())),
                ("P2".to_owned(), None)
            ]
        );
        assert!(owes(
            Confirmation::PerHousehold,
            "M1",
            &links,
            &[given("P1", "H2")]
        ));
        assert!(!owes(
            Confirmation::PerHousehold,
            "D1",
            &links,
            &[given("P1", "H2")]
        ));
        // Parents not separated: one family, whatever household keys the LAS gave them.
        let p2 = units(Confirmation::PerHousehold, &links, &[given("P2", "H4")]);
        assert!(!open(&p2).contains(&("P2".to_owned(), None)));
        assert_eq!(
            owing(Confirmation::PerHousehold, &links, &[given("P2", "H4")]),
            vec!["D1", "M1", "S1"]
        );
    }

    #[test]
    fn a_guardian_with_two_children_owes_until_each_is_confirmed() {
        let links = vec![
            link("P1", "M1", "H1", false),
            link("P3", "M1", "H1", false),
            link("P3", "D3", "H1", false),
        ];
        assert!(owes(
            Confirmation::PerChild,
            "M1",
            &links,
            &[given("P1", "H1")]
        ));
        let both = [given("P1", "H1"), given("P3", "H1")];
        assert!(!owes(Confirmation::PerChild, "M1", &links, &both));
        assert!(owing(Confirmation::PerChild, &links, &both).is_empty());
    }

    #[test]
    fn a_post_without_confirmation_asks_nothing_of_anyone() {
        let links = family();
        assert!(units(Confirmation::None, &links, &[]).is_empty());
        assert!(!owes(Confirmation::None, "M1", &links, &[]));
        assert!(owing(Confirmation::None, &links, &[]).is_empty());
        // A guardian outside the audience owes nothing either.
        assert!(!owes(Confirmation::PerChild, "X9", &links, &[]));
    }
}
