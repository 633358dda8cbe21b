-- Sign-up forms (intekenen; SPEC §9, seed 003): a school's or a group's form for helpers and
-- activities, its options with their places, its questions, and the households' responses.

-- A form, made by the school's office (the whole school or chosen groups) or by a teacher (their
-- own groups). `allocation` is 'immediate' (places given in order of arrival) or an allocation run
-- after the close ('first_come' or 'preference', on ranked choices).
CREATE TABLE forms (
    id            TEXT PRIMARY KEY,
    school_id     TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    description   TEXT,
    audience      TEXT NOT NULL CHECK (audience IN ('school', 'groups')),
    opens_at      TIMESTAMP NOT NULL,
    closes_at     TIMESTAMP NOT NULL,
    waiting_list  BOOLEAN NOT NULL,
    -- The most options one child may be signed up for (placed, waiting or pending); NULL: no limit.
    max_per_child INTEGER CHECK (max_per_child IS NULL OR max_per_child > 0),
    allocation    TEXT NOT NULL CHECK (allocation IN ('immediate', 'first_come', 'preference')),
    allocated_at  TIMESTAMP,
    -- When its guardians were told it opened (once, by one worker of any instance).
    announced_at  TIMESTAMP,
    -- The last reminder to those who have not responded (at most one a day).
    reminded_at   TIMESTAMP,
    created_by    TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    CHECK (opens_at < closes_at)
);
CREATE INDEX forms_school_idx ON forms (school_id, closes_at);
CREATE INDEX forms_to_announce_idx ON forms (opens_at) WHERE announced_at IS NULL;

CREATE TABLE form_groups (
    form_id  TEXT NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES school_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (form_id, group_id)
);
CREATE INDEX form_groups_group_idx ON form_groups (group_id);

-- Eligibility by year group (jaargroep); no rows: every year group.
CREATE TABLE form_year_groups (
    form_id    TEXT NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    year_group INTEGER NOT NULL,
    PRIMARY KEY (form_id, year_group)
);

-- An option and its places. `placed` and `waiting` count its sign-ups; the CHECK is the last word
-- on capacity whatever the code above it does. `tickets` numbers arrivals: taking a ticket locks
-- the row, so sign-ups for one option queue in the order they took it.
CREATE TABLE form_options (
    id       TEXT PRIMARY KEY,
    form_id  TEXT NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label    TEXT NOT NULL,
    per      TEXT NOT NULL CHECK (per IN ('child', 'household')),
    capacity INTEGER CHECK (capacity IS NULL OR capacity > 0),
    placed   INTEGER NOT NULL DEFAULT 0 CHECK (placed >= 0),
    waiting  INTEGER NOT NULL DEFAULT 0 CHECK (waiting >= 0),
    tickets  INTEGER NOT NULL DEFAULT 0,
    CHECK (capacity IS NULL OR placed <= capacity),
    UNIQUE (form_id, position)
);

-- A question; `choices` is a JSON array of strings for 'choice'.
CREATE TABLE form_questions (
    id         TEXT PRIMARY KEY,
    form_id    TEXT NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('text', 'choice', 'yes_no', 'number')),
    label      TEXT NOT NULL,
    required   BOOLEAN NOT NULL,
    choices    TEXT,
    min_value  INTEGER,
    max_value  INTEGER,
    max_length INTEGER,
    UNIQUE (form_id, position)
);

-- A household's response (one per household: separated parents' households answer apart), with
-- its answers as a JSON object by question id.
CREATE TABLE form_responses (
    id           TEXT PRIMARY KEY,
    form_id      TEXT NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    household    TEXT NOT NULL,
    responded_by TEXT REFERENCES guardians (id) ON DELETE SET NULL,
    answers      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (form_id, household)
);

-- What a response signs up for: an option for a child, or for the household (`pupil_id` NULL).
-- A child is on an option once, and a household once, whichever household signed them up.
CREATE TABLE form_signups (
    id          TEXT PRIMARY KEY,
    form_id     TEXT NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    option_id   TEXT NOT NULL REFERENCES form_options (id) ON DELETE CASCADE,
    response_id TEXT NOT NULL REFERENCES form_responses (id) ON DELETE CASCADE,
    pupil_id    TEXT REFERENCES pupils (id) ON DELETE CASCADE,
    household   TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('placed', 'waiting', 'pending', 'unplaced')),
    ticket      INTEGER NOT NULL,
    preference  INTEGER CHECK (preference IS NULL OR preference > 0),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (option_id, ticket)
);
CREATE UNIQUE INDEX form_signups_child_once ON form_signups (option_id, pupil_id)
    WHERE pupil_id IS NOT NULL;
CREATE UNIQUE INDEX form_signups_household_once ON form_signups (option_id, household)
    WHERE pupil_id IS NULL;
CREATE INDEX form_signups_response_idx ON form_signups (response_id);
CREATE INDEX form_signups_queue_idx ON form_signups (option_id, state, ticket);
CREATE INDEX form_signups_form_idx ON form_signups (form_id, pupil_id);
