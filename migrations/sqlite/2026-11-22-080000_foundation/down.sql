DROP TABLE accounts;
DROP TABLE boards;
