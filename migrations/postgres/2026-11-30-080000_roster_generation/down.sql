DROP TABLE roster_generation;
DROP FUNCTION roster_generation_move CASCADE;
