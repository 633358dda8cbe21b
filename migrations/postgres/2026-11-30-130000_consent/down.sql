DROP TABLE medical_notes;
DROP TABLE consent_events;
DROP TABLE consents;
DROP TABLE consent_purposes;
