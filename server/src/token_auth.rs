//! The door of the machine APIs (R90, issue 15): SCIM at `/scim/v2` and the REST API at
//! `/api/v1` take no session and no cookie, only `Authorization: Bearer <token>`. This layer
//! finds the token, checks it may use this door, counts the call against the token's limit, and
//! puts the `TokenCaller` and its audit `Who` in the request for the handlers; it logs every call with the token's
//! name. Each door answers refusals in its own format (`Refusal`).

use std::sync::Arc;
use std::time::Instant;

use app::api::context::AppState;
use app::backend::api_tokens::{self, Presented, TokenCaller};
use app::backend::rate_limit::{self, Limit};
use app::error::AppError;
use app::wire::tokens::TokenScope;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{header, Method};

/// Why a call was refused before reaching its handler, as each door words it.
#[derive(Debug)]
pub struct Refusal {
    pub error: AppError,
    pub detail: &'static str,
}

/// Which door: what a token's scope must be for this call, and how refusals are answered.
pub trait Door: Clone + Send + Sync + 'static {
    fn admits(&self, scope: TokenScope, method: &Method) -> bool;
    fn refuse(&self, refusal: Refusal) -> Response;
}

pub async fn guard<D: Door>(State((state, door)): State<(AppState, D)>, mut request: Request, next: Next) -> Response {
    let secret = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let caller = match admit(&state, &door, secret.as_deref(), request.method()).await {
        Ok(caller) => caller,
        Err(refusal) => {
            tracing::info!(path = %request.uri().path(), status = refusal.error.status(), detail = refusal.detail, "api call refused");
            return door.refuse(refusal);
        }
    };
    let (method, path, started) = (request.method().clone(), request.uri().path().to_string(), Instant::now());
    let name = caller.name.clone();
    // Who changes what, for the audit log: the token, its creator, the client's address.
    let who = caller.who(crate::middleware::client_ip(&request, state.settings.trusted_proxies));
    request.extensions_mut().insert(who);
    request.extensions_mut().insert(Arc::new(caller));
    let response = next.run(request).await;
    tracing::info!(token = %name, %method, %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "api call");
    response
}

/// The caller of `authorization` (the header's value), if it may make a `method` call here.
async fn admit<D: Door>(state: &AppState, door: &D, authorization: Option<&str>, method: &Method) -> Result<TokenCaller, Refusal> {
    let secret = authorization
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or(Refusal { error: AppError::NotSignedIn, detail: "Send an API token: Authorization: Bearer <token> (Dashboard > API TOKENS)." })?;
    let caller = match api_tokens::authenticate(&state.db, &state.trees, secret).await.map_err(|error| Refusal { error, detail: "Roster cannot check tokens right now." })? {
        Presented::Works(caller) => *caller,
        Presented::Unknown => return Err(Refusal { error: AppError::NotSignedIn, detail: "This token is not known, or was revoked, or has expired." }),
        Presented::Stopped => {
            return Err(Refusal {
                error: AppError::NotSignedIn,
                detail: "This token stopped working: the platform administrator who created it no longer is one. Create another.",
            })
        }
    };
    if !door.admits(caller.scope, method) {
        return Err(Refusal { error: AppError::NotAllowed, detail: "This token may not make this call (see what it may do on Dashboard > API TOKENS)." });
    }
    let limit = Limit { max_hits: caller.per_minute, window_secs: 60 };
    rate_limit::take(&state.db, &format!("token:{}", caller.id), limit)
        .await
        .map_err(|error| Refusal { error, detail: "Roster cannot count this call right now." })?
        .or_refuse()
        .map_err(|error| Refusal { error, detail: "This token made more calls this minute than it may: wait for Retry-After seconds." })?;
    Ok(caller)
}
