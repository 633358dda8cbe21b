-- A counter that moves forward with every committed change to what a pupil's card shows (the pupil,
-- its school's board, its groups and their names, its guardians and their relation to it). API
-- instances keep cards in memory tagged with the counter they read before loading them, and read the
-- counter (one row by key) on every request: a card is served only while the counter has not moved,
-- so a change on any instance is seen at the next request everywhere. Written by triggers, so no
-- path (a sync, a change request, an admin's removal, an operator's SQL) can forget it.
--
-- The triggers are deferred to the commit and move the counter once per transaction: the row's lock
-- is taken last and held only while committing, so roster writers cannot deadlock on it.
CREATE TABLE roster_generation (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    n         BIGINT NOT NULL,
    last_xact BIGINT
);
INSERT INTO roster_generation (id, n) VALUES (1, 0);

CREATE FUNCTION roster_generation_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE roster_generation SET n = n + 1, last_xact = txid_current()
    WHERE id = 1 AND last_xact IS DISTINCT FROM txid_current();
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER roster_generation_pupils
AFTER INSERT OR DELETE OR UPDATE OF school_id, first_name, name_prefix, last_name, date_of_birth,
    parents_separated, left_on ON pupils
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION roster_generation_move();

CREATE CONSTRAINT TRIGGER roster_generation_schools
AFTER DELETE OR UPDATE OF board_id ON schools
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION roster_generation_move();

CREATE CONSTRAINT TRIGGER roster_generation_groups
AFTER DELETE OR UPDATE OF name, school_id ON school_groups
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION roster_generation_move();

CREATE CONSTRAINT TRIGGER roster_generation_enrolments
AFTER INSERT OR DELETE OR UPDATE ON enrolments
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION roster_generation_move();

CREATE CONSTRAINT TRIGGER roster_generation_guardians
AFTER DELETE OR UPDATE OF first_name, name_prefix, last_name, email, phone, deactivated_at ON guardians
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION roster_generation_move();

CREATE CONSTRAINT TRIGGER roster_generation_guardian_pupils
AFTER INSERT OR DELETE OR UPDATE ON guardian_pupils
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION roster_generation_move();
