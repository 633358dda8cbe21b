//! Who may do what with news (SPEC §5). Whether a post exists for the caller at all is the scoped
//! query's; these answer the actions. The school-wide part is `Actor::may` with
//! [`SchoolAction::PostNews`] and [`SchoolAction::ManageNews`]; the group part is here.

use uuid::Uuid;

use crate::actor::Actor;
use crate::policy::{SchoolAction, SchoolRef};
use crate::roles::StaffRole;

use super::{Audience, Confirmation, PostState};

/// What decides who may read and comment on a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostReach<'a> {
    pub school: SchoolRef,
    pub audience: &'a Audience,
    pub state: PostState,
    /// Off unless the author switched it on (seed 003).
    pub comments_enabled: bool,
}

/// The groups the actor teaches at `school_id`. The actor carries the groups of the school year
/// that has not ended (persistence loads them so: after the roll-over, last year's groups are no
/// longer the teacher's).
pub(super) fn teaching_groups(actor: &Actor, school_id: Uuid) -> impl Iterator<Item = Uuid> + '_ {
    actor
        .staff
        .iter()
        .filter(move |m| m.school_id == school_id && m.roles.contains(&StaffRole::Teacher))
        .flat_map(|m| m.groups.iter().copied())
}

/// Whether the actor may post to `audience` at `school`: those who manage the school's news
/// (school admins, board admins) to the whole school or any groups; teachers only to groups they
/// teach there; nobody else (not guardians, not the platform operator). That the groups belong to
/// the school is the service's to check against the database.
pub fn may_post(actor: &Actor, school: SchoolRef, audience: &Audience) -> bool {
    let groups = match audience {
        Audience::School => return actor.may(SchoolAction::ManageNews, school),
        Audience::Groups(groups) if groups.is_empty() => return false,
        Audience::Groups(groups) => groups,
    };
    if actor.may(SchoolAction::ManageNews, school) {
        return true;
    }
    if !actor.may(SchoolAction::PostNews, school) {
        return false;
    }
    let own: Vec<Uuid> = teaching_groups(actor, school.school_id).collect();
    groups.iter().all(|group| own.contains(group))
}

/// Whether the actor may edit a post to `audience` written by `post_author` (an account id) at
/// `school`: its author while they may still post to that audience (a teacher who no longer
/// teaches the group has no more say over the post, nor its read receipts), or whoever manages
/// the school's news. An edit that changes the audience must pass [`may_post`] for the new
/// audience as well.
pub fn may_edit(actor: &Actor, post_author: Uuid, school: SchoolRef, audience: &Audience) -> bool {
    actor.may(SchoolAction::ManageNews, school)
        || (!post_author.is_nil()
            && post_author == actor.account_id
            && may_post(actor, school, audience))
}

/// Deleting a post: as editing it (SPEC §5: by the author or an admin).
pub fn may_delete(
    actor: &Actor,
    post_author: Uuid,
    school: SchoolRef,
    audience: &Audience,
) -> bool {
    may_edit(actor, post_author, school, audience)
}

/// Whether a staff member reads a live post to `audience` at `school`: a post to the whole school
/// any staff member there, a post to groups those who manage the school's news and the teachers of
/// one of its groups (SPEC §1: nothing of a group one has no role in).
pub fn staff_reads(actor: &Actor, school: SchoolRef, audience: &Audience) -> bool {
    match audience {
        Audience::School => {
            !actor.roles_at(school.school_id).is_empty()
                || actor.may(SchoolAction::ManageNews, school)
        }
        Audience::Groups(groups) => {
            actor.may(SchoolAction::ManageNews, school)
                || teaching_groups(actor, school.school_id).any(|own| groups.contains(&own))
        }
    }
}

/// Hiding a comment on a post: the post's author or an admin, as editing the post.
pub fn may_hide_comment(
    actor: &Actor,
    post_author: Uuid,
    school: SchoolRef,
    audience: &Audience,
) -> bool {
    may_edit(actor, post_author, school, audience)
}

/// Whether the actor is a guardian in a post's audience: a guardian at the post's school, and for
/// a group post, with a child in one of its groups. `child_groups` are the groups the actor's
/// children are in at that school this school year, which the service loads (the actor carries
/// the children, not their groups).
pub fn in_audience(
    actor: &Actor,
    school: SchoolRef,
    audience: &Audience,
    child_groups: &[Uuid],
) -> bool {
    actor.is_guardian_at(school.school_id)
        && match audience {
            Audience::School => true,
            Audience::Groups(groups) => groups.iter().any(|g| child_groups.contains(g)),
        }
}

/// Whether the actor may read the post in their feed: in its audience, and published.
pub fn sees_post(actor: &Actor, post: PostReach<'_>, child_groups: &[Uuid]) -> bool {
    post.state.in_feed() && in_audience(actor, post.school, post.audience, child_groups)
}

/// Whether the actor may comment: the post has comments switched on and is published, and the
/// actor is a guardian in its audience (SPEC §5; staff answer in the post or hide comments).
pub fn may_comment(actor: &Actor, post: PostReach<'_>, child_groups: &[Uuid]) -> bool {
    post.comments_enabled && sees_post(actor, post, child_groups)
}

/// Whether the actor may confirm they read the post: it asks for confirmation (SPEC §5), and the
/// actor is a guardian in its audience who sees it. Staff do not confirm.
pub fn may_confirm(
    actor: &Actor,
    post: PostReach<'_>,
    confirmation: Confirmation,
    child_groups: &[Uuid],
) -> bool {
    confirmation != Confirmation::None && sees_post(actor, post, child_groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::{Child, GuardianLink, StaffMembership};

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn school() -> SchoolRef {
        SchoolRef {
            board_id: id(1),
            school_id: id(10),
        }
    }

    fn other_school() -> SchoolRef {
        SchoolRef {
            board_id: id(2),
            school_id: id(20),
        }
    }

    const OWN_GROUP: u128 = 50;
    const OTHER_GROUP: u128 = 51;

    fn staff_at(at: SchoolRef, role: StaffRole, groups: &[u128]) -> Actor {
        Actor {
            account_id: id(100),
            staff: vec![StaffMembership {
                board_id: at.board_id,
                school_id: at.school_id,
                staff_id: id(101),
                roles: vec![role],
                groups: groups.iter().map(|g| id(*g)).collect(),
            }],
            ..Actor::default()
        }
    }

    fn teacher() -> Actor {
        staff_at(school(), StaffRole::Teacher, &[OWN_GROUP])
    }

    fn admin() -> Actor {
        staff_at(school(), StaffRole::SchoolAdmin, &[])
    }

    fn guardian() -> Actor {
        Actor {
            account_id: id(200),
            guardian: vec![GuardianLink {
                board_id: school().board_id,
                school_id: school().school_id,
                guardian_id: id(201),
                children: vec![Child {
                    pupil_id: id(202),
                    parental_authority: true,
                }],
            }],
            ..Actor::default()
        }
    }

    fn groups(ids: &[u128]) -> Audience {
        Audience::Groups(ids.iter().map(|g| id(*g)).collect())
    }

    #[test]
    fn a_teacher_may_post_to_their_own_group() {
        assert!(may_post(&teacher(), school(), &groups(&[OWN_GROUP])));
    }

    #[test]
    fn a_teacher_may_not_post_to_another_group_or_the_whole_school() {
        assert!(!may_post(&teacher(), school(), &groups(&[OTHER_GROUP])));
        // One group not theirs spoils the lot.
        assert!(!may_post(
            &teacher(),
            school(),
            &groups(&[OWN_GROUP, OTHER_GROUP])
        ));
        assert!(!may_post(&teacher(), school(), &Audience::School));
        assert!(!may_post(&teacher(), school(), &groups(&[])));
    }

    #[test]
    fn a_teachers_group_counts_only_at_the_school_where_they_teach_it() {
        let mut actor = teacher();
        // Also works as a teacher at another school, without groups there.
        actor.staff.push(StaffMembership {
            board_id: other_school().board_id,
            school_id: other_school().school_id,
            staff_id: id(102),
            roles: vec![StaffRole::Teacher],
            groups: vec![],
        });
        assert!(!may_post(&actor, other_school(), &groups(&[OWN_GROUP])));
        // Linked to the group but in another role there: not a teacher of it.
        let care = staff_at(school(), StaffRole::CareStaff, &[OWN_GROUP]);
        assert!(!may_post(&care, school(), &groups(&[OWN_GROUP])));
    }

    #[test]
    fn an_admin_may_post_to_the_whole_school_and_any_group() {
        assert!(may_post(&admin(), school(), &Audience::School));
        assert!(may_post(&admin(), school(), &groups(&[OTHER_GROUP])));
        let board_admin = Actor {
            board_admin_of: vec![school().board_id],
            ..Actor::default()
        };
        assert!(may_post(&board_admin, school(), &Audience::School));
        assert!(!may_post(&board_admin, other_school(), &Audience::School));
    }

    #[test]
    fn an_admin_of_another_school_may_not_post() {
        let elsewhere = staff_at(other_school(), StaffRole::SchoolAdmin, &[]);
        assert!(!may_post(&elsewhere, school(), &Audience::School));
        assert!(!may_post(&elsewhere, school(), &groups(&[OWN_GROUP])));
    }

    #[test]
    fn guardians_the_operator_and_other_staff_may_not_post() {
        let operator = Actor::operator(id(9));
        let director = staff_at(school(), StaffRole::Director, &[]);
        for actor in [guardian(), operator, director] {
            assert!(!may_post(&actor, school(), &Audience::School));
            assert!(!may_post(&actor, school(), &groups(&[OWN_GROUP])));
        }
    }

    #[test]
    fn the_author_and_admins_edit_delete_and_hide_comments_and_nobody_else() {
        let author = teacher().account_id;
        type Check = fn(&Actor, Uuid, SchoolRef, &Audience) -> bool;
        let checks: [Check; 3] = [may_edit, may_delete, may_hide_comment];
        let to = groups(&[OWN_GROUP]);
        for check in checks {
            assert!(check(&teacher(), author, school(), &to));
            assert!(check(&admin(), author, school(), &to));
            let colleague = Actor {
                account_id: id(300),
                ..teacher()
            };
            assert!(!check(&colleague, author, school(), &to));
            assert!(!check(&guardian(), author, school(), &to));
            assert!(!check(&Actor::operator(author), author, school(), &to));
            let admin_elsewhere = staff_at(other_school(), StaffRole::SchoolAdmin, &[]);
            assert!(!check(&admin_elsewhere, author, school(), &to));
            // The author no longer works at the school.
            let former = Actor {
                staff: vec![],
                ..teacher()
            };
            assert!(!check(&former, author, school(), &to));
            // The author no longer teaches the group (a new school year): no more say over it.
            assert!(!check(
                &teacher(),
                author,
                school(),
                &groups(&[OTHER_GROUP])
            ));
            // A post without an author is nobody's to edit but the admins'.
            let nobody = Actor {
                account_id: Uuid::nil(),
                ..teacher()
            };
            assert!(!check(&nobody, Uuid::nil(), school(), &to));
        }
    }

    #[test]
    fn staff_read_school_posts_and_the_posts_of_groups_they_teach() {
        let to_own = groups(&[OWN_GROUP]);
        let to_other = groups(&[OTHER_GROUP]);
        let to_both = groups(&[OWN_GROUP, OTHER_GROUP]);
        assert!(staff_reads(&teacher(), school(), &Audience::School));
        assert!(staff_reads(&teacher(), school(), &to_own));
        assert!(staff_reads(&teacher(), school(), &to_both));
        assert!(!staff_reads(&teacher(), school(), &to_other));
        assert!(staff_reads(&admin(), school(), &to_other));
        let director = staff_at(school(), StaffRole::Director, &[]);
        assert!(staff_reads(&director, school(), &Audience::School));
        assert!(!staff_reads(&director, school(), &to_other));
        assert!(!staff_reads(&guardian(), school(), &Audience::School));
        let elsewhere = staff_at(other_school(), StaffRole::SchoolAdmin, &[]);
        assert!(!staff_reads(&elsewhere, school(), &Audience::School));
    }

    #[test]
    fn guardians_of_the_audience_comment_only_when_comments_are_on() {
        let audience = groups(&[OWN_GROUP]);
        let post = PostReach {
            school: school(),
            audience: &audience,
            state: PostState::Published,
            comments_enabled: true,
        };
        let mine = [id(OWN_GROUP)];
        assert!(may_comment(&guardian(), post, &mine));
        // A child in another group of the school.
        assert!(!may_comment(&guardian(), post, &[id(OTHER_GROUP)]));
        // Off by default (seed 003).
        let off = PostReach {
            comments_enabled: false,
            ..post
        };
        assert!(!may_comment(&guardian(), off, &mine));
        for state in [PostState::Draft, PostState::Scheduled, PostState::Expired] {
            assert!(!may_comment(
                &guardian(),
                PostReach { state, ..post },
                &mine
            ));
        }
        // Staff do not comment, not even the author.
        assert!(!may_comment(&teacher(), post, &mine));
        // A guardian at another school, whatever groups are passed.
        let elsewhere = PostReach {
            school: other_school(),
            ..post
        };
        assert!(!may_comment(&guardian(), elsewhere, &mine));
    }

    #[test]
    fn guardians_of_the_audience_confirm_a_post_that_asks_for_it() {
        let audience = groups(&[OWN_GROUP]);
        let post = PostReach {
            school: school(),
            audience: &audience,
            state: PostState::Published,
            comments_enabled: false,
        };
        let mine = [id(OWN_GROUP)];
        for kind in [Confirmation::PerChild, Confirmation::PerHousehold] {
            assert!(may_confirm(&guardian(), post, kind, &mine));
            assert!(!may_confirm(&guardian(), post, kind, &[id(OTHER_GROUP)]));
            assert!(!may_confirm(&teacher(), post, kind, &mine));
            let draft = PostReach {
                state: PostState::Draft,
                ..post
            };
            assert!(!may_confirm(&guardian(), draft, kind, &mine));
        }
        assert!(!may_confirm(&guardian(), post, Confirmation::None, &mine));
    }

    #[test]
    fn a_school_post_reaches_every_guardian_of_the_school() {
        let post = PostReach {
            school: school(),
            audience: &Audience::School,
            state: PostState::Published,
            comments_enabled: false,
        };
        assert!(sees_post(&guardian(), post, &[]));
        assert!(!sees_post(&Actor::operator(id(9)), post, &[]));
        let mut without_children = guardian();
        without_children.guardian[0].children.clear();
        assert!(!sees_post(&without_children, post, &[]));
    }
}
