//! Leave.
