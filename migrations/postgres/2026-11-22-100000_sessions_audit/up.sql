-- Sessions: one per sign-in; its refresh tokens rotate, and reuse of a rotated token ends the
-- session (RFC 9700 §4.14.2). Access tokens name their session, so ending it ends them too.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    CONSTRAINT refresh_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Failed sign-ins, for throttling per account (e-mail as typed, normalised) and per address.
-- Shared by all instances; rows older than the window are removed as new ones come.
CREATE TABLE login_failures (
    id           TEXT PRIMARY KEY,
    subject      TEXT NOT NULL,
    failed_at    TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_subject_idx ON login_failures (subject, failed_at);

-- The audit log: who did what to which object, when, and with what outcome; never the data itself.
CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    request_id   TEXT,
    account_id   TEXT,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT,
    school_id    TEXT,
    outcome      TEXT NOT NULL
);
CREATE INDEX audit_events_school_idx ON audit_events (school_id, id);
CREATE INDEX audit_events_at_idx ON audit_events (at);
