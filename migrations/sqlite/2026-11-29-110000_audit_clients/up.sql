-- An integration client's acts (roster pushes, refused ones too) name the client in the audit log.
ALTER TABLE audit_events ADD COLUMN client_id TEXT;
