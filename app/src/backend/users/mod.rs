//! Users: setting them up, whom one sees, Dashboard > USERS and the user page. One file per
//! feature; the services keep their names (`users::set_up`, `users::list`…).

mod list;
mod profile;
mod scope;
mod set_up;

pub use list::list;
pub(crate) use list::{page, Page};
pub use profile::{detail, resend_email, send_new_credentials, set_active, set_details, set_password};
pub use scope::find_seen;
pub use set_up::{addable_groups, set_up};
pub(crate) use profile::{refuse_own_deactivation, require_manage, require_sight, store_active, store_password};
pub(crate) use set_up::{create_account, set_up_known_as, Account};
