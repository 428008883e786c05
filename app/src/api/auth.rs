//! Logging in and out, and choosing a new password. These run as actions (never from a
//! streaming resource), so the cookies they set reach the browser.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::context;
use crate::error::AppError;
use crate::wire::auth::LoginOutcome;

/// Open to anonymous callers. Rate limited (R48): per account and address, per account, per
/// address, and apart for browsers that logged in to the account before.
#[server(endpoint = "login")]
pub async fn login(login: String, password: String) -> Result<LoginOutcome, AppError> {
    use crate::backend::auth;
    use crate::i18n::Msg;

    let mut missing = Vec::new();
    if login.trim().is_empty() {
        missing.push(crate::error::FieldError { field: "login".into(), msg: Msg::Required });
    }
    if password.is_empty() {
        missing.push(crate::error::FieldError { field: "password".into(), msg: Msg::Required });
    }
    // Before any database or argon2 work: nobody's login or password is longer.
    if login.chars().count() > crate::domain::names::MAX_LOGIN {
        missing.push(crate::error::FieldError { field: "login".into(), msg: Msg::TooLong { max: crate::domain::names::MAX_LOGIN } });
    }
    if password.chars().count() > crate::domain::password::MAX_LEN {
        missing.push(crate::error::FieldError { field: "password".into(), msg: Msg::TooLong { max: crate::domain::password::MAX_LEN } });
    }
    if !missing.is_empty() {
        return Err(AppError::Invalid(missing));
    }
    let state = context::state()?;
    let meta = context::meta();
    let attempt = auth::LoginAttempt {
        login: &login,
        password: &password,
        ip: meta.ip.as_deref(),
        user_agent: meta.user_agent.as_deref(),
        previous_token: meta.session_token.as_deref(),
        device_token: meta.device_token.as_deref(),
    };
    let logged_in = auth::log_in(&state.db, &state.hasher, attempt).await?;
    set_cookie(&auth::session_cookie(&state.settings, Some(&logged_in.token)));
    if let Some(device) = &logged_in.new_device_token {
        set_cookie(&auth::device_cookie(&state.settings, device));
    }
    Ok(LoginOutcome { must_change_password: logged_in.must_change_password })
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::backend::auth;

    context::principal_allowing_password_change()?;
    let state = context::state()?;
    let token = context::meta().session_token;
    if let Some(token) = token {
        auth::log_out(&state.db, &token).await?;
    }
    set_cookie(&auth::session_cookie(&state.settings, None));
    Ok(())
}

/// Choosing one's own password: forced after a one-time password (R27), where the session it
/// opened is the proof since that password is gone; or at will from Account, with the current
/// password (wrong answers limited as logins are). Other sessions end.
#[server(endpoint = "change_password")]
pub async fn change_password(#[server(default)] current_password: String, new_password: String) -> Result<(), AppError> {
    use crate::backend::auth;
    use crate::domain::password;

    let principal = context::principal_allowing_password_change()?;
    let state = context::state()?;
    if current_password.chars().count() > password::MAX_LEN {
        return Err(AppError::field("current_password", crate::i18n::Msg::WrongCurrentPassword));
    }
    if !principal.must_change_password {
        auth::check_current_password(&state.db, &state.hasher, principal.user_id, &current_password).await?;
    }
    password::check(&new_password, &[&principal.login, &principal.first_name, &principal.last_name])
        .map_err(|msg| AppError::field("new_password", msg))?;
    auth::change_password(&state.db, &state.hasher, principal.user_id, &principal.session, &new_password).await
}

/// Adds a `Set-Cookie` to the response of the current server function.
#[cfg(feature = "ssr")]
pub(crate) fn set_cookie(value: &str) {
    use http::header::{HeaderValue, SET_COOKIE};
    if let (Some(options), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(value)) {
        options.append_header(SET_COOKIE, value);
    }
}
