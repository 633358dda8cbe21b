-- A link mailed to an address now names the person record it attaches (a guardian or a staff
-- member): the record is linked to the account only when the link is used, never before. So a
-- roster can not hand anyone's existing account to a pupil unasked (seed 000: the account belongs
-- to the person whose address it is).
ALTER TABLE account_tokens ADD COLUMN guardian_id TEXT REFERENCES guardians (id) ON DELETE CASCADE;
ALTER TABLE account_tokens ADD COLUMN staff_id TEXT REFERENCES staff (id) ON DELETE CASCADE;
-- Counting an account's recent reset links (at most a few per hour).
CREATE INDEX account_tokens_purpose_idx ON account_tokens (account_id, purpose, created_at);
