-- Retention (SPEC §11, §12; issue #14): the log of purge runs, with per category how many
-- records went (never what), and the lease that lets one instance of many run the purge.

-- One run at one school (`school_id` NULL: the platform-wide part, the audit log). `kind` is
-- 'scheduled', 'manual' or 'dry_run'; `outcome` 'running', 'ok' or 'failed' (a partial failure is
-- a failure: `failed_category` says where it stopped, the counts what went before).
CREATE TABLE retention_runs (
    id              TEXT PRIMARY KEY,
    school_id       TEXT REFERENCES schools (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('scheduled', 'manual', 'dry_run')),
    on_date         DATE NOT NULL,
    cutoff          DATE,
    outcome         TEXT NOT NULL CHECK (outcome IN ('running', 'ok', 'failed')),
    failed_category TEXT,
    requested_by    TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP
);
CREATE INDEX retention_runs_school_idx ON retention_runs (school_id, id);

CREATE TABLE retention_run_counts (
    run_id   TEXT NOT NULL REFERENCES retention_runs (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    removed  BIGINT NOT NULL,
    PRIMARY KEY (run_id, category)
);

-- A named lease: the instance whose `owner` holds it until `until` runs the job.
CREATE TABLE job_leases (
    name  TEXT PRIMARY KEY,
    owner TEXT,
    until TIMESTAMP
);
INSERT INTO job_leases (name) VALUES ('retention');
