//! Managing groups and their members (R10–R13, R52): every function asks the policy first.

use leptos::prelude::*;

use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::api::context;
    pub use crate::backend::{groups, users};
    pub use crate::domain::capability::{AddToGroup, ManageGroup, RemoveRole};
}

#[server(endpoint = "groups/create")]
pub async fn create_subgroup(parent: GroupId, name: String, public: Option<String>) -> Result<GroupId, AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let permit = principal.require(ManageGroup(parent))?;
    let state = context::state()?;
    groups::create_subgroup(&state.db, &permit, &context::who(&principal), &name, public.is_some()).await
}

#[server(endpoint = "groups/rename")]
pub async fn rename_group(group: GroupId, name: String) -> Result<(), AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let permit = principal.require(ManageGroup(group))?;
    let state = context::state()?;
    groups::rename(&state.db, &permit, &context::who(&principal), &name).await
}

#[server(endpoint = "groups/visibility")]
pub async fn set_group_visibility(group: GroupId, public: bool) -> Result<(), AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let permit = principal.require(ManageGroup(group))?;
    let state = context::state()?;
    groups::set_visibility(&state.db, &permit, &context::who(&principal), public).await
}

/// Moving needs the right to manage the group and its new parent (so the mover keeps their rights).
#[server(endpoint = "groups/move")]
pub async fn move_group(group: GroupId, new_parent: GroupId) -> Result<(), AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let group = principal.require(ManageGroup(group))?;
    let new_parent = principal.require(ManageGroup(new_parent))?;
    let state = context::state()?;
    groups::move_group(&state.db, &group, &new_parent, &context::who(&principal)).await
}

/// Adds an existing user (found by email or username) to a group with roles (R1–R3, R10).
#[server(endpoint = "groups/add_member")]
pub async fn add_member(group: GroupId, login: String, #[server(default)] roles: Vec<Role>) -> Result<(), AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let permit = principal.require(AddToGroup::new(group, &roles))?;
    let state = context::state()?;
    let user = users::find_seen(&state.db, principal.user_scope().as_deref(), &login).await?;
    groups::add_member(&state.db, &state.settings, &permit, &context::who(&principal), user).await
}

/// Removes one role of a member: allowed to whoever may grant that role there; an admin role
/// only from strictly above (R52).
#[server(endpoint = "groups/remove_membership")]
pub async fn remove_membership(group: GroupId, user: i64, role: Role) -> Result<(), AppError> {
    use ssr::*;
    let principal = context::principal()?;
    let permit = principal.require(RemoveRole(group, role))?;
    let state = context::state()?;
    groups::remove_membership(&state.db, &permit, &context::who(&principal), user).await
}
