//! Wire types: Programs and sessions (R30, R31, R53). What crosses between `api::programs` and the
//! screens.

use serde::{Deserialize, Serialize};

use crate::domain::group_tree::GroupId;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgramList {
    pub programs: Vec<ProgramRow>,
    /// Whether this person may create programs and sessions (R53).
    pub may_create: bool,
    /// The groups a new session may live in.
    pub session_groups: Vec<(GroupId, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgramRow {
    pub id: i64,
    pub name: String,
    pub sessions: Vec<SessionRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: i64,
    pub name: String,
    pub group_name: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonRow {
    pub user_id: i64,
    pub name: String,
    pub login: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    pub name: String,
    pub program_id: i64,
    pub program_name: String,
    pub group: (GroupId, String),
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub instructors: Vec<PersonRow>,
    pub assigned_groups: Vec<(GroupId, String)>,
    /// The enrolled learners, for those who run the session.
    pub learners: Option<Vec<PersonRow>>,
    pub learner_count: u64,
    pub may_manage: bool,
    /// R4, R30: may invite learners from this session (Learners +).
    pub may_invite: bool,
    pub assignable_groups: Vec<(GroupId, String)>,
}
