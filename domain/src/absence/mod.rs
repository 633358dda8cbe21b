//! Absence.
