//! One pupil as a card: the pupil, where it belongs, its groups and the guardians the caller may
//! see, in three statements prepared once. The scopes are applied here, so the card of a pupil out
//! of reach cannot be read.

use diesel::prelude::*;
use domain::scope::{GuardianScope, PupilPlace, PupilScope};

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::groups::GroupRow;
use crate::guardians::{GuardianPupilRow, GuardianRow};
use crate::ids::uuid;
use crate::pupils::{PupilRow, enrolled_in, find_placed};
use crate::schema::{guardian_pupils, guardians};

#[derive(Debug, Clone)]
pub struct PupilCard {
    pub pupil: PupilRow,
    /// The board of the pupil's school, for the policy.
    pub board_id: String,
    pub groups: Vec<GroupRow>,
    /// The active guardians the caller may see, with their relation to the pupil.
    pub guardians: Vec<(GuardianRow, GuardianPupilRow)>,
}

/// The card of the pupil `id` if `pupils` reaches it (not found otherwise). Of its guardians, those
/// `guardians` reaches through this pupil (staff whose roles cover the pupil's guardians) and the
/// caller's own records: a guardian sees only themselves among their child's guardians.
pub fn read(
    conn: &mut AnyConnection,
    pupils: &PupilScope,
    guardians_scope: &GuardianScope,
    id: &str,
) -> Result<PupilCard, RepoError> {
    let (pupil, board_id, groups) = find_placed(conn, pupils, id)?;
    let groups = match groups {
        Some(groups) => groups,
        None => enrolled_in(conn, id)?,
    };
    let place = PupilPlace {
        pupil_id: uuid(&pupil.id),
        school_id: uuid(&pupil.school_id),
        board_id: uuid(&board_id),
        groups: groups.iter().map(|g| uuid(&g.id)).collect(),
    };
    let all_guardians = guardians_scope.via_pupils.reaches(&place);
    let guardians = guardian_pupils::table
        .inner_join(guardians::table)
        .filter(guardian_pupils::pupil_id.eq(id))
        .filter(guardians::deactivated_at.is_null())
        .select((GuardianRow::as_select(), GuardianPupilRow::as_select()))
        .order(guardians::id.asc())
        .load::<(GuardianRow, GuardianPupilRow)>(conn)?
        .into_iter()
        .filter(|(guardian, _)| all_guardians || guardians_scope.own.contains(&uuid(&guardian.id)))
        .collect();
    Ok(PupilCard {
        pupil,
        board_id,
        groups,
        guardians,
    })
}
