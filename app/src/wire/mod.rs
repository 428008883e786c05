//! The types that cross the wire between the server functions (`api`) and the screens (`ui`),
//! one file per area. Below both: they import only `domain`, `i18n` and serde, so the services
//! (`backend`) build them without reaching up into `api`.

pub mod auth;
pub mod batch;
pub mod billing;
pub mod details;
pub mod directory;
pub mod groups;
pub mod invitations;
pub mod programs;
pub mod settings;
pub mod sort;
pub mod tokens;
pub mod users;
