//! Signing in and one's own account: log in, register from an invitation's link, the first
//! login's new password (R27), one's password.

mod account;
mod change_password;
mod login;
mod register;

pub use account::AccountPage;
pub use change_password::ChangePasswordPage;
pub use login::LoginPage;
pub use register::RegisterPage;
