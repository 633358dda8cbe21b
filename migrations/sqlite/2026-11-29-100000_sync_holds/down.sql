ALTER TABLE schools DROP COLUMN sync_hold_percent;
ALTER TABLE sync_runs DROP COLUMN held_snapshot;
