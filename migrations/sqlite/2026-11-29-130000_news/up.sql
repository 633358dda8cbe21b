-- News (SPEC §5, seed 003). A post belongs to one school and goes to the whole school or to some of
-- its groups. `live_at` is when it enters the feeds (now, or the scheduled time); NULL for a draft.
-- The feed reads by (school, pinned, live_at, id), the order guardians see, so a page costs the
-- same however many posts pile up.
CREATE TABLE news_posts (
    id                TEXT PRIMARY KEY,
    school_id         TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    author_id         TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    title             TEXT NOT NULL,
    body              TEXT NOT NULL,
    language          TEXT NOT NULL,
    audience          TEXT NOT NULL CHECK (audience IN ('school', 'groups')),
    priority          TEXT NOT NULL CHECK (priority IN ('normal', 'important', 'urgent')),
    pinned            BOOLEAN NOT NULL,
    comments_enabled  BOOLEAN NOT NULL,
    confirmation      TEXT NOT NULL CHECK (confirmation IN ('none', 'per_child', 'per_household')),
    published_at      TIMESTAMP,
    publish_at        TIMESTAMP,
    live_at           TIMESTAMP,
    expires_at        TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    deleted_at        TIMESTAMP
);
CREATE INDEX news_posts_feed_idx ON news_posts (school_id, pinned, live_at, id);

-- The groups of a post whose audience is 'groups'.
CREATE TABLE news_post_groups (
    post_id   TEXT NOT NULL REFERENCES news_posts (id) ON DELETE CASCADE,
    group_id  TEXT NOT NULL REFERENCES school_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, group_id)
);
CREATE INDEX news_post_groups_group_idx ON news_post_groups (group_id, post_id);

-- Attachments by reference (a name and an https URL), in order.
CREATE TABLE news_attachments (
    post_id   TEXT NOT NULL REFERENCES news_posts (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    url       TEXT NOT NULL,
    PRIMARY KEY (post_id, position)
);

-- Edit history: the title and body a post had before each edit.
CREATE TABLE news_revisions (
    id         TEXT PRIMARY KEY,
    post_id    TEXT NOT NULL REFERENCES news_posts (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    edited_by  TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    edited_at  TIMESTAMP NOT NULL
);
CREATE INDEX news_revisions_post_idx ON news_revisions (post_id, edited_at);

-- Read receipts: a guardian (of the post's school) read the post; recorded once.
CREATE TABLE news_reads (
    post_id      TEXT NOT NULL REFERENCES news_posts (id) ON DELETE CASCADE,
    guardian_id  TEXT NOT NULL REFERENCES guardians (id) ON DELETE CASCADE,
    read_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, guardian_id)
);
CREATE INDEX news_reads_guardian_idx ON news_reads (guardian_id, post_id);
