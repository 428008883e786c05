//! SCIM 2.0 (RFC 7643, 7644) at `/scim/v2` (R90, issue 15): how identity providers provision
//! Roster's users and groups with a token whose scope is SCIM. Answers are
//! `application/scim+json`; refusals are SCIM's error messages, with `scimType` where one applies.

mod discovery;
mod filter;
mod patch;
mod users;

use app::api::context::AppState;
use app::wire::tokens::TokenScope;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, Method, StatusCode};

use crate::token_auth::{self, Door, Refusal};

pub const MEDIA_TYPE: &str = "application/scim+json";
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/ServiceProviderConfig", get(discovery::service_provider_config))
        .route("/ResourceTypes", get(discovery::resource_types))
        .route("/Schemas", get(discovery::schemas))
        .route("/Schemas/{id}", get(discovery::schema))
        .route("/ResourceTypes/{id}", get(discovery::resource_type))
        .merge(users::routes())
        .method_not_allowed_fallback(|| async { error(StatusCode::METHOD_NOT_ALLOWED, None, "This endpoint does not take this method.") })
        .fallback(|| async { error(StatusCode::NOT_FOUND, None, "No such SCIM endpoint.") })
        .layer(from_fn_with_state((state.clone(), Scim), token_auth::guard::<Scim>))
}

/// SCIM's door: tokens made for SCIM, any method.
#[derive(Clone, Copy)]
struct Scim;

impl Door for Scim {
    fn admits(&self, scope: TokenScope, _method: &Method) -> bool {
        scope == TokenScope::Scim
    }

    fn refuse(&self, refusal: Refusal) -> Response {
        let status = StatusCode::from_u16(refusal.error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = error(status, None, refusal.detail);
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Bearer realm=\"Roster SCIM\""));
        }
        if let Some(secs) = refusal.error.retry_after_secs() {
            response.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        response
    }
}

/// A SCIM answer: `body` as `application/scim+json`.
pub fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, MEDIA_TYPE)], body.to_string()).into_response()
}

/// A refused SCIM call: its status, SCIM's `scimType` where one applies, and what to do.
#[derive(Debug)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<&'static str>,
    pub detail: String,
    /// Seconds to wait, for a 429.
    pub retry_after: Option<u64>,
}

impl ScimError {
    pub fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> ScimError {
        ScimError { status, scim_type, detail: detail.into(), retry_after: None }
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut response = error(self.status, self.scim_type, &self.detail);
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        response
    }
}

/// A SCIM error message (RFC 7644 §3.12).
pub fn error(status: StatusCode, scim_type: Option<&str>, detail: &str) -> Response {
    let mut body = serde_json::json!({ "schemas": [ERROR_SCHEMA], "status": status.as_u16().to_string(), "detail": detail });
    if let Some(scim_type) = scim_type {
        body["scimType"] = scim_type.into();
    }
    json(status, body)
}
