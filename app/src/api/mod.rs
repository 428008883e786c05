//! The server functions: each is a public POST endpoint under /api/, so each starts by asking
//! for the principal and checking what it may do, then calls a backend service and returns a wire
//! type (`crate::wire`). Nothing else lives here.

pub mod auth;
pub mod batch;
pub mod billing;
#[cfg(feature = "ssr")]
pub mod context;
pub mod details;
pub mod directory;
pub mod groups;
pub mod invitations;
pub mod programs;
pub mod settings;
pub mod tokens;
pub mod users;
