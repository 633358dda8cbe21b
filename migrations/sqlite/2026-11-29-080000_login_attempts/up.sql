-- Sign-in throttling reserves an attempt before the password is checked (a row per subject, updated
-- conditionally), so parallel attempts can never check more passwords than the limit. Subjects are
-- SHA-256 digests: no e-mail or network address is stored in the clear.
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    subject      TEXT PRIMARY KEY,
    attempts     INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_window_idx ON login_attempts (window_start);
