-- Absence and leave (SPEC §7 and §12, seeds 001 and 003, Leerplichtwet 1969).

-- The school calendar per school and school year (2026 for 2026-2027): lesson time per weekday
-- (Monday to Sunday, minutes, comma-separated) for the school and per group where a group differs,
-- and the days without lessons. School days are the year's days with lesson time that are not a
-- day off; hours of absence and the "school days" of leave are counted on it.
CREATE TABLE school_calendars (
    school_id       TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    start_year      INTEGER NOT NULL,
    region          TEXT CHECK (region IN ('north', 'middle', 'south')),
    lesson_minutes  TEXT NOT NULL,
    version         INTEGER NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (school_id, start_year)
);

CREATE TABLE school_calendar_groups (
    school_id       TEXT NOT NULL,
    start_year      INTEGER NOT NULL,
    group_id        TEXT NOT NULL REFERENCES school_groups (id) ON DELETE CASCADE,
    lesson_minutes  TEXT NOT NULL,
    PRIMARY KEY (school_id, start_year, group_id),
    FOREIGN KEY (school_id, start_year) REFERENCES school_calendars (school_id, start_year) ON DELETE CASCADE
);

CREATE TABLE school_days_off (
    school_id   TEXT NOT NULL,
    start_year  INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('holiday', 'study_day')),
    name        TEXT NOT NULL,
    first_day   DATE NOT NULL,
    last_day    DATE NOT NULL,
    PRIMARY KEY (school_id, start_year, position),
    FOREIGN KEY (school_id, start_year) REFERENCES school_calendars (school_id, start_year) ON DELETE CASCADE,
    CHECK (first_day <= last_day)
);

-- A school's absence settings; no row: the defaults (seed 003: reports for today before 08:00).
CREATE TABLE school_absence_settings (
    school_id              TEXT PRIMARY KEY REFERENCES schools (id) ON DELETE CASCADE,
    report_cutoff          TEXT NOT NULL,
    notify_unreported      BOOLEAN NOT NULL,
    leave_notice_weeks     INTEGER NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);

-- An absence of a pupil: reported by a guardian, registered by staff, or granted leave. `reason`
-- is the guardian's (sick, appointment, other, or leave) with its short `note` (medical detail when
-- the reason is sick: teacher and care staff only); `kind` is the school's registration
-- (authorized, unauthorized, sick, leave), NULL until staff register it. `minutes` of teaching
-- time is stored when given, derived from the calendar otherwise. `last_day` NULL: until the
-- return is reported.
CREATE TABLE absences (
    id               TEXT PRIMARY KEY,
    school_id        TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    pupil_id         TEXT NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    source           TEXT NOT NULL CHECK (source IN ('guardian', 'staff', 'leave')),
    reported_by      TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    reason           TEXT NOT NULL CHECK (reason IN ('sick', 'appointment', 'other', 'leave')),
    kind             TEXT CHECK (kind IN ('authorized', 'unauthorized', 'sick', 'leave')),
    note             TEXT,
    first_day        DATE NOT NULL,
    last_day         DATE,
    expected_return  DATE,
    returned_on      DATE,
    minutes          INTEGER,
    late             BOOLEAN NOT NULL,
    withdrawn_at     TIMESTAMP,
    leave_request_id TEXT,
    version          INTEGER NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
-- Today's and coming absences of a school (the teacher's morning list), and a pupil's record.
CREATE INDEX absences_school_day_idx ON absences (school_id, first_day);
CREATE INDEX absences_pupil_idx ON absences (pupil_id, first_day);

-- Every change of an absence: field, from, to, by whom and when (issue #11: "from X to Y").
CREATE TABLE absence_history (
    id          TEXT PRIMARY KEY,
    absence_id  TEXT NOT NULL REFERENCES absences (id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    from_value  TEXT,
    to_value    TEXT,
    changed_by  TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    changed_at  TIMESTAMP NOT NULL
);
CREATE INDEX absence_history_absence_idx ON absence_history (absence_id, id);

-- Leave requests and notifications (verlof, SPEC §12: Leerplichtwet art. 11a, 13, 13a, 14), by a
-- guardian with parental authority. `issues` holds the rule codes the rule engine found when it was
-- submitted (comma-separated; warnings the director sees). A decision is recorded in place, with
-- the attendance officer's when the request was forwarded to them.
CREATE TABLE leave_requests (
    id                   TEXT PRIMARY KEY,
    school_id            TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    pupil_id             TEXT NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    requested_by         TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('holiday', 'important_circumstances', 'religious', 'five_year_old')),
    first_day            DATE NOT NULL,
    last_day             DATE NOT NULL,
    submitted_on         DATE NOT NULL,
    reason               TEXT,
    employer_statement   TEXT,
    minutes_per_week     INTEGER,
    school_days          INTEGER NOT NULL,
    decider              TEXT NOT NULL CHECK (decider IN ('notification', 'director', 'attendance_officer')),
    issues               TEXT NOT NULL,
    -- The messages of `issues` as the guardian saw them, one line per issue: Dutch, a tab, English.
    issue_messages       TEXT NOT NULL,
    state                TEXT NOT NULL CHECK (state IN ('pending', 'noted', 'approved', 'rejected', 'forwarded', 'officer_approved', 'officer_rejected', 'withdrawn')),
    decided_by           TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    decided_at           TIMESTAMP,
    decision_reason      TEXT,
    officer_recorded_by  TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    officer_recorded_at  TIMESTAMP,
    officer_reason       TEXT,
    version              INTEGER NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE INDEX leave_requests_pupil_idx ON leave_requests (pupil_id, first_day);
CREATE INDEX leave_requests_school_idx ON leave_requests (school_id, state, created_at);

-- Signals for the school's admins (art. 21a: 16 hours of unauthorized absence within 4 school
-- weeks, to be reported to DUO; long absence; suspected luxury absence). Raised once per window
-- (the unique key), marked reported by an admin; counting starts again after a report.
CREATE TABLE absence_signals (
    id            TEXT PRIMARY KEY,
    school_id     TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    pupil_id      TEXT NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('duo_16_hours', 'long_absence', 'luxury_absence')),
    first_day     DATE NOT NULL,
    last_day      DATE NOT NULL,
    minutes       INTEGER NOT NULL,
    raised_at     TIMESTAMP NOT NULL,
    reported_at   TIMESTAMP,
    reported_by   TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    UNIQUE (pupil_id, kind, last_day)
);
CREATE INDEX absence_signals_school_idx ON absence_signals (school_id, reported_at, raised_at);
