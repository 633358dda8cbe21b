-- The e-mail outbox: messages are written in the same transaction as the change that causes them
-- and sent by a worker. A worker claims a batch with a lease (lock_owner, locked_until), so with
-- several instances each message is claimed by one; a crashed worker's lease runs out.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    created_at       TIMESTAMP NOT NULL,
    kind             TEXT NOT NULL,
    to_address       TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    lock_owner       TEXT,
    locked_until     TIMESTAMP,
    sent_at          TIMESTAMP,
    last_error       TEXT
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- Single-use links for activating an account and resetting a password; stored as hashes.
CREATE TABLE account_tokens (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    CONSTRAINT account_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX account_tokens_account_idx ON account_tokens (account_id);
