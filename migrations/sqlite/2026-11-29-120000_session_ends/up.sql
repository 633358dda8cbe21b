-- Sessions that ended and accounts that were disabled, in the order the database saw them. Each API
-- instance reads the recent ones every second to drop callers it keeps in memory, so a cached caller
-- needs no session check of its own per request. Written by triggers, so no path that ends a session
-- (logout, reuse, a new password, an account's removal, an operator's SQL) can forget it.
-- `ended_at` is the database's clock, the one the instances compare against.
CREATE TABLE session_ends (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  TEXT,
    account_id  TEXT NOT NULL,
    ended_at    TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);
CREATE INDEX session_ends_ended_at_idx ON session_ends (ended_at);

CREATE TRIGGER session_ended AFTER UPDATE OF revoked_at ON sessions
WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
    INSERT INTO session_ends (session_id, account_id) VALUES (NEW.id, NEW.account_id);
END;

CREATE TRIGGER session_removed AFTER DELETE ON sessions
WHEN OLD.revoked_at IS NULL
BEGIN
    INSERT INTO session_ends (session_id, account_id) VALUES (OLD.id, OLD.account_id);
END;

CREATE TRIGGER account_disabled AFTER UPDATE OF disabled_at ON accounts
WHEN OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL
BEGIN
    INSERT INTO session_ends (session_id, account_id) VALUES (NULL, NEW.id);
END;
