//! Setting up users (R25–R28, R40): the SET UP USER of the add-user panel, and the groups its
//! group-selection modal offers.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Lang;

/// The Set up a user form, as typed. Empty lists and absent options leave no key in the
/// URL-encoded request, hence `default`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetUpForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// A user without email (R40): `username` instead of `email`.
    pub without_email: bool,
    pub username: String,
    /// The administrator's password for the user; ignored with `send_credentials`.
    pub password: String,
    /// "Send this new user credentials by email (login and password)" (R27).
    pub send_credentials: bool,
    pub groups: Vec<GroupId>,
    /// Applied in every group of `groups`.
    pub roles: Vec<Role>,
    /// The platform's when `None`.
    pub language: Option<Lang>,
    /// `YYYY-MM-DD` (R42).
    pub deletion_date: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUpDone {
    pub user_id: i64,
    pub name: String,
    /// The email or username the user logs in with.
    pub login: String,
    pub credentials_sent: bool,
}

/// The groups of the group-selection modal. A platform may have 10,000 groups but only a few
/// distinct sets of grantable roles, so each group names its set by index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoices {
    pub role_sets: Vec<Vec<Role>>,
    /// Parents before their children.
    pub groups: Vec<AddableGroup>,
}

/// A group where this person may add users; `role_set` indexes `GroupChoices::role_sets`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddableGroup {
    pub id: GroupId,
    pub parent: Option<GroupId>,
    pub name: String,
    pub role_set: usize,
}

#[server(endpoint = "users/set_up")]
pub async fn set_up_user(form: SetUpForm) -> Result<SetUpDone, AppError> {
    use crate::backend::{audit::Who, principal, state, users};
    let principal = principal::current()?;
    if !principal.may_add_users_somewhere() {
        return Err(AppError::NotAllowed);
    }
    let state = state()?;
    users::set_up(&state.db, &state.settings, &state.hasher, &principal, &Who::of(&principal), &form).await
}

/// The groups where this person may add users, with the roles they may grant in each.
#[server(endpoint = "users/addable_groups")]
pub async fn addable_groups() -> Result<GroupChoices, AppError> {
    use crate::backend::{principal, users};
    let principal = principal::current()?;
    if !principal.may_add_users_somewhere() {
        return Err(AppError::NotAllowed);
    }
    Ok(users::addable_groups(&principal))
}
