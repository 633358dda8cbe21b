//! SQL filters built from an actor's scope. Every read of personal data goes through one of these,
//! so a query cannot forget the tenant: the scope is a required argument, not a check to remember.

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use domain::scope::{GuardianScope, PupilScope, SchoolScope};

use crate::connection::AnyConnection;
use crate::ids::texts;
use crate::schema::{enrolments, guardian_pupils, guardians, pupils, schools};

pub type Db = <AnyConnection as Connection>::Backend;

type Filter<T> = Box<dyn BoxableExpression<T, Db, SqlType = Bool>>;

fn nothing<T>() -> Filter<T>
where
    diesel::expression::SqlLiteral<Bool>: BoxableExpression<T, Db, SqlType = Bool>,
{
    Box::new(sql::<Bool>("1 = 0"))
}

/// The condition on `pupils` for a pupil scope: current pupils (not left, not removed) of its
/// boards' schools, of its schools, in its groups, or named. A macro, not a function: diesel's
/// boxed expressions cannot be nested in a subquery on both backends, and the guardian filter
/// needs it there.
macro_rules! current_pupils_in {
    ($scope:expr) => {{
        let scope: &PupilScope = $scope;
        let in_boards = schools::table
            .filter(schools::board_id.eq_any(texts(&scope.boards)))
            .select(schools::id);
        let in_groups = enrolments::table
            .filter(enrolments::group_id.eq_any(texts(&scope.groups)))
            .select(enrolments::pupil_id);
        pupils::left_on.is_null().and(
            pupils::school_id
                .eq_any(in_boards)
                .or(pupils::school_id.eq_any(texts(&scope.schools)))
                .or(pupils::id.eq_any(in_groups))
                .or(pupils::id.eq_any(texts(&scope.pupils))),
        )
    }};
}

/// Current pupils in the scope. A pupil who left or was removed is in no scope: the filter says
/// so once, for every read.
pub fn pupil_filter(scope: &PupilScope) -> Filter<pupils::table> {
    if scope.is_empty() {
        return nothing();
    }
    Box::new(current_pupils_in!(scope))
}

/// Active guardians in the scope: the actor's own guardian records, and the guardians of current
/// pupils the scope reaches (a school's whole-school roles: the school's pupils; a teacher: the
/// pupils of their groups). The guardians of pupils who left or were removed are out of it, with
/// their contact details.
pub fn guardian_filter(scope: &GuardianScope) -> Filter<guardians::table> {
    let of_current_pupils = guardian_pupils::table
        .filter(
            guardian_pupils::pupil_id.eq_any(
                pupils::table
                    .filter(current_pupils_in!(&scope.via_pupils))
                    .select(pupils::id),
            ),
        )
        .select(guardian_pupils::guardian_id);
    Box::new(
        guardians::deactivated_at.is_null().and(
            guardians::id
                .eq_any(texts(&scope.own))
                .or(guardians::id.eq_any(of_current_pupils)),
        ),
    )
}

/// Schools in the scope: of its boards, or named.
pub fn school_filter(scope: &SchoolScope) -> Filter<schools::table> {
    Box::new(
        schools::board_id
            .eq_any(texts(&scope.boards))
            .or(schools::id.eq_any(texts(&scope.schools))),
    )
}
