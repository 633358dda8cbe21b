DROP TABLE change_request_fields;
DROP TABLE change_requests;
ALTER TABLE schools DROP COLUMN requestable_fields;
DROP TABLE roster_sources;
DROP TABLE sync_runs;
