ALTER TABLE consent_purposes DROP COLUMN las_imported_at;
