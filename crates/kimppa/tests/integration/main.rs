//! The integration tests: one binary, one module per capability. Each test
//! starts the real app (router and job runner) on a fresh database, SQLite
//! and PostgreSQL (see [`common::both_backends`]); `crash` drives the real
//! binary as a process.

#[macro_use]
mod common;

mod accounts;
mod admin;
mod api;
mod authorization;
mod challenges;
mod crash;
mod directory;
mod events;
mod forum;
mod funding;
mod groups;
mod i18n;
mod impact;
mod journey;
mod kernel;
mod materials;
mod organisations;
mod paths;
mod pipeline;
mod questions;
mod search;
mod search_judged;
mod security;
mod sidestreams_judged;
mod suggestions_judged;
mod visibility;
mod website;
