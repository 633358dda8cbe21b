//! Who reads and who keeps a board's disclosure register.

use uuid::Uuid;

use crate::actor::Actor;

/// Reading a board's register: its admins, staff with a role at one of its schools, and
/// guardians of a pupil there. Anyone else has no part in the board: for them it does not exist.
pub fn may_read(actor: &Actor, board_id: Uuid) -> bool {
    actor.administers_board(board_id)
        || actor
            .staff
            .iter()
            .any(|m| m.board_id == board_id && !m.roles.is_empty())
        || actor
            .guardian
            .iter()
            .any(|g| g.board_id == board_id && !g.children.is_empty())
}

/// Changing a board's register: the board's admins alone (the register is the board's, as
/// controller (verwerkingsverantwoordelijke), not a school's).
pub fn may_change(actor: &Actor, board_id: Uuid) -> bool {
    actor.administers_board(board_id)
}

/// The boards whose register the actor reads: the scope of every register query.
pub fn readable_boards(actor: &Actor) -> Vec<Uuid> {
    let mut boards: Vec<Uuid> = actor.board_admin_of.clone();
    boards.extend(
        actor
            .staff
            .iter()
            .filter(|m| !m.roles.is_empty())
            .map(|m| m.board_id),
    );
    boards.extend(
        actor
            .guardian
            .iter()
            .filter(|g| !g.children.is_empty())
            .map(|g| g.board_id),
    );
    boards.sort_unstable();
    boards.dedup();
    boards
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::{Child, GuardianLink, StaffMembership};
    use crate::roles::StaffRole;

    const BOARD: Uuid = Uuid::from_u128(1);
    const OTHER_BOARD: Uuid = Uuid::from_u128(2);

    fn staff(board: Uuid, roles: &[StaffRole]) -> Actor {
        Actor {
            staff: vec![StaffMembership {
                board_id: board,
                school_id: Uuid::from_u128(10),
                staff_id: Uuid::from_u128(11),
                roles: roles.to_vec(),
                groups: Vec::new(),
            }],
            ..Actor::default()
        }
    }

    fn guardian(board: Uuid, children: usize) -> Actor {
        let child = Child {
            pupil_id: Uuid::from_u128(20),
            parental_authority: false,
        };
        Actor {
            guardian: vec![GuardianLink {
                board_id: board,
                school_id: Uuid::from_u128(10),
                guardian_id: Uuid::from_u128(21),
                children: vec![child; children],
            }],
            ..Actor::default()
        }
    }

    fn board_admin(board: Uuid) -> Actor {
        Actor {
            board_admin_of: vec![board],
            ..Actor::default()
        }
    }

    #[test]
    fn who_reads_and_who_keeps_the_register() {
        // (who, reads, changes)
        let cases = [
            ("board admin", board_admin(BOARD), true, true),
            (
                "admin of another board",
                board_admin(OTHER_BOARD),
                false,
                false,
            ),
            (
                "operator",
                Actor::operator(Uuid::from_u128(3)),
                false,
                false,
            ),
            ("nobody", Actor::default(), false, false),
            ("guardian", guardian(BOARD, 1), true, false),
            ("guardian, no pupil left", guardian(BOARD, 0), false, false),
            ("guardian elsewhere", guardian(OTHER_BOARD, 1), false, false),
            ("staff without a role", staff(BOARD, &[]), false, false),
            (
                "staff elsewhere",
                staff(OTHER_BOARD, &[StaffRole::SchoolAdmin]),
                false,
                false,
            ),
        ];
        for (who, actor, reads, changes) in cases {
            assert_eq!(may_read(&actor, BOARD), reads, "{who} reads");
            assert_eq!(may_change(&actor, BOARD), changes, "{who} changes");
            assert_eq!(
                readable_boards(&actor).contains(&BOARD),
                reads,
                "{who} scope"
            );
        }
        for role in StaffRole::ALL {
            let actor = staff(BOARD, &[role]);
            assert!(may_read(&actor, BOARD), "{role:?} reads");
            assert!(!may_change(&actor, BOARD), "{role:?} keeps no register");
        }
    }

    #[test]
    fn the_scope_names_each_board_once() {
        let mut actor = board_admin(BOARD);
        actor.staff = staff(BOARD, &[StaffRole::Teacher]).staff;
        actor.guardian = guardian(OTHER_BOARD, 1).guardian;
        assert_eq!(readable_boards(&actor), vec![BOARD, OTHER_BOARD]);
    }
}
