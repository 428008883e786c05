//! Inviting users (R20–R24): the INVITE of the add-user panel.

use leptos::prelude::*;

use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
#[cfg(feature = "ssr")]
use crate::api::context;
#[cfg(feature = "ssr")]
use crate::domain::capability::AddUsersSomewhere;
use crate::error::AppError;
use crate::wire::details::UserDetails;
use crate::wire::invitations::{InvitationForm, InvitationList, InvitationsSort, InviteOutcome};
#[cfg(feature = "ssr")]
use crate::wire::invitations::INVITATIONS_PER_PAGE;

/// Invites every address of `emails` into `group` with `roles` (learners climb, R10).
#[server(endpoint = "invitations/invite")]
pub async fn invite_users(group: GroupId, emails: String, #[server(default)] roles: Vec<Role>, #[server(default)] details: UserDetails) -> Result<Vec<InviteOutcome>, AppError> {
    use crate::backend::invitations::{self, Inviting};
    use crate::domain::capability::AddToGroup;
    let principal = context::principal()?;
    let permit = principal.require(AddToGroup::new(group, &roles))?;
    let state = context::state()?;
    invitations::invite(&state.db, &state.settings, Inviting::ToGroup(&permit), &context::who(&principal), &emails, &details).await
}

/// Open to anonymous callers: opening the page does not use the link up (R22). Expired,
/// cancelled, used and unknown links are all `NotFound` (R23).
#[server(endpoint = "invitations/open")]
pub async fn open_invitation(token: String) -> Result<InvitationForm, AppError> {
    use crate::backend::{directory, invitations};
    let state = context::state()?;
    let email = invitations::pending_address(&state.db, &token).await?;
    Ok(InvitationForm { email, platform_name: directory::platform_name(&state.db).await? })
}

/// Open to anonymous callers, rate limited per address: creates the account and logs it in.
#[server(endpoint = "invitations/register")]
pub async fn register(token: String, first_name: String, last_name: String, password: String) -> Result<(), AppError> {
    use crate::backend::{auth, invitations, rate_limit};
    let state = context::state()?;
    let meta = context::meta();
    let key = format!("register:ip:{}", meta.ip.as_deref().unwrap_or("unknown"));
    rate_limit::take(&state.db, &key, auth::IP_LIMIT).await?.or_refuse()?;
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

#[server(endpoint = "invitations/list")]
pub async fn list_invitations(search: String, #[server(default)] sort: InvitationsSort, after: Option<String>) -> Result<InvitationList, AppError> {
    use crate::backend::invitations;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    invitations::list(&state.db, &permit, &search, sort, after.as_deref(), INVITATIONS_PER_PAGE).await
}

#[server(endpoint = "invitations/cancel")]
pub async fn cancel_invitation(id: i64) -> Result<(), AppError> {
    use crate::backend::invitations;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    // The invitation's own grants are checked inside the change's transaction.
    invitations::cancel(&state.db, &permit, &context::who(&principal), id).await
}

#[server(endpoint = "invitations/resend")]
pub async fn resend_invitation(id: i64) -> Result<(), AppError> {
    use crate::backend::invitations;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    // The invitation's own grants are checked inside the change's transaction.
    invitations::resend(&state.db, &state.settings, &permit, &context::who(&principal), id).await
}

/// R4, R30: an instructor who is a coach or admin of the session's group (or above) invites
/// learners from the session: the learner role on the session's group only, and enrollment;
/// with the same optional details as any invitation (R20, R43, R44).
#[server(endpoint = "invitations/from_session")]
pub async fn invite_from_session(session: i64, emails: String, #[server(default)] details: UserDetails) -> Result<Vec<InviteOutcome>, AppError> {
    use crate::backend::invitations::{self, Inviting};
    use crate::backend::programs;
    use crate::domain::capability::InviteFromSession;
    let principal = context::principal()?;
    let state = context::state()?;
    let permit = programs::session_permit(&state.db, &principal, session, InviteFromSession).await?;
    invitations::invite(&state.db, &state.settings, Inviting::FromSession(&permit), &context::who(&principal), &emails, &details).await
}
