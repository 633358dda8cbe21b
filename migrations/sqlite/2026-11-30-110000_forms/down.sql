DROP TABLE form_signups;
DROP TABLE form_responses;
DROP TABLE form_questions;
DROP TABLE form_options;
DROP TABLE form_year_groups;
DROP TABLE form_groups;
DROP TABLE forms;
