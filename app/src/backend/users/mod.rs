//! Users: setting them up, whom one sees, Dashboard > USERS and the user page. One file per
//! feature; the services keep their names (`users::set_up`, `users::list`…).

mod list;
mod profile;
pub mod provision;
mod scope;
mod set_up;

pub use list::list;
pub(crate) use list::{page, Page};
pub use profile::{detail, resend_email, send_new_credentials, set_details, set_password};
pub use scope::find_seen;
pub use set_up::{addable_groups, set_up};
pub(crate) use set_up::{create_account, Account};
