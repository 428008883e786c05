//! Authentication: passwords, tokens and cookies, logging in with its rate limits, and
//! database sessions whose cookie carries a 256-bit token of which only the SHA-256 is stored.

mod login;
mod password;
mod session;
mod tokens;

pub use login::{log_in, LoggedIn, LoginAttempt, ACCOUNT_CEILING, DEVICE_LIMIT, IP_LIMIT, PAIR_LIMIT};
pub use password::{change_password, check_current_password, generated_password, random_password, reset_to_one_time_password, PasswordHasher, CURRENT_PASSWORD_LIMIT, ONE_TIME_PASSWORD_LIFETIME_MS};
pub use session::{log_out, open_session, purge_expired};
pub use tokens::{cookie_name, device_cookie, device_cookie_name, new_token, random_hex, session_cookie, token_hash, DEVICE_LIFETIME_MS, SESSION_LIFETIME_MS};
