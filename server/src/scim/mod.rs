//! SCIM 2.0 (RFC 7643, 7644) at `/scim/v2` (R90, issue 15): how identity providers provision
//! Roster's users and groups with a token whose scope is SCIM. Answers are
//! `application/scim+json`; refusals are SCIM's error messages, with `scimType` where one applies.

mod discovery;
mod filter;
mod groups;
mod patch;
mod users;

use app::api::context::AppState;
use app::backend::provision::Condition;
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::wire::tokens::TokenScope;
use axum::body::Bytes;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::Value;

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
        .merge(groups::routes())
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

pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// What a page holds unless `count` says fewer; the most it may ask (announced in
/// ServiceProviderConfig's `filter.maxResults`).
pub const PAGE_DEFAULT: i64 = 100;
pub const PAGE_MAX: i64 = 1000;


#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paging {
    filter: Option<String>,
    start_index: Option<String>,
    count: Option<String>,
}

impl Paging {
    /// The `filter`, read with a resource's vocabulary (`invalidFilter` when it cannot be).
    pub fn condition<V: filter::Vocabulary>(&self) -> Result<Option<Condition<V::Attribute>>, ScimError> {
        match self.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(text) => Ok(Some(filter::parse::<V>(text).map_err(|detail| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidFilter"), detail))?)),
            None => Ok(None),
        }
    }

    /// (startIndex, count) as RFC 7644 §3.4.2.4 reads them: below 1 means 1; a negative count 0.
    pub fn window(&self, default: i64, max: i64) -> Result<(i64, i64), ScimError> {
        let number = |name: &str, given: Option<&str>, default: i64| -> Result<i64, ScimError> {
            match given {
                None => Ok(default),
                Some(text) => text.trim().parse::<i64>().map_err(|_| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), format!("{name} is a whole number."))),
            }
        };
        Ok((number("startIndex", self.start_index.as_deref(), 1)?.max(1), number("count", self.count.as_deref(), default)?.clamp(0, max)))
    }
}


/// The resource's version (RFC 7644 §3.14): a weak tag of what it shows, so that any change,
/// from SCIM or from the panels, gives another.
pub fn version(shown: &Value) -> String {
    format!("W/\"{}\"", &app::backend::auth::token_hash(&shown.to_string())[..16])
}

pub fn version_header(shown: &Value) -> HeaderValue {
    HeaderValue::from_str(shown["meta"]["version"].as_str().unwrap_or_default()).unwrap_or(HeaderValue::from_static("*"))
}

pub fn answer(status: StatusCode, shown: Value) -> Response {
    let tag = version_header(&shown);
    let mut response = json(status, shown);
    response.headers_mut().insert(header::ETAG, tag);
    response
}

/// `If-Match` (RFC 7644 §3.14): a change to another version than the one shown is refused.
pub fn if_match(headers: &HeaderMap, shown: &Value) -> Result<(), ScimError> {
    let Some(wanted) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else { return Ok(()) };
    let current = shown["meta"]["version"].as_str().unwrap_or_default();
    if wanted.split(',').map(str::trim).any(|tag| tag == "*" || tag == current) {
        Ok(())
    } else {
        Err(ScimError::new(StatusCode::PRECONDITION_FAILED, None, "The user changed since this version: read it again."))
    }
}

pub fn if_none_match(headers: &HeaderMap, shown: &Value) -> bool {
    let current = shown["meta"]["version"].as_str().unwrap_or_default();
    headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|tags| tags.split(',').map(str::trim).any(|tag| tag == current))
}


/// A request's JSON body; no NUL anywhere in it (the panels' input guard refuses it too).
pub fn parse_body(body: &Bytes) -> Result<Value, ScimError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), format!("The body is not valid JSON: {e}.")))?;
    fn has_nul(value: &Value) -> bool {
        match value {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().any(has_nul),
            Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
            _ => false,
        }
    }
    if !value.is_object() || has_nul(&value) {
        return Err(ScimError::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), "The body is a JSON object without NUL characters."));
    }
    Ok(value)
}


/// A service's refusal as SCIM says it: the form's messages in English, each at its attribute.
pub fn refusal(refused: AppError) -> ScimError {
    match refused {
        AppError::NotFound => ScimError::new(StatusCode::NOT_FOUND, None, "No such resource."),
        AppError::NotAllowed => ScimError::new(StatusCode::FORBIDDEN, None, "This token's group does not allow this change to this user (R54: who manages whom)."),
        AppError::Invalid(errors) => {
            let taken = errors.iter().any(|e| matches!(e.msg, Msg::ActiveAccountExists | Msg::UsernameTaken | Msg::PendingInvitation { .. }));
            let detail = errors.iter().map(|e| format!("{}: {}", attribute_of(&e.field), e.msg.render(Lang::En))).collect::<Vec<_>>().join(" ");
            if taken {
                ScimError::new(StatusCode::CONFLICT, Some("uniqueness"), detail)
            } else {
                ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), detail)
            }
        }
        AppError::TooManyAttempts { retry_after_secs } => {
            ScimError { retry_after: Some(retry_after_secs), ..ScimError::new(StatusCode::TOO_MANY_REQUESTS, None, "Too many emails for now: try again after Retry-After seconds.") }
        }
        AppError::Unavailable => ScimError::new(StatusCode::SERVICE_UNAVAILABLE, None, "Roster's database is unavailable for a moment: try again."),
        other => {
            tracing::error!(error = %other, "SCIM call failed");
            ScimError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "Roster could not do this; the server's log says why.")
        }
    }
}

/// The SCIM attribute a form field stands for.
fn attribute_of(field: &str) -> &str {
    match field {
        "first_name" => "name.givenName",
        "last_name" => "name.familyName",
        "email" | "username" | "login" => "userName",
        "password" | "send_credentials" => "password",
        "external_id" => "externalId",
        "language" => "preferredLanguage",
        "groups" | "roles" => "the token's group",
        other => other,
    }
}
