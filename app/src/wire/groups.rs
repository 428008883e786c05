//! Wire types: Group members and their roles (R10–R13, R52). What crosses between `api::groups` and
//! the screens.

use serde::{Deserialize, Serialize};

use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;

/// A member of a group, with the roles they hold there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub login: String,
    pub roles: Vec<RoleHeld>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleHeld {
    pub role: Role,
    /// For a learner propagated from a group below (R11): that group's id and name.
    pub propagated_from: Option<(GroupId, String)>,
}

/// How many members a group page lists at a time (R84).
pub const MEMBERS_PER_PAGE: u32 = 50;
