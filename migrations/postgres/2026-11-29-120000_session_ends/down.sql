DROP TRIGGER account_disabled ON accounts;
DROP TRIGGER session_removed ON sessions;
DROP TRIGGER session_ended ON sessions;
DROP FUNCTION session_ends_record();
DROP TABLE session_ends;
