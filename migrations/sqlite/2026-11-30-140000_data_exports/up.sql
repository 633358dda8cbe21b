-- The access export (AVG art. 15, issue #14): a guardian's request for everything held about them
-- and their children, collected by a worker. `document` holds the JSON until `expires_at`, then the
-- worker empties it. `lock_owner`/`locked_until`: the lease by which one instance takes the job.
CREATE TABLE data_exports (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress     INTEGER NOT NULL DEFAULT 0,
    requested_at TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    expires_at   TIMESTAMP,
    document     TEXT,
    lock_owner   TEXT,
    locked_until TIMESTAMP
);
CREATE INDEX data_exports_account_idx ON data_exports (account_id, requested_at);
CREATE INDEX data_exports_due_idx ON data_exports (state, requested_at);
-- One job at a time per account: a second request while one is queued or running fails here,
-- whatever the timing (no check-then-write).
CREATE UNIQUE INDEX data_exports_one_active ON data_exports (account_id)
    WHERE state IN ('queued', 'running');
