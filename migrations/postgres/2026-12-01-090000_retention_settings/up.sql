-- Retention settings per school (SPEC §12: the terms are school defaults an admin may change per
-- school). The seed's terms are maxima, so a school may only shorten them; the rules live in
-- `domain::retention`, which refuses a stored value out of range rather than default it. A school
-- without a row keeps every maximum and portal content for 2 years.

-- One row per school. A month column is NULL while the school keeps that category's maximum;
-- only the categories a school may shorten have one (fiscal staff data meets the fiscal keeping
-- obligation, portal content is counted in years, guardian accounts go at the roll-over).
-- `updated_by` is the account that last changed them; the change itself is in the audit log.
CREATE TABLE retention_settings (
    school_id                 TEXT PRIMARY KEY REFERENCES schools (id) ON DELETE CASCADE,
    portal_content_years      INTEGER NOT NULL CHECK (portal_content_years > 0),
    absence_and_leave_months  INTEGER CHECK (absence_and_leave_months > 0),
    enrolment_months          INTEGER CHECK (enrolment_months > 0),
    pupil_file_months         INTEGER CHECK (pupil_file_months > 0),
    complaints_months         INTEGER CHECK (complaints_months > 0),
    audit_log_months          INTEGER CHECK (audit_log_months > 0),
    staff_months              INTEGER CHECK (staff_months > 0),
    updated_at                TIMESTAMP NOT NULL,
    updated_by                TEXT REFERENCES accounts (id) ON DELETE SET NULL
);
