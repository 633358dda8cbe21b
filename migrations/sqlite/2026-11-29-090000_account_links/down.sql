DROP INDEX account_tokens_purpose_idx;
ALTER TABLE account_tokens DROP COLUMN staff_id;
ALTER TABLE account_tokens DROP COLUMN guardian_id;
