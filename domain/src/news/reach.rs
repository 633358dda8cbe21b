//! What of a school's news a staff member's list holds: [`staff_reads`](super::staff_reads) and [`may_edit`](super::may_edit) decided
//! for every post at once, as a filter persistence writes in SQL (a list cannot ask the policy
//! post by post and stay one index walk). The tests hold each against the per-post rule.

use uuid::Uuid;

use crate::actor::Actor;
use crate::policy::{SchoolAction, SchoolRef};

use super::policy::teaching_groups;

/// Which of a school's live posts the actor reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffReach {
    /// Every post: those who manage the school's news.
    Everything,
    /// Posts to the whole school, and posts to one of these groups (those the actor teaches
    /// there; none for other staff).
    SchoolAnd(Vec<Uuid>),
    /// Nothing: not staff there.
    Nothing,
}

/// The live posts of `school` the actor reads, as [`staff_reads`](super::staff_reads) decides one.
pub fn staff_reach(actor: &Actor, school: SchoolRef) -> StaffReach {
    if actor.may(SchoolAction::ManageNews, school) {
        StaffReach::Everything
    } else if actor.roles_at(school.school_id).is_empty() {
        StaffReach::Nothing
    } else {
        StaffReach::SchoolAnd(teaching_groups(actor, school.school_id).collect())
    }
}

/// Which of a school's drafts and scheduled posts the actor may edit (and so see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditReach {
    /// Every one: those who manage the school's news.
    Everything,
    /// Their own (`author` is the actor's account) to groups all of which are among these (the
    /// groups they teach there).
    OwnWithin {
        author: Uuid,
        groups: Vec<Uuid>,
    },
    Nothing,
}

/// The drafts and scheduled posts of `school` the actor may edit, as [`may_edit`](super::may_edit) decides one.
pub fn edit_reach(actor: &Actor, school: SchoolRef) -> EditReach {
    if actor.may(SchoolAction::ManageNews, school) {
        EditReach::Everything
    } else if actor.may(SchoolAction::PostNews, school) && !actor.account_id.is_nil() {
        EditReach::OwnWithin {
            author: actor.account_id,
            groups: teaching_groups(actor, school.school_id).collect(),
        }
    } else {
        EditReach::Nothing
    }
}

impl StaffReach {
    /// Whether a live post to `audience` is in reach (the filter persistence writes in SQL).
    pub fn holds(&self, audience: &super::Audience) -> bool {
        match (self, audience) {
            (StaffReach::Everything, _) => true,
            (StaffReach::Nothing, _) => false,
            (StaffReach::SchoolAnd(_), super::Audience::School) => true,
            (StaffReach::SchoolAnd(own), super::Audience::Groups(groups)) => {
                groups.iter().any(|g| own.contains(g))
            }
        }
    }
}

impl EditReach {
    /// Whether a post to `audience` by `author` is in reach (the filter persistence writes in SQL).
    pub fn holds(&self, author: Uuid, audience: &super::Audience) -> bool {
        match (self, audience) {
            (EditReach::Everything, _) => true,
            (EditReach::Nothing, _) | (EditReach::OwnWithin { .. }, super::Audience::School) => {
                false
            }
            (
                EditReach::OwnWithin {
                    author: own,
                    groups,
                },
                super::Audience::Groups(to),
            ) => author == *own && !to.is_empty() && to.iter().all(|g| groups.contains(g)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::StaffMembership;
    use crate::news::Audience;
    use crate::news::policy::{may_edit, staff_reads};
    use crate::roles::StaffRole;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn school() -> SchoolRef {
        SchoolRef {
            board_id: id(1),
            school_id: id(10),
        }
    }

    fn staff(role: StaffRole, school_id: Uuid, groups: &[u128]) -> Actor {
        Actor {
            account_id: id(100),
            staff: vec![StaffMembership {
                board_id: id(1),
                school_id,
                staff_id: id(101),
                roles: vec![role],
                groups: groups.iter().map(|g| id(*g)).collect(),
            }],
            ..Actor::default()
        }
    }

    /// Every kind of caller: each role at the school (a teacher of group 50), the board's admin,
    /// staff of another school, a guardian-only account.
    fn actors() -> Vec<Actor> {
        let mut actors: Vec<Actor> = StaffRole::ALL
            .into_iter()
            .map(|role| staff(role, school().school_id, &[50]))
            .collect();
        actors.push(Actor {
            account_id: id(100),
            board_admin_of: vec![id(1)],
            ..Actor::default()
        });
        actors.push(staff(StaffRole::SchoolAdmin, id(20), &[]));
        actors.push(staff(StaffRole::Teacher, id(20), &[50]));
        actors.push(Actor {
            account_id: id(100),
            ..Actor::default()
        });
        actors
    }

    fn audiences() -> Vec<Audience> {
        vec![
            Audience::School,
            Audience::Groups(vec![id(50)]),
            Audience::Groups(vec![id(51)]),
            Audience::Groups(vec![id(50), id(51)]),
        ]
    }

    #[test]
    fn the_reach_of_a_list_is_the_per_post_rule_for_every_caller_and_audience() {
        for actor in actors() {
            let reach = staff_reach(&actor, school());
            let edits = edit_reach(&actor, school());
            for audience in audiences() {
                assert_eq!(
                    reach.holds(&audience),
                    staff_reads(&actor, school(), &audience),
                    "{actor:?} reading {audience:?}"
                );
                for author in [id(100), id(999), Uuid::nil()] {
                    assert_eq!(
                        edits.holds(author, &audience),
                        may_edit(&actor, author, school(), &audience),
                        "{actor:?} editing {audience:?} by {author}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_teacher_reads_the_school_and_their_groups_and_edits_their_own_to_them() {
        let teacher = staff(StaffRole::Teacher, school().school_id, &[50]);
        assert_eq!(
            staff_reach(&teacher, school()),
            StaffReach::SchoolAnd(vec![id(50)])
        );
        assert_eq!(
            edit_reach(&teacher, school()),
            EditReach::OwnWithin {
                author: id(100),
                groups: vec![id(50)]
            }
        );
        let director = staff(StaffRole::Director, school().school_id, &[]);
        assert_eq!(
            staff_reach(&director, school()),
            StaffReach::SchoolAnd(vec![])
        );
        assert_eq!(edit_reach(&director, school()), EditReach::Nothing);
    }
}
