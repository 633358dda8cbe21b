//! Support for persistence's integration tests: a migrated database of each test's own, and
//! builders for the rows a test needs. `DATABASE_URL=postgres://…` gives every test a fresh
//! PostgreSQL database on that server (dropped again at the end); otherwise a fresh SQLite file.
//! A fixture that cannot be written is a broken test, so the builders panic with a message.

#![expect(
    clippy::expect_used,
    reason = "a fixture that cannot be written ends the test"
)]

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use domain::actor::{Actor, StaffMembership};
use domain::change_request::{Change, ChangeRequest, Field, SubjectKind};
use domain::modules::Module;
use domain::roles::StaffRole;
use domain::scope::SchoolScope;
use persistence::change_request::{self, NewRequest};
use persistence::guardians::GuardianPupilRow;
use persistence::modules::{self, ModuleSchool};
use persistence::roster::{self, NewGuardian, NewPupil, PersonName, RosterRows};
use persistence::schools::{self, NewSchool, VisibleSchool};
use persistence::{AnyConnection, Backend, Database, DbSettings, PooledConnection, boards, ids};

/// Where a test's database lives; removed when dropped.
enum Storage {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, name: String },
}

impl Drop for Storage {
    fn drop(&mut self) {
        if let Storage::Postgres { admin_url, name } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// A migrated database for one test. The pool is dropped before the database is removed.
pub struct TestDb {
    db: Database,
    _storage: Storage,
}

impl TestDb {
    pub fn new() -> TestDb {
        TestDb::with_pool(1)
    }

    /// A database whose pool holds `size` connections (for tests of two workers at once).
    pub fn with_pool(size: u32) -> TestDb {
        let (url, storage) = match std::env::var("DATABASE_URL") {
            Ok(base) if Backend::of_url(&base) == Backend::Postgres => {
                let name = format!("persistence_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&base)
                    .expect("PostgreSQL at DATABASE_URL is reachable");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("a test database can be created");
                let url = with_database(&base, &name);
                let storage = Storage::Postgres {
                    admin_url: base,
                    name,
                };
                (url, storage)
            }
            _ => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = dir.path().join("test.db").to_string_lossy().into_owned();
                (url, Storage::Sqlite { _dir: dir })
            }
        };
        let db = Database::connect(&DbSettings {
            url,
            pool_size: size,
            connect_timeout: Duration::from_secs(30),
            statement_timeout: Duration::from_secs(30),
        })
        .expect("the test database opens");
        persistence::migrations::run_pending(&mut db.get().expect("a connection"))
            .expect("migrations run");
        TestDb {
            db,
            _storage: storage,
        }
    }

    pub fn conn(&self) -> PooledConnection {
        self.db.get().expect("a connection")
    }
}

/// The server URL with its database name replaced.
fn with_database(base: &str, name: &str) -> String {
    let (without_query, query) = match base.split_once('?') {
        Some((url, query)) => (url, Some(query)),
        None => (base, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |i| i + 3);
    let host = match without_query[scheme_end..].find('/') {
        Some(slash) => &without_query[..scheme_end + slash],
        None => without_query,
    };
    match query {
        Some(query) => format!("{host}/{name}?{query}"),
        None => format!("{host}/{name}"),
    }
}

pub fn board(conn: &mut AnyConnection, name: &str) -> String {
    boards::insert(conn, name).expect("board inserted").id
}

/// A school of the board; its name doubles as its BRIN code (unique within a test).
pub fn school(conn: &mut AnyConnection, board_id: &str, name: &str) -> String {
    let new = NewSchool {
        board_id,
        name,
        brin: name,
        admin_email: None,
    };
    schools::insert(conn, &new).expect("school inserted").id
}

/// The school as its own staff see it: the only way to a [`VisibleSchool`].
pub fn visible(conn: &mut AnyConnection, school_id: &str) -> VisibleSchool {
    let scope = SchoolScope {
        boards: Vec::new(),
        schools: vec![ids::uuid(school_id)],
    };
    schools::find_visible(conn, &scope, school_id).expect("school visible to its own scope")
}

/// A school's queue as its admin reaches it: visible, and through the module gate (change
/// requests are on for admins in a new school).
pub fn queue_of(conn: &mut AnyConnection, school_id: &str) -> ModuleSchool {
    gated(conn, school_id).expect("change requests on for the school's admins")
}

/// The school through the change-request gate for its admin (`None`: switched off for them).
pub fn gated(conn: &mut AnyConnection, school_id: &str) -> Option<ModuleSchool> {
    gated_for(conn, school_id, Module::ChangeRequests)
}

/// The school through a module's gate for its admin (`None`: switched off for them).
pub fn gated_for(
    conn: &mut AnyConnection,
    school_id: &str,
    module: Module,
) -> Option<ModuleSchool> {
    let school = visible(conn, school_id);
    let admin = Actor {
        staff: vec![StaffMembership {
            board_id: ids::uuid(&school.row().board_id),
            school_id: ids::uuid(school_id),
            staff_id: uuid::Uuid::nil(),
            roles: vec![StaffRole::SchoolAdmin],
            groups: Vec::new(),
        }],
        ..Actor::default()
    };
    modules::gate(conn, school, module, &admin).expect("module switches readable")
}

fn name(first: &str, last: &str) -> PersonName {
    PersonName {
        first_name: first.to_owned(),
        name_prefix: None,
        last_name: last.to_owned(),
    }
}

/// A child at a school and their guardians, each in a household (`guardian_pupils.household`).
pub struct FamilyBuilder {
    school: String,
    child: String,
    separated: bool,
    guardians: Vec<(String, String)>,
}

/// The ids of a family as written.
pub struct Family {
    pub pupil: String,
    guardians: Vec<(String, String)>,
}

impl Family {
    /// A guardian's id by the key given to the builder.
    pub fn guardian(&self, key: &str) -> &str {
        self.guardians
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, id)| id.as_str())
            .unwrap_or_else(|| panic!("no guardian {key} in this family"))
    }
}

impl FamilyBuilder {
    pub fn new(school: &str, child: &str) -> FamilyBuilder {
        FamilyBuilder {
            school: school.to_owned(),
            child: child.to_owned(),
            separated: false,
            guardians: Vec::new(),
        }
    }

    /// The child's parents are separated (`pupils.parents_separated`).
    pub fn separated(mut self) -> FamilyBuilder {
        self.separated = true;
        self
    }

    pub fn guardian(mut self, key: &str, household: &str) -> FamilyBuilder {
        self.guardians.push((key.to_owned(), household.to_owned()));
        self
    }

    pub fn insert(self, conn: &mut AnyConnection) -> Family {
        let pupil = roster::pupil_row(NewPupil {
            school_id: self.school.clone(),
            las_key: self.child.clone(),
            name: name("Kind", &self.child),
            date_of_birth: None,
            parents_separated: self.separated,
        });
        let mut rows = RosterRows::default();
        let mut guardians = Vec::new();
        for (key, household) in self.guardians {
            let guardian = roster::guardian_row(NewGuardian {
                school_id: self.school.clone(),
                las_key: key.clone(),
                name: name("Ouder", &key),
                email: Some(format!("{}@family.example", key.to_lowercase())),
                phone: None,
            });
            rows.guardian_links.push(GuardianPupilRow {
                guardian_id: guardian.id.clone(),
                pupil_id: pupil.id.clone(),
                relationship: "parent".to_owned(),
                parental_authority: true,
                household,
            });
            guardians.push((key, guardian.id.clone()));
            rows.guardians.push(guardian);
        }
        let family = Family {
            pupil: pupil.id.clone(),
            guardians,
        };
        rows.pupils.push(pupil);
        roster::insert_rows(conn, &rows).expect("family inserted");
        family
    }
}

/// A change request as a guardian submits it (one last-name change), through
/// [`change_request::submit`].
pub struct RequestBuilder<'a> {
    school: &'a str,
    kind: SubjectKind,
    subject: &'a str,
    by: &'a str,
    household: Option<&'a str>,
}

impl<'a> RequestBuilder<'a> {
    /// About a child, made from the requester's household with the child.
    pub fn about_child(
        school: &'a str,
        pupil: &'a str,
        by: &'a str,
        household: &'a str,
    ) -> RequestBuilder<'a> {
        RequestBuilder {
            school,
            kind: SubjectKind::Pupil,
            subject: pupil,
            by,
            household: Some(household),
        }
    }

    /// About the requester's own guardian record.
    pub fn about_self(school: &'a str, guardian: &'a str) -> RequestBuilder<'a> {
        RequestBuilder {
            school,
            kind: SubjectKind::Guardian,
            subject: guardian,
            by: guardian,
            household: None,
        }
    }

    pub fn submit(self, conn: &mut AnyConnection) -> ChangeRequest {
        let changes = [Change {
            field: Field::LastName,
            current: None,
            proposed: Some("Nieuw".to_owned()),
        }];
        let new = NewRequest {
            school_id: self.school,
            kind: self.kind,
            subject_id: self.subject,
            requested_by: self.by,
            household: self.household,
            remark: None,
            language: "nl",
            changes: &changes,
        };
        change_request::submit(conn, &new).expect("request submitted")
    }
}

/// A school year of the school; its id.
pub fn school_year(
    conn: &mut AnyConnection,
    school: &str,
    name: &str,
    starts: chrono::NaiveDate,
    ends: chrono::NaiveDate,
) -> String {
    roster::school_year(conn, school, name, starts, ends)
        .unwrap_or_else(|e| panic!("school year written: {e}"))
        .id
}

/// A group of the school in that school year; its id.
pub fn group(conn: &mut AnyConnection, school: &str, year: &str, name: &str) -> String {
    let new = roster::NewGroup {
        school_id: school,
        school_year_id: year,
        las_key: name,
        name,
        year_group: None,
        is_combined: false,
    };
    roster::insert_group(conn, &new)
        .unwrap_or_else(|e| panic!("group {name} written: {e}"))
        .id
}

/// The pupil is in the group.
pub fn enrol(conn: &mut AnyConnection, pupil: &str, group: &str) {
    let rows = RosterRows {
        enrolments: vec![(pupil.to_owned(), group.to_owned())],
        ..RosterRows::default()
    };
    roster::insert_rows(conn, &rows).unwrap_or_else(|e| panic!("enrolment written: {e}"));
}
