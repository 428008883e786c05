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

/// What the registration page shows (R22): the invited address and the platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationForm {
    pub email: String,
    pub platform_name: String,
}

/// Open to anonymous callers: opening the page does not use the link up (R22). Expired,
/// cancelled, used and unknown links are all `NotFound` (R23).
#[server(endpoint = "invitations/open")]
pub async fn open_invitation(token: String) -> Result<InvitationForm, AppError> {
    use crate::backend::{directory, invitations, state};
    let state = state()?;
    let email = invitations::pending_address(&state.db, &token).await?;
    Ok(InvitationForm { email, platform_name: directory::platform_name(&state.db).await? })
}

/// Open to anonymous callers, rate limited per address: creates the account and logs it in.
#[server(endpoint = "invitations/register")]
pub async fn register(token: String, first_name: String, last_name: String, password: String) -> Result<(), AppError> {
    use crate::backend::principal::{request_extension, RequestMeta};
    use crate::backend::{auth, invitations, rate_limit, state};
    let state = state()?;
    let meta = request_extension::<RequestMeta>().unwrap_or_default();
    let key = format!("register:ip:{}", meta.ip.as_deref().unwrap_or("unknown"));
    rate_limit::check(&state.db, &key, auth::IP_LIMIT).await?;
    rate_limit::hit(&state.db, &key, auth::IP_LIMIT).await?;
    let form = invitations::Registration {
        token: &token,
        first_name: &first_name,
        last_name: &last_name,
        password: &password,
        ip: meta.ip.as_deref(),
        user_agent: meta.user_agent.as_deref(),
        previous_session: meta.session_token.as_deref(),
    };
    let registered = invitations::accept(&state.db, &state.settings, &state.hasher, form).await?;
    crate::api::auth::set_cookie(&auth::session_cookie(&state.settings, Some(&registered.session_token)));
    Ok(())
}
