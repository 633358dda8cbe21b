//! The access export (AVG art. 15): its jobs (`jobs`), and the collection of everything held about
//! an account's guardian records and their children (`family`, `activity`), one query per section
//! over all the children at once, scoped to that family alone.

pub mod activity;
pub mod communication;
pub mod family;
pub mod jobs;
pub mod rows;

pub use family::Family;
