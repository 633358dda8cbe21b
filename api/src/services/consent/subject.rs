//! Whose consent a request is about: a pupil (decided by a guardian with parental authority) or a
//! guardian (their own details), reached through the caller's scope at a school where the module
//! is on for them.

use domain::absence::policy::PupilRef;
use domain::actor::Actor;
use domain::consent::{Subject, policy};
use persistence::ids::uuid;
use persistence::modules::ModuleSchool;
use persistence::{AnyConnection, guardians, planner, pupils};
use uuid::Uuid;

use super::{Result, consent_school};
use crate::audit::{Audit, Object};

/// A subject as the path names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectKey {
    Pupil(String),
    Guardian(String),
}

/// A subject the caller reaches.
pub(super) struct SubjectAt {
    pub kind: Subject,
    pub id: String,
    pub school: ModuleSchool,
    /// A pupil's groups (for the teacher's reach); none for a guardian.
    pub groups: Vec<Uuid>,
}

impl SubjectAt {
    /// The subject if the caller's scope reaches it (404 otherwise, as for no such subject).
    pub fn resolve(
        conn: &mut AnyConnection,
        actor: &Actor,
        audit: &Audit,
        key: &SubjectKey,
    ) -> Result<SubjectAt> {
        match key {
            SubjectKey::Pupil(id) => {
                let pupil = pupils::find(conn, &actor.pupil_scope(), id)?;
                let school = consent_school(conn, actor, audit, &pupil.school_id)?;
                let groups = planner::current_groups_of(conn, std::slice::from_ref(&pupil.id))?;
                Ok(SubjectAt {
                    kind: Subject::Pupil,
                    id: pupil.id,
                    school,
                    groups: groups.iter().map(|g| uuid(g)).collect(),
                })
            }
            SubjectKey::Guardian(id) => {
                let guardian = guardians::find(conn, &actor.guardian_scope(), id)?;
                let school = consent_school(conn, actor, audit, &guardian.school_id)?;
                Ok(SubjectAt {
                    kind: Subject::Guardian,
                    id: guardian.id,
                    school,
                    groups: Vec::new(),
                })
            }
        }
    }

    pub fn pupil_ref(&self) -> PupilRef<'_> {
        PupilRef {
            school: super::super::school_ref(self.school.row()),
            pupil_id: uuid(&self.id),
            groups: &self.groups,
        }
    }

    pub fn may_read(&self, actor: &Actor) -> bool {
        match self.kind {
            Subject::Pupil => policy::may_read_pupil_consents(actor, &self.pupil_ref()),
            Subject::Guardian => policy::may_read_guardian_consents(
                actor,
                super::super::school_ref(self.school.row()),
                uuid(&self.id),
            ),
        }
    }

    /// The guardian record the caller decides as, if they may decide for this subject.
    pub fn decider(&self, actor: &Actor) -> Option<Uuid> {
        let subject = uuid(&self.id);
        match self.kind {
            Subject::Pupil => policy::deciding_guardian(actor, uuid(self.school.id()), subject),
            Subject::Guardian if policy::may_decide_for_guardian(actor, subject) => Some(subject),
            _ => None,
        }
    }

    pub fn object(&self) -> Object<'_> {
        Object {
            kind: match self.kind {
                Subject::Pupil => "pupil_consent",
                Subject::Guardian => "guardian_consent",
            },
            id: Some(&self.id),
            school_id: Some(self.school.id()),
        }
    }
}
