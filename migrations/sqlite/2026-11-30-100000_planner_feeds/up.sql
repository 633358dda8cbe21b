-- Calendar feeds of the conversation planner (issue #12): a secret, revocable URL per person that
-- a phone's calendar subscribes to. Only the SHA-256 of the secret is stored: a copy of the
-- database opens no feed. A revoked feed stays listed (revoked_at set) and answers 404.
CREATE TABLE planner_feeds (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX planner_feeds_account_idx ON planner_feeds (account_id, created_at);
