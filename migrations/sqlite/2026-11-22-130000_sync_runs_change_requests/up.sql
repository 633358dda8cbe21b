-- Each roster sync, successful or not, for the school's admins to read (SPEC §3). No personal
-- data: counts, the source and who started it.
CREATE TABLE sync_runs (
    id            TEXT PRIMARY KEY,
    school_id     TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    source        TEXT NOT NULL,
    client_id     TEXT,
    account_id    TEXT,
    school_year   TEXT,
    status        TEXT NOT NULL,
    counts        TEXT,
    rejected      INTEGER NOT NULL DEFAULT 0,
    error         TEXT,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP NOT NULL,
    duration_ms   INTEGER NOT NULL
);
CREATE INDEX sync_runs_school_idx ON sync_runs (school_id, id);

-- Where the LAS publishes the school's EDEXML file, fetched nightly. The lease lets one of several
-- API instances take a due fetch.
CREATE TABLE roster_sources (
    school_id      TEXT PRIMARY KEY REFERENCES schools (id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    next_fetch_at  TIMESTAMP NOT NULL,
    lock_owner     TEXT,
    locked_until   TIMESTAMP,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX roster_sources_due_idx ON roster_sources (next_fetch_at);

-- The fields guardians may ask to change, comma-separated; NULL: all of them.
ALTER TABLE schools ADD COLUMN requestable_fields TEXT;

-- Change requests (wijzigingsverzoeken, SPEC §4): a guardian proposes new values; only the LAS
-- changes portal data. The subject is the requester's own guardian record or a child's pupil record.
CREATE TABLE change_requests (
    id             TEXT PRIMARY KEY,
    school_id      TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    subject_kind   TEXT NOT NULL CHECK (subject_kind IN ('guardian', 'pupil')),
    subject_id     TEXT NOT NULL,
    pupil_id       TEXT REFERENCES pupils (id) ON DELETE CASCADE,
    requested_by   TEXT NOT NULL REFERENCES guardians (id) ON DELETE CASCADE,
    household      TEXT,
    status         TEXT NOT NULL,
    remark         TEXT,
    language       TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    decided_at     TIMESTAMP,
    decided_by     TEXT
);
CREATE INDEX change_requests_school_idx ON change_requests (school_id, status, id);
CREATE INDEX change_requests_requester_idx ON change_requests (requested_by);
CREATE INDEX change_requests_pupil_idx ON change_requests (pupil_id);
-- One open request per subject and requester: a new submission replaces the open one.
CREATE UNIQUE INDEX change_requests_one_open ON change_requests (subject_kind, subject_id, requested_by)
    WHERE status = 'open';

CREATE TABLE change_request_fields (
    request_id      TEXT NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    field           TEXT NOT NULL,
    current_value   TEXT,
    proposed_value  TEXT,
    outcome         TEXT NOT NULL,
    reason          TEXT,
    PRIMARY KEY (request_id, field)
);
