//! Roster: the part of a learning platform that brings people in.
//!
//! - `domain`: pure rules (no leptos, no sqlx), shared by browser and server; most tests live there.
//! - `i18n`: every word the UI and the emails show, in English and French.
//! - `error`: the one error type of the server functions.
//! - `api`: the `#[server]` functions, thin: principal -> check -> service -> DTO.
//! - `backend` (ssr only): state, database, authentication, services.
//! - `ui`: pages and components.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod domain;
pub mod emails;
pub mod error;
pub mod i18n;
pub mod ui;

pub use ui::{App, shell};
