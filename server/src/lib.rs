//! Roster's server: configuration, the router with its layers, and the listener. `main.rs` is
//! the command line; tests build the same router with `router::app`.
#![recursion_limit = "256"]

pub mod config;
pub mod downloads;
pub mod middleware;
pub mod rest;
pub mod router;
pub mod scim;
pub mod token_auth;
