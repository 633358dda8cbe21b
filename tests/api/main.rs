//! The integration suite: the real server on a free port against a database of its own per test.
//! `DATABASE_URL=postgres://…` runs it on PostgreSQL (one fresh database per test); otherwise each
//! test gets a fresh SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod smtp;

mod absence;
mod absence_signals;
mod audit;
mod auth;
mod authorization;
mod boards;
mod bodies_after_authorization;
mod breach;
mod calendar;
mod callers;
mod cards;
mod change_requests;
mod consent;
mod consent_las;
mod consent_matrix;
mod contract;
mod disclosures;
mod edge;
mod erasure;
mod errors;
mod export;
mod forms;
mod forms_matrix;
mod forms_notices;
mod forms_places;
mod health;
mod integration;
mod las_sync;
mod leave;
mod leave_decisions;
mod leave_matrix;
mod logs;
mod mail;
mod modules;
mod news;
mod news_comments;
mod news_confirmations;
mod news_edits;
mod news_staff_feed;
mod notifications;
mod notifications_inbox;
mod planner;
mod planner_calendar;
mod planner_families;
mod planner_matrix;
mod planner_notices;
mod planner_overview;
mod retention;
mod retention_settings;
mod roster;
mod storage;
mod webhooks;
mod world;
