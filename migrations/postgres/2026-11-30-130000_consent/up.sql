-- Consent and sharing (SPEC §10, seeds 001 and 002, issue #14): the school's purposes, the current
-- decision per subject and purpose, every decision as proof, and the medical notes guardians enter.

-- A purpose the school asks consent for. `code` marks the defaults the portal enforces on reads
-- (medical notes, the contact list); a school's own purposes have none. A retired purpose is no
-- longer asked; its decisions and history stay. `from_las`: maintained in the LAS, read-only here.
CREATE TABLE consent_purposes (
    id             TEXT PRIMARY KEY,
    school_id      TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    code           TEXT,
    subject        TEXT NOT NULL CHECK (subject IN ('pupil', 'guardian')),
    title          TEXT NOT NULL,
    description    TEXT,
    legal_basis    TEXT NOT NULL CHECK (legal_basis IN ('consent', 'contract', 'legal_obligation',
                                                        'vital_interest', 'public_task',
                                                        'legitimate_interest')),
    yearly_renewal BOOLEAN NOT NULL,
    from_las       BOOLEAN NOT NULL DEFAULT FALSE,
    retired_at     TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (school_id, code)
);
CREATE INDEX consent_purposes_school_idx ON consent_purposes (school_id, created_at);

-- The decision that holds now, one per purpose and subject (a pupil's or a guardian's id, as the
-- purpose's subject says). `decided_by`: the guardian who decided; NULL when the LAS sent it.
CREATE TABLE consents (
    purpose_id TEXT NOT NULL REFERENCES consent_purposes (id) ON DELETE CASCADE,
    subject_id TEXT NOT NULL,
    given      BOOLEAN NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    source     TEXT NOT NULL CHECK (source IN ('portal', 'las')),
    PRIMARY KEY (purpose_id, subject_id)
);
CREATE INDEX consents_subject_idx ON consents (subject_id);

-- Every decision ever taken: the proof (AVG art. 7 lid 1), newest last.
CREATE TABLE consent_events (
    id         TEXT PRIMARY KEY,
    purpose_id TEXT NOT NULL REFERENCES consent_purposes (id) ON DELETE CASCADE,
    subject_id TEXT NOT NULL,
    given      BOOLEAN NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    source     TEXT NOT NULL CHECK (source IN ('portal', 'las'))
);
CREATE INDEX consent_events_subject_idx ON consent_events (subject_id, decided_at, id);

-- What a guardian tells the school about their child's health (allergies, medication): the
-- teacher and care staff read it, the lunch supervisors and other parents only with consent.
CREATE TABLE medical_notes (
    pupil_id   TEXT PRIMARY KEY REFERENCES pupils (id) ON DELETE CASCADE,
    note       TEXT NOT NULL,
    updated_by TEXT,
    updated_at TIMESTAMP NOT NULL
);

-- Every school starts with the default purposes (SPEC §10); new schools get them when created.
INSERT INTO consent_purposes (id, school_id, code, subject, title, description, legal_basis,
                              yearly_renewal, from_las, created_at, updated_at)
SELECT gen_random_uuid()::text, school_id, code, subject, title, description, 'consent', yearly, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM (SELECT s.id AS school_id, d.* FROM schools s CROSS JOIN (
    SELECT 'photos_website' AS code, 'pupil' AS subject, 'Foto''s op de website' AS title, 'Foto''s en video''s waarop uw kind herkenbaar is, op de website van de school.' AS description, TRUE AS yearly
    UNION ALL SELECT 'photos_newsletter' AS code, 'pupil' AS subject, 'Foto''s in de nieuwsbrief' AS title, 'Foto''s waarop uw kind herkenbaar is, in de nieuwsbrief en de schoolgids.' AS description, TRUE AS yearly
    UNION ALL SELECT 'photos_social_media' AS code, 'pupil' AS subject, 'Foto''s op sociale media' AS title, 'Foto''s waarop uw kind herkenbaar is, op de sociale-mediakanalen van de school.' AS description, TRUE AS yearly
    UNION ALL SELECT 'medical_lunch_supervisor' AS code, 'pupil' AS subject, 'Medische informatie voor de overblijfkrachten' AS title, 'De medische notitie over uw kind is zichtbaar voor de overblijfkrachten.' AS description, FALSE AS yearly
    UNION ALL SELECT 'medical_other_parents' AS code, 'pupil' AS subject, 'Medische informatie voor andere ouders van de groep' AS title, 'De medische notitie over uw kind is zichtbaar voor de ouders van de groep.' AS description, FALSE AS yearly
    UNION ALL SELECT 'contact_details_group' AS code, 'guardian' AS subject, 'Contactgegevens delen met de groep' AS title, 'Uw naam, e-mailadres en telefoonnummer staan op de contactlijst van de groepen van uw kinderen.' AS description, FALSE AS yearly
) d) defaults;
