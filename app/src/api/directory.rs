//! Reading the platform: the shell every page sits in (who I am, the group tree), a group's page,
//! and Dashboard > USERS.

use leptos::prelude::*;

use crate::domain::group_tree::GroupId;
use crate::error::AppError;
use crate::wire::directory::{GroupView, MailboxEmail, ShellData};

/// The top bar and the sidebar of a signed-in page; `current` is the group whose page it is.
#[server(endpoint = "shell")]
pub async fn get_shell(current: Option<GroupId>) -> Result<ShellData, AppError> {
    let principal = crate::api::context::principal()?;
    let state = crate::api::context::state()?;
    let mut shell = crate::backend::directory::shell_data(&principal, current);
    shell.development_mail = state.settings.mail == crate::backend::MailSetup::DevelopmentMailbox;
    shell.may_see_mailbox = shell.development_mail && principal.is_owner;
    Ok(shell)
}

/// The development mailbox: the latest emails, when it is on (the owner only: it holds one-time
/// passwords and invitation links).
#[server(endpoint = "mailbox")]
pub async fn get_mailbox() -> Result<Vec<MailboxEmail>, AppError> {
    let principal = crate::api::context::principal()?;
    let state = crate::api::context::state()?;
    if !principal.is_owner || state.settings.mail != crate::backend::MailSetup::DevelopmentMailbox {
        return Err(AppError::NotAllowed);
    }
    crate::backend::directory::mailbox(&state.db, 100, principal.zone).await
}

/// A group's page; `None` is the platform group (the homepage).
#[server(endpoint = "group")]
pub async fn get_group(id: Option<GroupId>, #[server(default)] members_at: crate::wire::users::UsersAt) -> Result<GroupView, AppError> {
    let principal = crate::api::context::principal()?;
    let state = crate::api::context::state()?;
    let id = id.unwrap_or(principal.platform_group_id());
    crate::backend::directory::group_view(&state.db, &principal, id, members_at).await
}
