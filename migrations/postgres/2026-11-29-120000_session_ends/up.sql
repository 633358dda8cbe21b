-- Sessions that ended and accounts that were disabled, in the order the database saw them. Each API
-- instance reads the recent ones every second to drop callers it keeps in memory, so a cached caller
-- needs no session check of its own per request. Written by triggers, so no path that ends a session
-- (logout, reuse, a new password, an account's removal, an operator's SQL) can forget it.
-- `ended_at` is the database's clock (the statement's, not the transaction's start), the one the
-- instances compare against.
CREATE TABLE session_ends (
    seq         BIGSERIAL PRIMARY KEY,
    session_id  TEXT,
    account_id  TEXT NOT NULL,
    ended_at    TIMESTAMP NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC')
);
CREATE INDEX session_ends_ended_at_idx ON session_ends (ended_at);

CREATE FUNCTION session_ends_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'accounts' THEN
        INSERT INTO session_ends (session_id, account_id) VALUES (NULL, NEW.id);
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO session_ends (session_id, account_id) VALUES (OLD.id, OLD.account_id);
    ELSE
        INSERT INTO session_ends (session_id, account_id) VALUES (NEW.id, NEW.account_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER session_ended AFTER UPDATE OF revoked_at ON sessions
FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
EXECUTE FUNCTION session_ends_record();

CREATE TRIGGER session_removed AFTER DELETE ON sessions
FOR EACH ROW WHEN (OLD.revoked_at IS NULL)
EXECUTE FUNCTION session_ends_record();

CREATE TRIGGER account_disabled AFTER UPDATE OF disabled_at ON accounts
FOR EACH ROW WHEN (OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL)
EXECUTE FUNCTION session_ends_record();
