//! A school's retention settings (SPEC §12): one row per school, a NULL month column meaning the
//! category's maximum. Read back through `domain::retention::assess`, so a value the rules refuse
//! (a term longer than today's maximum, say) is [`RepoError::Corrupt`], never a silent default.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::retention::{Category, Setting, Settings, assess};

use crate::connection::{AnyConnection, on_backend};
use crate::error::RepoError;
use crate::schema::retention_settings;

/// A stored row, as the table holds it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = retention_settings)]
pub struct SettingsRow {
    pub portal_content_years: i32,
    pub absence_and_leave_months: Option<i32>,
    pub enrolment_months: Option<i32>,
    pub pupil_file_months: Option<i32>,
    pub complaints_months: Option<i32>,
    pub audit_log_months: Option<i32>,
    pub staff_months: Option<i32>,
}

impl SettingsRow {
    /// The shortened terms with a column of their own, in the column order.
    fn columns(&self) -> [(Category, Option<i32>); 6] {
        [
            (Category::AbsenceAndLeave, self.absence_and_leave_months),
            (Category::Enrolment, self.enrolment_months),
            (Category::PupilFile, self.pupil_file_months),
            (Category::Complaints, self.complaints_months),
            (Category::AuditLog, self.audit_log_months),
            (Category::Staff, self.staff_months),
        ]
    }
}

fn corrupt(column: &str, value: i32) -> RepoError {
    RepoError::Corrupt(format!("retention_settings.{column} = {value}"))
}

fn column(category: Category) -> String {
    format!("{}_months", category.as_str())
}

impl TryFrom<SettingsRow> for Settings {
    type Error = RepoError;

    fn try_from(row: SettingsRow) -> Result<Settings, RepoError> {
        let years = u32::try_from(row.portal_content_years)
            .map_err(|_| corrupt("portal_content_years", row.portal_content_years))?;
        let mut shortened = Vec::new();
        for (category, months) in row.columns() {
            if let Some(months) = months {
                let value =
                    u32::try_from(months).map_err(|_| corrupt(&column(category), months))?;
                shortened.push((category, value));
            }
        }
        assess(years, &shortened).map_err(|refusals| {
            let named: Vec<String> = refusals
                .iter()
                .map(|(setting, invalid)| match setting {
                    Setting::PortalContentYears => {
                        format!("portal_content_years = {years} ({})", invalid.code)
                    }
                    Setting::Term(category) => {
                        let value = shortened.iter().find(|(c, _)| c == category);
                        let months = value.map_or(0, |(_, months)| *months);
                        format!("{} = {months} ({})", column(*category), invalid.code)
                    }
                })
                .collect();
            RepoError::Corrupt(format!("retention_settings: {}", named.join(", ")))
        })
    }
}

/// The school's settings; `None` while it has set none (the defaults apply).
pub fn settings(conn: &mut AnyConnection, school_id: &str) -> Result<Option<Settings>, RepoError> {
    retention_settings::table
        .filter(retention_settings::school_id.eq(school_id))
        .select(SettingsRow::as_select())
        .first(conn)
        .optional()?
        .map(Settings::try_from)
        .transpose()
}

/// Stores the school's settings, replacing what it had.
pub fn put_settings(
    conn: &mut AnyConnection,
    school_id: &str,
    settings: &Settings,
    updated_by: &str,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    // Every value is in range (domain built them), far below i32::MAX.
    let int = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
    let months = |category| settings.shortened(category).map(int);
    let values = (
        retention_settings::school_id.eq(school_id),
        retention_settings::portal_content_years.eq(int(settings.portal_content_years())),
        retention_settings::absence_and_leave_months.eq(months(Category::AbsenceAndLeave)),
        retention_settings::enrolment_months.eq(months(Category::Enrolment)),
        retention_settings::pupil_file_months.eq(months(Category::PupilFile)),
        retention_settings::complaints_months.eq(months(Category::Complaints)),
        retention_settings::audit_log_months.eq(months(Category::AuditLog)),
        retention_settings::staff_months.eq(months(Category::Staff)),
        retention_settings::updated_at.eq(now),
        retention_settings::updated_by.eq(updated_by),
    );
    on_backend!(conn, c => diesel::insert_into(retention_settings::table)
        .values(values)
        .on_conflict(retention_settings::school_id)
        .do_update()
        .set(values)
        .execute(c))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> SettingsRow {
        SettingsRow {
            portal_content_years: 1,
            absence_and_leave_months: Some(12),
            enrolment_months: None,
            pupil_file_months: None,
            complaints_months: None,
            audit_log_months: None,
            staff_months: Some(6),
        }
    }

    #[test]
    fn a_row_reads_as_the_settings_it_holds() {
        let settings = Settings::try_from(row()).unwrap();
        assert_eq!(settings.portal_content_years(), 1);
        assert_eq!(settings.shortened(Category::AbsenceAndLeave), Some(12));
        assert_eq!(settings.shortened(Category::Staff), Some(6));
        assert_eq!(settings.shortened(Category::Enrolment), None);
    }

    #[test]
    fn a_value_the_rules_refuse_is_corrupt_never_a_default() {
        let longer = SettingsRow {
            pupil_file_months: Some(25),
            ..row()
        };
        let negative = SettingsRow {
            staff_months: Some(-1),
            ..row()
        };
        let years = SettingsRow {
            portal_content_years: 11,
            ..row()
        };
        for (bad, column) in [
            (longer, "pupil_file_months"),
            (negative, "staff_months"),
            (years, "portal_content_years"),
        ] {
            match Settings::try_from(bad) {
                Err(RepoError::Corrupt(what)) => assert!(what.contains(column), "{what}"),
                other => panic!("{column}: {other:?}"),
            }
        }
    }
}
