//! Which change requests a caller sees, as sets of ids persistence turns into one SQL filter.

use crate::actor::Actor;

use super::{ChildRequests, child_requests};

/// What a caller may see: the queues of `admin_schools`; requests made by `guardians` (the
/// caller's own guardian records); every request about `children`; and requests about a child
/// made from one household (`(pupil, household)`, for separated parents). The guardian parts
/// count only at `guardian_schools`, where the module is on for guardians.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestScope {
    /// Schools whose queue the actor works (the module on for their admins there).
    pub admin_schools: Vec<String>,
    /// Schools where the module is on for guardians.
    pub guardian_schools: Vec<String>,
    pub guardians: Vec<String>,
    pub children: Vec<String>,
    pub children_of_household: Vec<(String, String)>,
}

/// A guardian's household with one of their children, and whether the child's parents are
/// separated (from the roster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdLink {
    pub pupil_id: String,
    pub household: String,
    pub parents_separated: bool,
}

impl RequestScope {
    /// What a guardian sees: their own requests, and those about their current children (for a
    /// child whose parents are separated, only those made from the guardian's household), at the
    /// schools where the module is on for guardians.
    pub fn for_guardian(
        actor: &Actor,
        guardian_schools: Vec<String>,
        links: &[HouseholdLink],
    ) -> RequestScope {
        let mut scope = RequestScope {
            guardian_schools,
            guardians: actor
                .guardian_ids()
                .iter()
                .map(ToString::to_string)
                .collect(),
            ..RequestScope::default()
        };
        for link in links {
            match child_requests(link.parents_separated, &link.household) {
                ChildRequests::All => scope.children.push(link.pupil_id.clone()),
                ChildRequests::OfHousehold(household) => scope
                    .children_of_household
                    .push((link.pupil_id.clone(), household)),
            }
        }
        scope
    }

    /// One school's queue.
    pub fn queue_of(school_id: &str) -> RequestScope {
        RequestScope {
            admin_schools: vec![school_id.to_owned()],
            ..RequestScope::default()
        }
    }

    /// The guardian parts only (a guardian's own list, even for someone who also works a queue).
    pub fn as_guardian(&self) -> RequestScope {
        RequestScope {
            admin_schools: Vec::new(),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::{Child, GuardianLink};
    use uuid::Uuid;

    #[test]
    fn a_separated_parent_sees_only_their_households_requests_about_the_child() {
        let actor = Actor {
            guardian: vec![GuardianLink {
                board_id: Uuid::from_u128(1),
                school_id: Uuid::from_u128(10),
                guardian_id: Uuid::from_u128(20),
                children: vec![Child {
                    pupil_id: Uuid::from_u128(30),
                    parental_authority: true,
                }],
            }],
            ..Actor::default()
        };
        let links = [
            HouseholdLink {
                pupil_id: "together".into(),
                household: "h1".into(),
                parents_separated: false,
            },
            HouseholdLink {
                pupil_id: "separated".into(),
                household: "h2".into(),
                parents_separated: true,
            },
        ];
        let scope = RequestScope::for_guardian(&actor, vec!["s".into()], &links);
        assert_eq!(scope.guardians, vec![Uuid::from_u128(20).to_string()]);
        assert_eq!(scope.children, vec!["together".to_owned()]);
        assert_eq!(
            scope.children_of_household,
            vec![("separated".to_owned(), "h2".to_owned())]
        );
        assert!(scope.admin_schools.is_empty());
        assert_eq!(scope.guardian_schools, vec!["s".to_owned()]);
    }
}
