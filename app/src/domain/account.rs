//! An account's status as Dashboard > USERS shows it (R39), as stored.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    /// Set up with emailed credentials, not logged in yet (R27).
    FirstLoginPending,
}

impl UserStatus {
    pub fn code(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::FirstLoginPending => "first_login_pending",
        }
    }

    pub fn parse(code: &str) -> Option<UserStatus> {
        [UserStatus::Active, UserStatus::FirstLoginPending].into_iter().find(|s| s.code() == code)
    }
}
