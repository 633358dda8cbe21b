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

/// Pupils in the scope: of its boards' schools, of its schools, in its groups, or named.
pub fn pupil_filter(scope: &PupilScope) -> Filter<pupils::table> {
    if scope.is_empty() {
        return nothing();
    }
    let in_boards = schools::table
        .filter(schools::board_id.eq_any(texts(&scope.boards)))
        .select(schools::id);
    let in_groups = enrolments::table
        .filter(enrolments::group_id.eq_any(texts(&scope.groups)))
        .select(enrolments::pupil_id);
    Box::new(
        pupils::school_id
            .eq_any(in_boards)
            .or(pupils::school_id.eq_any(texts(&scope.schools)))
            .or(pupils::id.eq_any(in_groups))
            .or(pupils::id.eq_any(texts(&scope.pupils))),
    )
}

/// Guardians in the scope: the guardians known to the schools (and boards' schools) its staff
/// roles cover, the guardians of pupils in its groups, and the actor's own guardian records.
pub fn guardian_filter(scope: &GuardianScope) -> Filter<guardians::table> {
    let via = &scope.via_pupils;
    let in_boards = schools::table
        .filter(schools::board_id.eq_any(texts(&via.boards)))
        .select(schools::id);
    let in_groups = guardian_pupils::table
        .filter(
            guardian_pupils::pupil_id.eq_any(
                enrolments::table
                    .filter(enrolments::group_id.eq_any(texts(&via.groups)))
                    .select(enrolments::pupil_id),
            ),
        )
        .select(guardian_pupils::guardian_id);
    let of_pupils = guardian_pupils::table
        .filter(guardian_pupils::pupil_id.eq_any(texts(&via.pupils)))
        .select(guardian_pupils::guardian_id);
    Box::new(
        guardians::id
            .eq_any(texts(&scope.own))
            .or(guardians::school_id.eq_any(in_boards))
            .or(guardians::school_id.eq_any(texts(&via.schools)))
            .or(guardians::id.eq_any(in_groups))
            .or(guardians::id.eq_any(of_pupils)),
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
