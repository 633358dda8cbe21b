DROP TRIGGER account_disabled;
DROP TRIGGER session_removed;
DROP TRIGGER session_ended;
DROP TABLE session_ends;
