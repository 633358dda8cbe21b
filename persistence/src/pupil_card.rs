//! One pupil as a card: the pupil, where it belongs, its groups and the guardians the caller may
//! see, in two statements prepared once, with only the columns the card shows. The scopes are
//! applied here, so the card of a pupil out of reach cannot be read.

use diesel::prelude::*;
use domain::scope::{GuardianScope, PupilPlace, PupilScope};

use crate::connection::AnyConnection;
use crate::error::RepoError;
use crate::ids::uuid;
use crate::schema::{enrolments, guardian_pupils, guardians, pupils, school_groups, schools};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = pupils)]
pub struct CardPupil {
    pub id: String,
    pub school_id: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub date_of_birth: Option<chrono::NaiveDate>,
    pub parents_separated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardGroup {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = guardians)]
pub struct CardGuardian {
    pub id: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = guardian_pupils)]
pub struct CardLink {
    pub relationship: String,
    pub parental_authority: bool,
    pub household: String,
}

/// The pupil, its board, and one of its groups (id, name).
type PupilInGroup = (CardPupil, String, Option<(String, String)>);

#[derive(Debug, Clone)]
pub struct PupilCard {
    pub pupil: CardPupil,
    /// The board of the pupil's school, for the policy.
    pub board_id: String,
    /// By name.
    pub groups: Vec<CardGroup>,
    /// The active guardians the caller may see, with their relation to the pupil.
    pub guardians: Vec<(CardGuardian, CardLink)>,
}

/// The card of the current pupil `id` if `pupils` reaches it (not found otherwise; the same rule
/// as the SQL scope filter, see `PupilScope::reaches`). Of its guardians: all when `guardians`
/// reaches them through this pupil (staff whose roles cover guardians), else the caller's own
/// records only (a guardian sees only themselves among their child's guardians).
pub fn read(
    conn: &mut AnyConnection,
    pupils_scope: &PupilScope,
    guardians_scope: &GuardianScope,
    id: &str,
) -> Result<PupilCard, RepoError> {
    if pupils_scope.is_empty() && guardians_scope.own.is_empty() {
        return Err(RepoError::NotFound);
    }
    // The pupil once per group it is enrolled in (once if none). Bound by key, no LIMIT: SQLite
    // would prepare a statement with a bound LIMIT again on every run.
    let rows: Vec<PupilInGroup> = pupils::table
        .inner_join(schools::table)
        // Flat outer joins: a nested `(enrolments JOIN school_groups)` is planned as a scan of
        // every enrolment on SQLite.
        .left_join(enrolments::table)
        .left_join(school_groups::table.on(school_groups::id.eq(enrolments::group_id)))
        .filter(pupils::id.eq(id))
        .filter(pupils::left_on.is_null())
        .select((
            CardPupil::as_select(),
            schools::board_id,
            (school_groups::id, school_groups::name).nullable(),
        ))
        .order(school_groups::name.asc())
        .load(conn)?;
    let Some((pupil, board_id, _)) = rows.first().cloned() else {
        return Err(RepoError::NotFound);
    };
    let groups: Vec<CardGroup> = rows
        .into_iter()
        .filter_map(|(_, _, group)| group)
        .map(|(id, name)| CardGroup { id, name })
        .collect();
    let place = PupilPlace {
        pupil_id: uuid(&pupil.id),
        school_id: uuid(&pupil.school_id),
        board_id: uuid(&board_id),
        groups: groups.iter().map(|g| uuid(&g.id)).collect(),
    };
    if !pupils_scope.reaches(&place) {
        return Err(RepoError::NotFound);
    }
    let all_guardians = guardians_scope.via_pupils.reaches(&place);
    let guardians = guardian_pupils::table
        .inner_join(guardians::table)
        .filter(guardian_pupils::pupil_id.eq(id))
        .filter(guardians::deactivated_at.is_null())
        .select((CardGuardian::as_select(), CardLink::as_select()))
        .order(guardians::id.asc())
        .load::<(CardGuardian, CardLink)>(conn)?
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
