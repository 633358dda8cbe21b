DROP TABLE login_attempts;
CREATE TABLE login_failures (
    id           TEXT PRIMARY KEY,
    subject      TEXT NOT NULL,
    failed_at    TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_subject_idx ON login_failures (subject, failed_at);
