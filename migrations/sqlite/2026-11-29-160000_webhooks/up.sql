-- Webhooks (SPEC §6, issue #10 item 10): a school's admins register endpoints that are told of the
-- school's events (a kind and a reference, never names or content).
--
-- The signing secret is stored as it was shown, not encrypted: the worker needs it to sign each
-- request. Anyone who can read this table can forge requests to the school's endpoints; an admin
-- who suspects that rotates the secret.
CREATE TABLE webhook_endpoints (
    id                  TEXT PRIMARY KEY,
    school_id           TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    url                 TEXT NOT NULL,
    description         TEXT,
    -- The event types subscribed to, space-separated wire forms (`news.published ...`).
    event_types         TEXT NOT NULL,
    secret              TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    -- Set when the endpoint kept failing (or an admin switched it off); NULL: active.
    disabled_at         TIMESTAMP,
    disabled_reason     TEXT CHECK (disabled_reason IN ('failing', 'by_admin')),
    -- Deliveries given up one after another, none delivered in between.
    exhausted_in_a_row  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_endpoints_school_idx ON webhook_endpoints (school_id, id);

-- One event for one endpoint. The event's fields are kept here (there is no foreign key to the
-- event: the notification engine keeps its events elsewhere), so the payload can be built again
-- for every retry and replay. A worker claims due rows with a lease (lock_owner, locked_until),
-- so with several instances one delivery is sent by one worker at a time.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         TEXT NOT NULL,
    school_id        TEXT NOT NULL,
    kind             TEXT NOT NULL,
    object_kind      TEXT NOT NULL,
    object_id        TEXT NOT NULL,
    occurred_at      TIMESTAMP NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    -- Attempts since the delivery was written or last replayed (the back-off counts these).
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    lock_owner       TEXT,
    locked_until     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    delivered_at     TIMESTAMP,
    CONSTRAINT webhook_deliveries_event_key UNIQUE (endpoint_id, event_id)
);
-- The worker's claim: pending rows by due time.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
-- An endpoint's deliveries, newest first: the UNIQUE index above leads with endpoint_id but
-- orders by event; this one pages by id.
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);

-- Every attempt of a delivery: when, how long, and the HTTP status or the class of error.
CREATE TABLE webhook_attempts (
    id            TEXT PRIMARY KEY,
    delivery_id   TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at  TIMESTAMP NOT NULL,
    status_code   INTEGER,
    error         TEXT,
    duration_ms   INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempted_at);
