-- A breach report reads one school's events in a time window: this index finds them without
-- scanning the school's whole log.
CREATE INDEX audit_events_school_at_idx ON audit_events (school_id, at);
