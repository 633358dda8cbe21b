DROP TABLE absence_signals;
DROP TABLE leave_requests;
DROP TABLE absence_history;
DROP TABLE absences;
DROP TABLE school_absence_settings;
DROP TABLE school_days_off;
DROP TABLE school_calendar_groups;
DROP TABLE school_calendars;
