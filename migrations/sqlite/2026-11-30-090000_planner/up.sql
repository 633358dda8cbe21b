-- The conversation planner (gesprekkenplanner; SPEC §8, seed 003): a school's round of parent
-- conversations, the desks teachers sit at, their slots, and the bookings of guardians.

-- A round, made centrally by the school: its days and time windows (`planner_windows`), slot length
-- and pause, the teachers' deadline for checking their times, the booking window, and the limits.
-- `published_at` is set once, after the deadline: then guardians see it (seed 003).
CREATE TABLE planner_rounds (
    id                     TEXT PRIMARY KEY,
    school_id              TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    name                   TEXT NOT NULL,
    purpose                TEXT,
    slot_minutes           INTEGER NOT NULL,
    pause_minutes          INTEGER NOT NULL,
    teachers_deadline      TIMESTAMP NOT NULL,
    booking_opens          TIMESTAMP NOT NULL,
    booking_closes         TIMESTAMP NOT NULL,
    guardians_may_change   BOOLEAN NOT NULL,
    max_bookings_per_pupil INTEGER NOT NULL,
    quota_per_pupil        INTEGER,
    quota_hours            INTEGER,
    duo_mode               TEXT NOT NULL CHECK (duo_mode IN ('share', 'split')),
    published_at           TIMESTAMP,
    -- The last reminder to guardians who have not booked (at most one a day).
    reminded_at            TIMESTAMP,
    created_by             TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    version                INTEGER NOT NULL,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    CHECK (teachers_deadline < booking_opens AND booking_opens < booking_closes),
    CHECK ((quota_per_pupil IS NULL) = (quota_hours IS NULL))
);
CREATE INDEX planner_rounds_school_idx ON planner_rounds (school_id, booking_opens);

CREATE TABLE planner_round_groups (
    round_id TEXT NOT NULL REFERENCES planner_rounds (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES school_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (round_id, group_id)
);
CREATE INDEX planner_round_groups_group_idx ON planner_round_groups (group_id);

-- The round's time windows on the Amsterdam wall clock ('HH:MM'), in the order given.
CREATE TABLE planner_windows (
    round_id TEXT NOT NULL REFERENCES planner_rounds (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    day      DATE NOT NULL,
    starts   TEXT NOT NULL,
    ends     TEXT NOT NULL,
    PRIMARY KEY (round_id, position)
);

-- Where conversations are held: one desk per teacher, or per group's teachers together (a duo job
-- shared), with the groups whose pupils book there.
CREATE TABLE planner_desks (
    id       TEXT PRIMARY KEY,
    round_id TEXT NOT NULL REFERENCES planner_rounds (id) ON DELETE CASCADE,
    label    TEXT NOT NULL
);
CREATE INDEX planner_desks_round_idx ON planner_desks (round_id);

CREATE TABLE planner_desk_staff (
    desk_id  TEXT NOT NULL REFERENCES planner_desks (id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    PRIMARY KEY (desk_id, staff_id)
);
CREATE INDEX planner_desk_staff_staff_idx ON planner_desk_staff (staff_id);

CREATE TABLE planner_desk_groups (
    desk_id  TEXT NOT NULL REFERENCES planner_desks (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES school_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (desk_id, group_id)
);
CREATE INDEX planner_desk_groups_group_idx ON planner_desk_groups (group_id);

-- A desk's room or video-meeting link for a day (the link unguessable: made by the server).
CREATE TABLE planner_desk_days (
    desk_id    TEXT NOT NULL REFERENCES planner_desks (id) ON DELETE CASCADE,
    day        DATE NOT NULL,
    room       TEXT,
    video_link TEXT,
    PRIMARY KEY (desk_id, day)
);

-- A desk's slots: generated from the round's windows, or added by the teacher; `blocked` ones are
-- not offered. A booked slot cannot be blocked (a booking is never dropped silently).
CREATE TABLE planner_slots (
    id        TEXT PRIMARY KEY,
    round_id  TEXT NOT NULL REFERENCES planner_rounds (id) ON DELETE CASCADE,
    desk_id   TEXT NOT NULL REFERENCES planner_desks (id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL,
    ends_at   TIMESTAMP NOT NULL,
    blocked   BOOLEAN NOT NULL,
    added     BOOLEAN NOT NULL,
    UNIQUE (desk_id, starts_at),
    CHECK (starts_at < ends_at)
);

-- What the teacher says per pupil before the round: a conversation requested, not necessary, and
-- a note; guardians see it.
CREATE TABLE planner_preparations (
    desk_id    TEXT NOT NULL REFERENCES planner_desks (id) ON DELETE CASCADE,
    pupil_id   TEXT NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    state      TEXT CHECK (state IN ('conversation_requested', 'not_necessary')),
    note       TEXT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (desk_id, pupil_id)
);

-- A booking of a slot for a pupil. `household` is '' for a joint booking (every guardian invited)
-- and the household's key when the pupil is marked separated and each household books its own.
-- The slot's times are copied in for the overlap checks and the calendars; `sequence` counts the
-- changes a calendar event went through (RFC 5545 SEQUENCE).
CREATE TABLE planner_bookings (
    id            TEXT PRIMARY KEY,
    round_id      TEXT NOT NULL REFERENCES planner_rounds (id) ON DELETE CASCADE,
    desk_id       TEXT NOT NULL REFERENCES planner_desks (id) ON DELETE CASCADE,
    slot_id       TEXT NOT NULL REFERENCES planner_slots (id) ON DELETE CASCADE,
    pupil_id      TEXT NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    household     TEXT NOT NULL,
    booked_by     TEXT REFERENCES guardians (id) ON DELETE SET NULL,
    state         TEXT NOT NULL CHECK (state IN ('booked', 'unbooked', 'cancelled')),
    starts_at     TIMESTAMP NOT NULL,
    ends_at       TIMESTAMP NOT NULL,
    cancel_reason TEXT,
    ended_by      TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    ended_at      TIMESTAMP,
    reminded_at   TIMESTAMP,
    sequence      INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
-- No slot is ever booked twice, and a pupil (or, when separated, each household) has one booking
-- per desk: enforced here, so two racing guardians get one booking and one conflict.
CREATE UNIQUE INDEX planner_bookings_slot_once ON planner_bookings (slot_id) WHERE state = 'booked';
CREATE UNIQUE INDEX planner_bookings_pupil_desk_once
    ON planner_bookings (desk_id, pupil_id, household) WHERE state = 'booked';
CREATE INDEX planner_bookings_round_pupil_idx ON planner_bookings (round_id, pupil_id);
CREATE INDEX planner_bookings_reminder_idx ON planner_bookings (starts_at) WHERE state = 'booked';

-- The guardians a booking invites, with its times: no guardian (and so no household) is in two
-- conversations at once (checked under the guardians' row locks).
CREATE TABLE planner_booking_guardians (
    booking_id  TEXT NOT NULL REFERENCES planner_bookings (id) ON DELETE CASCADE,
    guardian_id TEXT NOT NULL REFERENCES guardians (id) ON DELETE CASCADE,
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    active      BOOLEAN NOT NULL,
    PRIMARY KEY (booking_id, guardian_id)
);
CREATE INDEX planner_booking_guardians_guardian_idx
    ON planner_booking_guardians (guardian_id, starts_at);
