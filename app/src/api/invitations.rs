//! Inviting users (R20–R24): the INVITE of the add-user panel.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::details::UserDetails;
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
pub async fn invite_users(group: GroupId, emails: String, #[server(default)] roles: Vec<Role>, #[server(default)] details: UserDetails) -> Result<Vec<InviteOutcome>, AppError> {
    use crate::backend::{audit::Who, invitations, principal, state};
    use crate::domain::policy::Action;
    let principal = principal::current()?;
    let grants: Vec<(GroupId, Role)> = roles.iter().map(|&role| (group, role)).collect();
    // With no role chosen yet, the least right here (adding learners) is asked.
    let least = [(group, Role::Learner)];
    principal.require(&Action::AddUsers(if grants.is_empty() { &least } else { &grants }))?;
    crate::domain::names::at_most(&roles, crate::domain::names::MAX_ROLES).map_err(|msg| AppError::field("roles", msg))?;
    let state = state()?;
    let request = invitations::InviteRequest { group, emails: &emails, roles: &roles, details: &details, session: None };
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

/// A row of the Invitations list (R38).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i64,
    pub email: String,
    /// (group name, role): the grants that stand.
    pub grants: Vec<(String, Role)>,
    /// The grants whose maker has since lost the right to make them: dropped at registration
    /// (R24, R72). With no grant standing, the link will not work.
    pub lapsed: Vec<(String, Role)>,
    pub invited_by: String,
    /// `YYYY-MM-DD HH:MM` UTC.
    pub invited_at: String,
    pub last_sent_at: Option<String>,
    pub expires_at: String,
    pub is_expired: bool,
    /// The delivery status of the latest email (R41): queued, sending, sent, failed.
    pub delivery: String,
    pub delivery_error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub rows: Vec<InvitationRow>,
    /// The cursor of the next page, if any.
    pub next: Option<String>,
}

pub const INVITATIONS_PER_PAGE: usize = 25;

#[server(endpoint = "invitations/list")]
pub async fn list_invitations(search: String, after: Option<String>) -> Result<InvitationPage, AppError> {
    use crate::backend::{invitations, principal, state};
    let principal = principal::current()?;
    if !principal.may_add_users_somewhere() {
        return Err(AppError::NotAllowed);
    }
    if search.chars().count() > SEARCH_MAX {
        return Err(AppError::field("search", crate::i18n::Msg::TooLong { max: SEARCH_MAX }));
    }
    let state = state()?;
    let after = after.as_deref().and_then(|c| c.split_once('.')).and_then(|(at, id)| Some((at.parse().ok()?, id.parse().ok()?)));
    invitations::list(&state.db, &principal, &search, after, INVITATIONS_PER_PAGE).await
}

/// The longest search worth running (a name or an address).
pub const SEARCH_MAX: usize = 200;

#[server(endpoint = "invitations/cancel")]
pub async fn cancel_invitation(id: i64) -> Result<(), AppError> {
    use crate::backend::{audit::Who, invitations, principal, state};
    let principal = principal::current()?;
    if !principal.may_add_users_somewhere() {
        return Err(AppError::NotAllowed);
    }
    let state = state()?;
    // The invitation's own grants are checked inside the change's transaction.
    invitations::cancel(&state.db, &principal, &Who::of(&principal), id).await
}

#[server(endpoint = "invitations/resend")]
pub async fn resend_invitation(id: i64) -> Result<(), AppError> {
    use crate::backend::{audit::Who, invitations, principal, state};
    let principal = principal::current()?;
    if !principal.may_add_users_somewhere() {
        return Err(AppError::NotAllowed);
    }
    let state = state()?;
    // The invitation's own grants are checked inside the change's transaction.
    invitations::resend(&state.db, &state.settings, &principal, &Who::of(&principal), id).await
}

/// R4, R30: an instructor who is a coach or admin of the session's group (or above) invites
/// learners from the session: the learner role on the session's group only, and enrollment;
/// with the same optional details as any invitation (R20, R43, R44).
#[server(endpoint = "invitations/from_session")]
pub async fn invite_from_session(session: i64, emails: String, #[server(default)] details: UserDetails) -> Result<Vec<InviteOutcome>, AppError> {
    use crate::backend::{audit::Who, invitations, principal, programs, state};
    use crate::domain::policy::Action;
    let principal = principal::current()?;
    let state = state()?;
    let session_ref = programs::session_ref(&state.db, session).await;
    // Unknown session and no right look the same from outside.
    let Ok(session_ref) = session_ref.and_then(|s| principal.require(&Action::InviteFromSession(s)).map(|_| s)) else {
        return Err(AppError::NotAllowed);
    };
    let request = invitations::InviteRequest { group: session_ref.group, emails: &emails, roles: &[Role::Learner], details: &details, session: Some(session) };
    invitations::invite(&state.db, &state.settings, &principal, &Who::of(&principal), request).await
}
