//! Pure rules of Roster: no leptos, no sqlx, no I/O. Compiled into both the server and the wasm,
//! so the browser and the server validate the same way; the server's check is the one that counts.

pub mod account;
pub mod address_list;
pub mod batch;
pub mod billing;
pub mod capability;
pub mod custom_field;
pub mod deletion;
pub mod group_tree;
pub mod identity;
pub mod invitation;
pub mod names;
pub mod password;
pub mod policy;
pub mod retry;
pub mod role;
pub mod visibility;
