//! Inviting users (R20–R24): the INVITE of the add-user panel.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::error::AppError;

/// What became of one address of the Emails field (R21).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteResult {
    /// A new invitation, its email queued.
    Invited,
    /// A pending invitation existed: it gained the new groups and roles.
    AlreadyInvited,
    /// "The following user already has an active account"; `may_add_here` offers to add that
    /// user to the group instead.
    ActiveAccount { user_id: i64, may_add_here: bool },
    Invalid,
    /// The same address earlier in the list.
    Repeated,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteOutcome {
    /// The address as typed.
    pub address: String,
    pub result: InviteResult,
}

/// Invites every address of `emails` into `group` with `roles` (learners climb, R10).
#[server(endpoint = "invitations/invite")]
pub async fn invite_users(group: GroupId, emails: String, roles: Vec<Role>) -> Result<Vec<InviteOutcome>, AppError> {
    use crate::backend::{audit::Who, invitations, principal, state};
    use crate::domain::policy::Action;
    let principal = principal::current()?;
    let grants: Vec<(GroupId, Role)> = roles.iter().map(|&role| (group, role)).collect();
    if !grants.is_empty() {
        principal.require(&Action::AddUsers(&grants))?;
    }
    let state = state()?;
    let request = invitations::InviteRequest { group, emails: &emails, roles: &roles, language: None };
    invitations::invite(&state.db, &state.settings, &principal, &Who::of(&principal), request).await
}
