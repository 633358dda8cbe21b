-- A sync that would deactivate much of a school is held, not applied: the run keeps the roster it
-- would apply (status 'held') until an admin confirms it or a later sync supersedes it; then the
-- roster is dropped. The share of pupils that triggers a hold is a school setting.
ALTER TABLE sync_runs ADD COLUMN held_snapshot TEXT;
ALTER TABLE schools ADD COLUMN sync_hold_percent INTEGER NOT NULL DEFAULT 25;
