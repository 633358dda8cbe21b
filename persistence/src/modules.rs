//! A school's module switches.

use diesel::prelude::*;
use domain::modules::{Audience, Module, ModuleSettings};

use crate::connection::{AnyConnection, batch_insert};
use crate::error::RepoError;
use crate::schema::school_modules;
use crate::schools::VisibleSchool;

/// The switches of a visible school. Rows with names this version does not know are skipped.
pub fn settings(
    conn: &mut AnyConnection,
    school: &VisibleSchool,
) -> Result<ModuleSettings, RepoError> {
    let rows: Vec<(String, String)> = school_modules::table
        .filter(school_modules::school_id.eq(school.id()))
        .select((school_modules::module, school_modules::audience))
        .load(conn)?;
    let mut on: Vec<(Module, Audience)> = rows
        .iter()
        .filter_map(|(m, a)| Some((Module::parse(m)?, Audience::parse(a)?)))
        .collect();
    on.sort();
    Ok(ModuleSettings { on })
}

/// A visible school where a module is on for the caller. Only [`gate`] makes one, so a module's
/// repository that takes it cannot be reached past a switched-off module (seed 004).
#[derive(Debug, Clone)]
pub struct ModuleSchool {
    school: VisibleSchool,
    module: Module,
}

impl ModuleSchool {
    pub fn school(&self) -> &VisibleSchool {
        &self.school
    }

    pub fn id(&self) -> &str {
        self.school.id()
    }

    pub fn row(&self) -> &crate::schools::SchoolRow {
        self.school.row()
    }

    pub fn module(&self) -> Module {
        self.module
    }
}

/// The school as a [`ModuleSchool`] when `module` is on there for one of the actor's audiences
/// (`None`: for this actor the module does not exist there).
pub fn gate(
    conn: &mut AnyConnection,
    school: VisibleSchool,
    module: Module,
    actor: &domain::actor::Actor,
) -> Result<Option<ModuleSchool>, RepoError> {
    let at = crate::schools::school_ref(school.row());
    let on = settings(conn, &school)?.is_on_for(module, actor, at.board_id, at.school_id);
    Ok(on.then_some(ModuleSchool { school, module }))
}

/// The school as a [`ModuleSchool`] when `module` is on there for the actor in this capacity
/// (`None`: for this actor, acting so, the module does not exist there).
pub fn gate_as(
    conn: &mut AnyConnection,
    school: VisibleSchool,
    module: Module,
    actor: &domain::actor::Actor,
    capacity: domain::modules::Capacity,
) -> Result<Option<ModuleSchool>, RepoError> {
    let at = crate::schools::school_ref(school.row());
    let on = settings(conn, &school)?.is_on_as(module, actor, at.board_id, at.school_id, capacity);
    Ok(on.then_some(ModuleSchool { school, module }))
}

/// Replaces a school's switches. The caller runs it in a transaction.
pub fn replace(
    conn: &mut AnyConnection,
    school_id: &str,
    settings: &ModuleSettings,
) -> Result<(), RepoError> {
    diesel::delete(school_modules::table.filter(school_modules::school_id.eq(school_id)))
        .execute(conn)?;
    let values: Vec<_> = settings
        .on
        .iter()
        .map(|(m, a)| {
            (
                school_modules::school_id.eq(school_id),
                school_modules::module.eq(m.as_str()),
                school_modules::audience.eq(a.as_str()),
            )
        })
        .collect();
    if !values.is_empty() {
        batch_insert!(conn, school_modules::table, values)?;
    }
    Ok(())
}

/// Of these schools, those where `module` is on for `audience`, in one query.
pub fn schools_on(
    conn: &mut AnyConnection,
    module: Module,
    audience: Audience,
    school_ids: &[String],
) -> Result<Vec<String>, RepoError> {
    if school_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(school_modules::table
        .filter(school_modules::school_id.eq_any(school_ids))
        .filter(school_modules::module.eq(module.as_str()))
        .filter(school_modules::audience.eq(audience.as_str()))
        .select(school_modules::school_id)
        .load(conn)?)
}
