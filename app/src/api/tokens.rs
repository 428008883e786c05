//! API tokens (R90), for platform administrators (Dashboard > API TOKENS): create one (its secret
//! shown once), list them, revoke one.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::api::context;
#[cfg(feature = "ssr")]
use crate::domain::capability::AdministerPlatform;
use crate::error::AppError;
use crate::wire::tokens::{ApiTokenList, CreatedToken, NewApiToken};

#[server(endpoint = "tokens/list")]
pub async fn list_api_tokens() -> Result<ApiTokenList, AppError> {
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    let state = context::state()?;
    crate::backend::api_tokens::list(&state.db, &state.trees, &permit).await
}

/// The groups a token may be limited to: (id, path).
#[server(endpoint = "tokens/groups")]
pub async fn api_token_groups() -> Result<Vec<(i64, String)>, AppError> {
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    Ok(crate::backend::api_tokens::groups(&permit))
}

#[server(endpoint = "tokens/create")]
pub async fn create_api_token(#[server(default)] form: NewApiToken) -> Result<CreatedToken, AppError> {
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    crate::backend::api_tokens::create(&context::state()?.db, &permit, &context::who(&principal), &form).await
}

#[server(endpoint = "tokens/revoke")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    let principal = context::principal()?;
    let permit = principal.require(AdministerPlatform)?;
    crate::backend::api_tokens::revoke(&context::state()?.db, &permit, &context::who(&principal), id).await
}
