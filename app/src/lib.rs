//! Roster: the part of a learning platform that brings people in.
//!
//! - `domain`: pure rules (no leptos, no sqlx), shared by browser and server; most tests live there.
//! - `wire`: the types that cross the wire, below both the server functions and the screens.
//! - `i18n`: the words of the UI, in English and French (`locales/`); `emails` (ssr only): the
//!   emails, their words in `locales/*/emails.ftl`.
//! - `error`: the one error type of the server functions.
//! - `api`: the `#[server]` functions only, thin: principal -> check -> service -> wire type.
//! - `backend` (ssr only): state, database, authentication, services.
//! - `ui`: pages and components; they reach data only through `api`.
//!
//! See `docs/layers.md` for what each layer may import.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod emails;
pub mod error;
pub mod html;
pub mod i18n;
pub mod ui;
pub mod wire;

#[cfg(test)]
mod layers;

pub use ui::{App, shell};
