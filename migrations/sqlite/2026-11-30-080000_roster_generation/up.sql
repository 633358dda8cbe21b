-- A counter that moves forward with every committed change to what a pupil's card shows (the pupil,
-- its school's board, its groups and their names, its guardians and their relation to it). API
-- instances keep cards in memory tagged with the counter they read before loading them, and read the
-- counter (one row by key) on every request: a card is served only while the counter has not moved,
-- so a change on any instance is seen at the next request everywhere. Written by triggers, so no
-- path (a sync, a change request, an admin's removal, an operator's SQL) can forget it.
CREATE TABLE roster_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO roster_generation (id, n) VALUES (1, 0);

CREATE TRIGGER roster_generation_pupils_insert AFTER INSERT ON pupils
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_pupils_delete AFTER DELETE ON pupils
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_pupils_update AFTER UPDATE OF school_id, first_name, name_prefix, last_name, date_of_birth, parents_separated, left_on ON pupils
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_schools_delete AFTER DELETE ON schools
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_schools_update AFTER UPDATE OF board_id ON schools
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_school_groups_delete AFTER DELETE ON school_groups
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_school_groups_update AFTER UPDATE OF name, school_id ON school_groups
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_enrolments_insert AFTER INSERT ON enrolments
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_enrolments_delete AFTER DELETE ON enrolments
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_enrolments_update AFTER UPDATE ON enrolments
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_guardians_delete AFTER DELETE ON guardians
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_guardians_update AFTER UPDATE OF first_name, name_prefix, last_name, email, phone, deactivated_at ON guardians
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_guardian_pupils_insert AFTER INSERT ON guardian_pupils
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_guardian_pupils_delete AFTER DELETE ON guardian_pupils
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;

CREATE TRIGGER roster_generation_guardian_pupils_update AFTER UPDATE ON guardian_pupils
BEGIN
    UPDATE roster_generation SET n = n + 1;
END;
