//! One file per screen.

mod account;
mod add_users;
mod billing;
mod change_password;
mod group;
mod invitations;
mod labels;
mod login;
mod mailbox;
mod not_found;
mod programs;
mod register;
mod session;
mod set_up_user;
mod settings;
mod user;
pub(crate) mod users;

pub use account::AccountPage;
pub use add_users::AddUsersPage;
pub use billing::BillingPage;
pub use change_password::ChangePasswordPage;
pub use group::{GroupPage, HomePage};
pub use invitations::InvitationsPage;
pub use labels::LabelsPage;
pub use login::LoginPage;
pub use mailbox::MailboxPage;
pub use not_found::NotFoundPage;
pub use programs::ProgramsPage;
pub use register::RegisterPage;
pub use session::SessionPage;
pub use set_up_user::SetUpUserPage;
pub use settings::SettingsPage;
pub use user::UserPage;
pub use users::UsersPage;
