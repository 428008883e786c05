//! An account's status as Dashboard > USERS shows it (R39), as stored.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    /// Set up with emailed credentials, not logged in yet (R27).
    FirstLoginPending,
    /// Deactivated (R93): cannot log in, not counted as active by billing.
    Deactivated,
}

impl UserStatus {
    pub const ALL: [UserStatus; 3] = [UserStatus::Active, UserStatus::FirstLoginPending, UserStatus::Deactivated];

    /// The status of an account as stored: deactivated first, whatever its password.
    pub fn of(must_change_password: bool, deactivated: bool) -> UserStatus {
        match (deactivated, must_change_password) {
            (true, _) => UserStatus::Deactivated,
            (false, true) => UserStatus::FirstLoginPending,
            (false, false) => UserStatus::Active,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::FirstLoginPending => "first_login_pending",
            UserStatus::Deactivated => "deactivated",
        }
    }

    pub fn parse(code: &str) -> Option<UserStatus> {
        UserStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}
