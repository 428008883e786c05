//! The people of the platform: Dashboard > USERS, a user's page, and adding people — + > User
//! (invite), set up a user, create users in batch, the Invitations list.

mod add_users;
mod import_users;
mod invitations;
mod set_up_user;
mod user;
mod users;

pub use add_users::AddUsersPage;
pub use import_users::ImportUsersPage;
pub use invitations::InvitationsPage;
pub use set_up_user::SetUpUserPage;
pub use user::UserPage;
pub use users::UsersPage;
