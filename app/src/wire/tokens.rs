//! Wire types: API tokens (R90, issue 15) — what crosses between `api::tokens` and Dashboard >
//! API TOKENS.

use serde::{Deserialize, Serialize};

use crate::domain::role::Role;

/// What a token may do: provision through SCIM, or call the REST API to read, or to read and write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    #[default]
    Scim,
    Read,
    Write,
}

impl TokenScope {
    pub const ALL: [TokenScope; 3] = [TokenScope::Scim, TokenScope::Read, TokenScope::Write];

    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Scim => "scim",
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(code: &str) -> Option<TokenScope> {
        TokenScope::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What SCIM makes of a new user: an active account at once, or an invitation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScimCreates {
    #[default]
    SetUp,
    Invite,
}

impl ScimCreates {
    pub fn code(self) -> &'static str {
        match self {
            ScimCreates::SetUp => "set_up",
            ScimCreates::Invite => "invite",
        }
    }

    pub fn parse(code: &str) -> Option<ScimCreates> {
        [ScimCreates::SetUp, ScimCreates::Invite].into_iter().find(|c| c.code() == code)
    }
}

/// The form that creates a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewApiToken {
    pub name: String,
    pub scope: TokenScope,
    /// The group it is limited to (it then acts as that group's admin would); none: the platform.
    pub group: Option<i64>,
    /// Days until it stops working; none (or left out): never. The form starts at a year.
    pub expires_in_days: Option<i64>,
    /// Calls a minute before it is told to wait (429).
    pub per_minute: i64,
    pub scim_creates: ScimCreates,
    /// The role the members of a SCIM group get in it.
    pub scim_role: Role,
}

impl Default for NewApiToken {
    fn default() -> Self {
        NewApiToken {
            name: String::new(),
            scope: TokenScope::Scim,
            group: None,
            expires_in_days: None,
            per_minute: PER_MINUTE_DEFAULT,
            scim_creates: ScimCreates::SetUp,
            scim_role: Role::Learner,
        }
    }
}

/// The longest token name.
pub const TOKEN_NAME_MAX: usize = 100;
/// The calls a minute a token may make unless told otherwise, and the most it may be given.
pub const PER_MINUTE_DEFAULT: i64 = 6_000;
pub const PER_MINUTE_MAX: i64 = 600_000;
/// The expiries offered, in days (and "never").
pub const EXPIRY_CHOICES: [i64; 4] = [30, 90, 180, 365];

/// A token just made: its secret is shown this once and never again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    pub secret: String,
}

/// Where a token stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
    /// Its creator no longer administers the platform: it does nothing until replaced.
    Stopped,
}

/// A row of the tokens list. Times are `YYYY-MM-DD HH:MM` in the viewer's time zone (R86).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    /// The group it is limited to, by its path; none: the whole platform.
    pub group: Option<String>,
    pub scim_creates: ScimCreates,
    pub scim_role: Role,
    pub per_minute: i64,
    pub created_by: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub status: TokenStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenList {
    pub rows: Vec<ApiTokenRow>,
    pub time_zone: String,
}
