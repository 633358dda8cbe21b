-- The notification engine (SPEC §6, seeds 003 and 004). A module writes an event in the
-- transaction of the change that causes it; a worker fans it out into one inbox item and at most
-- one e-mail delivery per person (not per child), and webhooks; the e-mail step hands due
-- deliveries to the outbox, one digest per person and school.
--
-- The title and body are what the message said when it was sent (the inbox and e-mail show them);
-- webhooks and the live stream carry only kind and object id.
CREATE TABLE notification_events (
    id             TEXT PRIMARY KEY,
    school_id      TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    urgent         BOOLEAN NOT NULL,
    language       TEXT NOT NULL,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    fanned_out_at  TIMESTAMP,
    lock_owner     TEXT,
    locked_until   TIMESTAMP
);
CREATE INDEX notification_events_pending_idx ON notification_events (created_at)
    WHERE fanned_out_at IS NULL;

-- The in-app inbox: one item per person and event.
CREATE TABLE inbox_items (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_id    TEXT NOT NULL REFERENCES notification_events (id) ON DELETE CASCADE,
    children    TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP,
    CONSTRAINT inbox_items_once UNIQUE (account_id, event_id)
);
CREATE INDEX inbox_items_list_idx ON inbox_items (account_id, id);
CREATE INDEX inbox_items_unread_idx ON inbox_items (account_id) WHERE read_at IS NULL;
CREATE INDEX inbox_items_event_idx ON inbox_items (event_id);

-- E-mail to a person about an event, due when quiet hours and their preference allow; handed to
-- the outbox (sent_at) on its own or in the person's daily overview.
CREATE TABLE email_deliveries (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_id    TEXT NOT NULL REFERENCES notification_events (id) ON DELETE CASCADE,
    due_at      TIMESTAMP NOT NULL,
    in_digest   BOOLEAN NOT NULL,
    sent_at     TIMESTAMP,
    CONSTRAINT email_deliveries_once UNIQUE (account_id, event_id)
);
CREATE INDEX email_deliveries_due_idx ON email_deliveries (due_at) WHERE sent_at IS NULL;

-- A person's choice per channel; no row is the default (the daily overview, seed 003).
CREATE TABLE notification_preferences (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    channel     TEXT NOT NULL CHECK (channel IN ('email')),
    preference  TEXT NOT NULL CHECK (preference IN ('immediate', 'daily_digest', 'off')),
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, channel)
);

-- Kinds a person has opted in to that need it (seed 004: grade notifications).
CREATE TABLE notification_opt_ins (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    topic       TEXT NOT NULL CHECK (topic IN ('grades')),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, topic)
);

-- A school's notification settings; no row is the default (17:00-07:00 quiet, overview at 16:00,
-- full e-mails, no grade notifications). Times are Amsterdam clock times, 'HH:MM'.
CREATE TABLE school_notification_settings (
    school_id            TEXT PRIMARY KEY REFERENCES schools (id) ON DELETE CASCADE,
    quiet_start          TEXT,
    quiet_end            TEXT,
    digest_time          TEXT NOT NULL,
    email_content        TEXT NOT NULL CHECK (email_content IN ('full', 'notice_only')),
    grade_notifications  BOOLEAN NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);

-- When a post's notification was written: at most once, also with several instances (the release
-- is a conditional update). Posts already live before this migration count as notified.
ALTER TABLE news_posts ADD COLUMN notified_at TIMESTAMP;
UPDATE news_posts SET notified_at = created_at WHERE live_at IS NOT NULL AND live_at <= CURRENT_TIMESTAMP;
CREATE INDEX news_posts_release_idx ON news_posts (live_at) WHERE notified_at IS NULL;
