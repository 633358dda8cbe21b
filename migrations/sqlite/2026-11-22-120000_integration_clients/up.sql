-- Integration clients (LAS vendors): OAuth2 client credentials limited to one board, or one school
-- of it, and to named scopes. The secret is shown once and stored as a SHA-256 hash (it is 256
-- random bits, so a slow hash adds nothing).
CREATE TABLE integration_clients (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    board_id     TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    school_id    TEXT REFERENCES schools (id) ON DELETE CASCADE,
    scopes       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
CREATE INDEX integration_clients_board_idx ON integration_clients (board_id);
