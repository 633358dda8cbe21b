-- News, second part (SPEC §5, seed 003): a post's version for guarded edits, comments by guardians
-- of its audience, and read confirmations.

-- Every edit raises the version; an edit names the version it was made on, so of two edits made on
-- the same version only the first is applied (no lost update).
ALTER TABLE news_posts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Comments (off by default, switched on per post by its author: seed 003), by a guardian record
-- of the post's school. Hidden comments stay for staff, marked; guardians no longer see them.
CREATE TABLE news_comments (
    id           TEXT PRIMARY KEY,
    post_id      TEXT NOT NULL REFERENCES news_posts (id) ON DELETE CASCADE,
    guardian_id  TEXT NOT NULL REFERENCES guardians (id) ON DELETE CASCADE,
    body         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    hidden_at    TIMESTAMP,
    hidden_by    TEXT REFERENCES accounts (id) ON DELETE SET NULL
);
-- A post's comments in order (ids are UUIDv7, in creation order).
CREATE INDEX news_comments_post_idx ON news_comments (post_id, id);

-- Read confirmations: a guardian confirmed a post for one of their children, from their household
-- with that child (as it was then). One row per guardian and child, written once.
CREATE TABLE news_confirmations (
    post_id       TEXT NOT NULL REFERENCES news_posts (id) ON DELETE CASCADE,
    pupil_id      TEXT NOT NULL REFERENCES pupils (id) ON DELETE CASCADE,
    guardian_id   TEXT NOT NULL REFERENCES guardians (id) ON DELETE CASCADE,
    household     TEXT NOT NULL,
    confirmed_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, pupil_id, guardian_id)
);
CREATE INDEX news_confirmations_guardian_idx ON news_confirmations (guardian_id, post_id);
