//! One file per screen, grouped by area: signing in and one's account (`access/`), the people of
//! the platform and adding them (`people/`), programs and their sessions (`programs/`), the
//! platform's own settings (`platform/`); a group's page and "not found" stand alone.

mod access;
mod group;
mod not_found;
mod people;
mod platform;
mod programs;

pub use access::{AccountPage, ChangePasswordPage, LoginPage, RegisterPage};
pub use group::{GroupPage, HomePage};
pub use not_found::NotFoundPage;
pub use people::{AddUsersPage, ImportUsersPage, InvitationsPage, SetUpUserPage, UserPage, UsersPage};
pub use platform::{ApiTokensPage, BillingPage, LabelsPage, MailboxPage, SettingsPage};
pub use programs::{ProgramsPage, SessionPage};
