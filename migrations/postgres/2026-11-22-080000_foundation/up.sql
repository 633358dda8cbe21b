-- Foundation: the board (bestuur) is the root of tenancy; accounts are the people who sign in.
-- Identifiers are UUIDv7 stored as text (the same on SQLite), timestamps are UTC without zone.

CREATE TABLE boards (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CONSTRAINT boards_name_key UNIQUE (name)
);

CREATE TABLE accounts (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL,
    password_hash       TEXT,
    is_platform_operator BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TIMESTAMP NOT NULL,
    disabled_at         TIMESTAMP,
    CONSTRAINT accounts_email_key UNIQUE (email)
);
