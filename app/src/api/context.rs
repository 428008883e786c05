//! The request, as the server functions see it: the one place on the server that reads Leptos's
//! context. Every server function starts here — who asks (`principal`), from where (`who`,
//! `meta`), with which state — and hands the services plain arguments.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::backend::audit::Who;
use crate::backend::auth::PasswordHasher;
use crate::backend::{Db, Principal, Settings};
use crate::backend::tree::TreeCache;
use crate::error::AppError;
use crate::i18n::Lang;

/// What the server functions and the middleware share. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<Settings>,
    pub hasher: PasswordHasher,
    pub trees: TreeCache,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// What the middleware knows about the request beyond the principal.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The raw session token of the cookie, if any (valid or not).
    pub session_token: Option<String>,
    /// The raw token of the device cookie, if any (R48).
    pub device_token: Option<String>,
    pub lang: Lang,
}

/// The state, inside a server function or a page rendered on the server.
pub fn state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| AppError::internal("AppState missing from context"))
}

/// The principal of the current request, as the middleware left it in the request's extensions.
/// Every server function calls this (or `principal_allowing_password_change`) first.
pub fn principal() -> Result<Principal, AppError> {
    let principal = principal_allowing_password_change()?;
    if principal.must_change_password {
        return Err(AppError::MustChangePassword);
    }
    Ok(principal)
}

/// The same, but let through someone who must still change a given password (R27): only for
/// changing it, and for logging out.
pub fn principal_allowing_password_change() -> Result<Principal, AppError> {
    request_extension::<Principal>().ok_or(AppError::NotSignedIn)
}

/// The person behind the current request, and the address they call from, for the audit log.
pub fn who(principal: &Principal) -> Who {
    Who { actor: Some(principal.user_id), token: None, ip: meta().ip }
}

/// What the middleware knows about the request.
pub fn meta() -> RequestMeta {
    request_extension::<RequestMeta>().unwrap_or_default()
}

/// A value the server's middleware put in the request's extensions.
pub fn request_extension<T: Clone + Send + Sync + 'static>() -> Option<T> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<T>().cloned())
}
