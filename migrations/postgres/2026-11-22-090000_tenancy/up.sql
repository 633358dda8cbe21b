-- Tenancy and people: boards -> schools -> school years -> groups -> pupils; guardians and staff per
-- school as the LAS holds them (las_key is the LAS's own stable key, never shown in URLs); accounts
-- link to the guardian and staff records of the person who signs in.

CREATE TABLE schools (
    id           TEXT PRIMARY KEY,
    board_id     TEXT NOT NULL REFERENCES boards (id),
    name         TEXT NOT NULL,
    brin         TEXT NOT NULL,
    admin_email  TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    CONSTRAINT schools_brin_key UNIQUE (brin)
);
CREATE INDEX schools_board_idx ON schools (board_id);

CREATE TABLE school_years (
    id         TEXT PRIMARY KEY,
    school_id  TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    starts_on  DATE NOT NULL,
    ends_on    DATE NOT NULL,
    CONSTRAINT school_years_school_name_key UNIQUE (school_id, name)
);

CREATE TABLE school_groups (
    id              TEXT PRIMARY KEY,
    school_id       TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    school_year_id  TEXT NOT NULL REFERENCES school_years (id) ON DELETE CASCADE,
    las_key         TEXT NOT NULL,
    name            TEXT NOT NULL,
    year_group      INTEGER,
    is_combined     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CONSTRAINT school_groups_year_key UNIQUE (school_year_id, las_key)
);
CREATE INDEX school_groups_school_idx ON school_groups (school_id);

CREATE TABLE pupils (
    id                 TEXT PRIMARY KEY,
    school_id          TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    las_key            TEXT NOT NULL,
    first_name         TEXT NOT NULL,
    name_prefix        TEXT,
    last_name          TEXT NOT NULL,
    date_of_birth      DATE,
    parents_separated  BOOLEAN NOT NULL DEFAULT FALSE,
    left_on            DATE,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    CONSTRAINT pupils_school_las_key UNIQUE (school_id, las_key)
);

CREATE TABLE enrolments (
    pupil_id  TEXT NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    group_id  TEXT NOT NULL REFERENCES school_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (pupil_id, group_id)
);
CREATE INDEX enrolments_group_idx ON enrolments (group_id);

CREATE TABLE guardians (
    id              TEXT PRIMARY KEY,
    school_id       TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    las_key         TEXT NOT NULL,
    first_name      TEXT NOT NULL,
    name_prefix     TEXT,
    last_name       TEXT NOT NULL,
    email           TEXT,
    phone           TEXT,
    account_id      TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    deactivated_at  TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CONSTRAINT guardians_school_las_key UNIQUE (school_id, las_key)
);
CREATE INDEX guardians_account_idx ON guardians (account_id);

CREATE TABLE guardian_pupils (
    guardian_id         TEXT NOT NULL REFERENCES guardians (id) ON DELETE CASCADE,
    pupil_id            TEXT NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    relationship        TEXT NOT NULL,
    parental_authority  BOOLEAN NOT NULL,
    household           TEXT NOT NULL,
    PRIMARY KEY (guardian_id, pupil_id)
);
CREATE INDEX guardian_pupils_pupil_idx ON guardian_pupils (pupil_id);

CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    school_id       TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    las_key         TEXT NOT NULL,
    first_name      TEXT NOT NULL,
    name_prefix     TEXT,
    last_name       TEXT NOT NULL,
    email           TEXT,
    phone           TEXT,
    account_id      TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    deactivated_at  TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CONSTRAINT staff_school_las_key UNIQUE (school_id, las_key)
);
CREATE INDEX staff_account_idx ON staff (account_id);

CREATE TABLE staff_roles (
    staff_id  TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    PRIMARY KEY (staff_id, role)
);

CREATE TABLE staff_groups (
    staff_id  TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    group_id  TEXT NOT NULL REFERENCES school_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, group_id)
);
CREATE INDEX staff_groups_group_idx ON staff_groups (group_id);

CREATE TABLE board_admins (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    board_id    TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, board_id)
);

-- Module switches (seed 004): a row switches a module on at a school for one audience (a staff role
-- or `guardian`). A module with no row for an audience does not exist for it (404).
CREATE TABLE school_modules (
    school_id  TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    module     TEXT NOT NULL,
    audience   TEXT NOT NULL,
    PRIMARY KEY (school_id, module, audience)
);
