-- Guardians a roster sync created, waiting for their activation link (SPEC §2: accounts for
-- guardians are created by the sync). Sent by a background worker, so that a school's first sync
-- of thousands of guardians stays one quick transaction.
CREATE TABLE pending_invitations (
    guardian_id  TEXT PRIMARY KEY REFERENCES guardians (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX pending_invitations_created_idx ON pending_invitations (created_at);
