//! One pupil as a card: the pupil, where it belongs, its groups and the guardians the caller may
//! see, in one statement prepared once, with only the columns the card shows. The scopes are
//! applied here, so the card of a pupil out of reach cannot be read.

use diesel::prelude::*;
use domain::scope::{GuardianScope, PupilPlace, PupilScope};

use crate::pupils::place_of;

use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::guardians::GuardianNameAndContact;
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardGuardian {
    pub id: String,
    pub first_name: String,
    pub name_prefix: Option<String>,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardLink {
    pub relationship: String,
    pub parental_authority: bool,
    pub household: String,
}

/// One row of the card's statement: the pupil and its board, with one of its groups (id, name)
/// and one of its guardians, each absent when it has none.
type CardRow = (
    CardPupil,
    String,
    Option<(String, String)>,
    Option<GuardianNameAndContact>,
    Option<(String, bool, String)>,
);

#[derive(Debug, Clone)]
pub struct PupilCard {
    pub pupil: CardPupil,
    /// Where the pupil belongs (its school and board, for the policy).
    pub place: PupilPlace,
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
    if pupils_scope.is_empty() {
        return Err(RepoError::NotFound);
    }
    load(conn, id)?.scoped(pupils_scope, guardians_scope)
}

/// The whole card of the current pupil `id`, before any scope: every active guardian. Only for a
/// caller that applies [`WholeCard::scoped`] before showing it (a cache of cards does).
pub fn load(conn: &mut AnyConnection, id: &str) -> Result<WholeCard, RepoError> {
    // One statement, bound by key (no LIMIT: SQLite would prepare a statement with a bound LIMIT
    // again on every run): the pupil once per (group, guardian) pair, a handful of rows. Flat outer
    // joins: a nested `(enrolments JOIN school_groups)` is planned as a scan of every enrolment on
    // SQLite.
    // The query is written out for each backend: `as_select` is typed by its backend.
    let rows: Vec<CardRow> = on_backend!(conn, c => pupils::table
            .inner_join(schools::table)
            .left_join(enrolments::table)
            .left_join(school_groups::table.on(school_groups::id.eq(enrolments::group_id)))
            .left_join(guardian_pupils::table)
            .left_join(
                guardians::table.on(guardians::id
                    .eq(guardian_pupils::guardian_id)
                    .and(guardians::deactivated_at.is_null())),
            )
            .filter(pupils::id.eq(id))
            .filter(pupils::left_on.is_null())
            .select((
                CardPupil::as_select(),
                schools::board_id,
                (school_groups::id, school_groups::name).nullable(),
                (
                    guardians::id,
                    guardians::first_name,
                    guardians::name_prefix,
                    guardians::last_name,
                    guardians::email,
                    guardians::phone,
                )
                    .nullable(),
                (
                    guardian_pupils::relationship,
                    guardian_pupils::parental_authority,
                    guardian_pupils::household,
                )
                    .nullable(),
            ))
        .load(c))?;
    let Some((pupil, board_id, ..)) = rows.first().cloned() else {
        return Err(RepoError::NotFound);
    };
    let mut groups: Vec<CardGroup> = Vec::new();
    let mut all: Vec<(CardGuardian, CardLink)> = Vec::new();
    for (_, _, group, guardian, link) in rows {
        if let Some((id, name)) = group
            && !groups.iter().any(|g| g.id == id)
        {
            groups.push(CardGroup { id, name });
        }
        if let (Some((id, first_name, name_prefix, last_name, email, phone)), Some(link)) =
            (guardian, link)
            && !all.iter().any(|(g, _)| g.id == id)
        {
            let (relationship, parental_authority, household) = link;
            all.push((
                CardGuardian {
                    id,
                    first_name,
                    name_prefix,
                    last_name,
                    email,
                    phone,
                },
                CardLink {
                    relationship,
                    parental_authority,
                    household,
                },
            ));
        }
    }
    // Sorted here, not in SQL: no sort node for a handful of rows, and one order on both backends.
    groups.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    all.sort_by(|(a, _), (b, _)| a.id.cmp(&b.id));
    let place = place_of(
        &pupil.id,
        &pupil.school_id,
        &board_id,
        groups.iter().map(|g| &g.id),
    );
    Ok(WholeCard {
        pupil,
        place,
        groups,
        guardians: all,
    })
}

/// A pupil's card with every active guardian: what [`load`] reads, and what may be kept for as long
/// as the roster's generation (`roster_generation`) has not moved.
#[derive(Debug, Clone)]
pub struct WholeCard {
    pupil: CardPupil,
    place: PupilPlace,
    groups: Vec<CardGroup>,
    guardians: Vec<(CardGuardian, CardLink)>,
}

impl WholeCard {
    /// The card as the scopes let the caller see it (see [`read`]).
    pub fn scoped(
        &self,
        pupils_scope: &PupilScope,
        guardians_scope: &GuardianScope,
    ) -> Result<PupilCard, RepoError> {
        if !pupils_scope.reaches(&self.place) {
            return Err(RepoError::NotFound);
        }
        let guardians = self
            .guardians
            .iter()
            .filter(|(guardian, _)| {
                guardians_scope.reaches_guardian_of(&self.place, uuid(&guardian.id))
            })
            .cloned()
            .collect();
        Ok(PupilCard {
            pupil: self.pupil.clone(),
            place: self.place.clone(),
            groups: self.groups.clone(),
            guardians,
        })
    }
}
