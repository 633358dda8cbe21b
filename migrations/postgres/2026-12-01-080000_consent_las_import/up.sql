-- When the LAS last sent a purpose it keeps (issue #14: LAS consent is shown read-only with the
-- time of the last import). NULL for purposes decided in the portal.
ALTER TABLE consent_purposes ADD COLUMN las_imported_at TIMESTAMP;
