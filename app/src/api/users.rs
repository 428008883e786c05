//! Users: setting them up (R25–R28, R40) with the groups the group-selection modal offers;
//! Dashboard > USERS and a user's page (R39, R41), where a user without email gets a password
//! (R40) and failed emails are sent again (R41).

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::context;
#[cfg(feature = "ssr")]
use crate::domain::capability::AddUsersSomewhere;
use crate::error::AppError;
use crate::wire::details::UserDetails;
use crate::wire::users::{GroupChoices, NewUser, SetUpDone, UserFilter, UserList, UserProfile, UsersAt};

#[server(endpoint = "users/set_up")]
pub async fn set_up_user(form: NewUser) -> Result<SetUpDone, AppError> {
    use crate::backend::users;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    users::set_up(&state.db, &state.settings, &state.hasher, &permit, &context::who(&principal), &form).await
}

/// The groups where this person may add users, with the roles they may grant in each.
#[server(endpoint = "users/addable_groups")]
pub async fn addable_groups() -> Result<GroupChoices, AppError> {
    use crate::backend::users;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    Ok(users::addable_groups(&permit))
}

/// Dashboard > USERS: platform administrators see everyone; group administrators and user
/// admins the users of their groups and below (R2, R3).
#[server(endpoint = "users/list")]
pub async fn list_users(#[server(default)] filter: UserFilter, #[server(default)] at: UsersAt) -> Result<UserList, AppError> {
    use crate::backend::users;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    users::list(&state.db, &permit, &filter, at).await
}

#[server(endpoint = "users/get")]
pub async fn get_user(id: i64) -> Result<UserProfile, AppError> {
    use crate::backend::users;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    let mut detail = users::detail(&state.db, &permit, id).await?;
    detail.emails_held = state.settings.mail == crate::backend::MailSetup::Held;
    Ok(detail)
}

/// Changes a user's language, deletion date, labels and custom values (R42, R43, R54).
#[server(endpoint = "users/set_details")]
pub async fn set_user_details(user: i64, #[server(default)] details: UserDetails) -> Result<(), AppError> {
    use crate::backend::users;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    users::set_details(&state.db, &permit, &context::who(&principal), user, &details).await
}

/// R40: sets the password of a user without email.
#[server(endpoint = "users/set_password")]
pub async fn set_user_password(user: i64, password: String) -> Result<(), AppError> {
    use crate::backend::users;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    users::set_password(&state.db, &state.hasher, &permit, &context::who(&principal), user, &password).await
}

/// R58: emails a user new one-time credentials.
#[server(endpoint = "users/send_credentials")]
pub async fn send_new_credentials(user: i64) -> Result<(), AppError> {
    use crate::backend::users;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    users::send_new_credentials(&state.db, &state.settings, &permit, &context::who(&principal), user).await
}

/// R93: deactivates (`active` false) or reactivates a user's account.
#[server(endpoint = "users/set_active")]
pub async fn set_user_active(user: i64, active: bool) -> Result<(), AppError> {
    use crate::backend::users;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    users::set_active(&state.db, &permit, &context::who(&principal), user, active).await
}

/// R41: queues a failed email again.
#[server(endpoint = "users/resend_email")]
pub async fn resend_email(id: i64) -> Result<(), AppError> {
    use crate::backend::users;
    let principal = context::principal()?;
    let permit = principal.require(AddUsersSomewhere)?;
    let state = context::state()?;
    users::resend_email(&state.db, &permit, &context::who(&principal), id).await
}
