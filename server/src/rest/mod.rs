//! The REST API at `/api/v1` (issue 15, R100–R103): what HR scripts need — users, invitations,
//! groups and their members, imports — on the same services, rules and permits as the panels, with a
//! token whose scope is REST read (GET only) or REST write (anything). Answers are JSON;
//! refusals are RFC 9457 problem details (`application/problem+json`), with one message per
//! field at fault. The OpenAPI 3.1 document is generated from these handlers and types
//! (`openapi`), served at `/api/v1/openapi.json` with a readable page at `/api/v1/docs`.
//! Here: the door, the caller, the refusals and the extractors every handler shares.

mod docs;
mod groups;
mod imports;
mod invitations;
mod users;

use std::sync::Arc;

use app::api::context::AppState;
use app::backend::api_tokens::TokenCaller;
use app::backend::audit::Who;
use app::error::AppError;
use app::i18n::Lang;
use app::domain::role::Role;
use app::wire::sort::{Sort, SortColumn};
use app::wire::tokens::TokenScope;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::Router;
use http::request::Parts;
use http::{header, HeaderValue, Method, StatusCode};
use serde::Serialize;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::token_auth::{self, Door, Refusal};

pub const BASE: &str = "/api/v1";
const PROBLEM_TYPE: &str = "application/problem+json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Roster REST API",
        version = "1",
        description = "Users, invitations, groups, memberships and imports of a Roster platform, for scripts. \
Authenticate with an API token made on Dashboard > API TOKENS: `Authorization: Bearer <token>`. \
A token of scope `read` may only GET; `write` may do everything. A token limited to a group acts as \
an admin of that group would, never above it. Every change is audited under the token's name. \
Refusals are problem details (RFC 9457) with one message per field at fault; a 429 says how long \
to wait in Retry-After. Dates are UTC.",
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerToken),
    security(("token" = [])),
    tags(
        (name = "users", description = "Accounts: list, read, set up, details, deactivation (R25–R28, R39–R43, R93)."),
        (name = "invitations", description = "Invite addresses into a group; list, cancel and resend pending invitations (R20–R24, R38)."),
        (name = "groups", description = "The group hierarchy and its members (R1–R13, R52)."),
        (name = "imports", description = "Users from a CSV file, imported in the background (R35–R37, R80, R81, R103)."),
    )
)]
struct ApiDoc;

struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("token", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("An API token (Dashboard > API TOKENS).")).build()));
    }
}

/// The API's routes, behind the token door, and its OpenAPI document; the document and its page
/// are open to anyone (they say nothing of the platform's data).
pub fn router(state: &AppState) -> Router<AppState> {
    let (api, document) = openapi_router().split_for_parts();
    let api = api
        .method_not_allowed_fallback(|| async { Problem::new(StatusCode::METHOD_NOT_ALLOWED, "This endpoint does not take this method.") })
        .layer(from_fn_with_state((state.clone(), Rest), token_auth::guard::<Rest>));
    let json = Arc::new(document.to_pretty_json().expect("the OpenAPI document serialises"));
    let page = Arc::new(docs::page(&document));
    Router::new()
        .route("/openapi.json", axum::routing::get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json.to_string()) }))
        .route("/docs", axum::routing::get(move || async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CONTENT_SECURITY_POLICY, DOCS_POLICY)], page.to_string()) }))
        .merge(api)
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "No such endpoint: the API's endpoints are listed at /api/v1/docs.") })
}

/// The documentation page runs nothing and loads nothing but its own inline style.
const DOCS_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn openapi_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(users::routes()).merge(invitations::routes()).merge(groups::routes()).merge(imports::routes())
}

/// The OpenAPI document, as `/api/v1/openapi.json` serves it (`server openapi` prints it).
pub fn openapi_json() -> String {
    openapi_router().into_openapi().to_pretty_json().expect("the OpenAPI document serialises")
}

/// The REST door: a read token may GET (and HEAD); a write token anything.
#[derive(Clone, Copy)]
struct Rest;

impl Door for Rest {
    fn admits(&self, scope: TokenScope, method: &Method) -> bool {
        match scope {
            TokenScope::Write => true,
            TokenScope::Read => method == Method::GET || method == Method::HEAD,
            TokenScope::Scim => false,
        }
    }

    fn refuse(&self, refusal: Refusal) -> Response {
        let status = StatusCode::from_u16(refusal.error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut problem = Problem::new(status, refusal.detail);
        problem.retry_after = refusal.error.retry_after_secs();
        let mut response = problem.into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"Roster API\""));
        }
        response
    }
}

/// Who calls: the token (acting as an admin of its group, dates in UTC) and its audit "who".
pub struct Caller {
    pub token: TokenCaller,
    pub who: Who,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Caller, Problem> {
        let token = parts.extensions.get::<Arc<TokenCaller>>().ok_or_else(|| Problem::new(StatusCode::UNAUTHORIZED, "Send an API token."))?;
        let who = parts.extensions.get::<Who>().cloned().ok_or_else(|| Problem::new(StatusCode::UNAUTHORIZED, "Send an API token."))?;
        let mut token = TokenCaller::clone(token);
        token.principal.zone = chrono_tz::UTC;
        Ok(Caller { token, who })
    }
}

/// A refusal (RFC 9457, R101): what went wrong, and for bad input one message per field at fault.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    kind: &'static str,
    /// The status's name.
    #[schema(example = "Bad Request")]
    title: String,
    #[schema(example = 400)]
    status: u16,
    /// What to do about it.
    detail: String,
    /// The fields at fault, each with its message (bad input only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem>,
    #[serde(skip)]
    retry_after: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field of the request at fault (`email`, `roles`, `details.deletion_date`…).
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        Problem { kind: "about:blank", title: status.canonical_reason().unwrap_or("Error").to_string(), status: status.as_u16(), detail: detail.into(), errors: Vec::new(), retry_after: None }
    }

    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, detail)
    }

    /// Bad input in one field.
    pub fn field(field: String, message: &str) -> Problem {
        Problem { errors: vec![FieldProblem { field: field.clone(), message: message.to_string() }], ..Problem::bad_request(format!("{field}: {message}")) }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, [(header::CONTENT_TYPE, PROBLEM_TYPE)], serde_json::to_string(&self).unwrap_or_default()).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        response
    }
}

/// A service's refusal, as the API says it: the panels' messages in English, each at its field.
impl From<AppError> for Problem {
    fn from(refused: AppError) -> Problem {
        match refused {
            AppError::NotFound => Problem::new(StatusCode::NOT_FOUND, "No such resource, or not one this token may see."),
            AppError::NotAllowed => Problem::new(StatusCode::FORBIDDEN, "This token's group does not allow this (R54: who manages whom)."),
            AppError::NotSignedIn => Problem::new(StatusCode::UNAUTHORIZED, "Send an API token."),
            AppError::BadRequest => Problem::bad_request("This request cannot be read."),
            AppError::Invalid(errors) => {
                let taken = errors.iter().any(|e| matches!(e.msg, app::i18n::Msg::ActiveAccountExists | app::i18n::Msg::UsernameTaken));
                let errors: Vec<FieldProblem> = errors.iter().map(|e| FieldProblem { field: field_of(&e.field), message: e.msg.render(Lang::En) }).collect();
                let detail = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join(" ");
                let status = if taken { StatusCode::CONFLICT } else { StatusCode::BAD_REQUEST };
                Problem { errors, ..Problem::new(status, detail) }
            }
            AppError::TooManyAttempts { retry_after_secs } => {
                Problem { retry_after: Some(retry_after_secs), ..Problem::new(StatusCode::TOO_MANY_REQUESTS, "Too many emails or calls for now: try again after Retry-After seconds.") }
            }
            AppError::Unavailable => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "Roster's database is unavailable for a moment: try again."),
            other => {
                tracing::error!(error = %other, "REST call failed");
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "Roster could not do this; the server's log says why.")
            }
        }
    }
}

/// The API's name of a form field the services name.
fn field_of(field: &str) -> String {
    match field {
        "language" | "deletion_date" | "labels" => format!("details.{field}"),
        "values" => "details.custom_fields".to_string(),
        field if field.starts_with("value-") => format!("details.custom_fields.{}", &field["value-".len()..]),
        other => other.to_string(),
    }
}

/// Every refusal an endpoint may answer, as the document lists them.
#[derive(IntoResponses)]
#[allow(dead_code)] // Only its description is used: the refusals themselves are `Problem`s.
pub enum Refusals {
    /// Bad input: `errors` holds one message per field at fault.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No token, or one that is unknown, revoked, expired or stopped.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The token's scope or group does not allow this.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such resource, or not one this token may see.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// The body is larger than 1 MB (an imported file: 50 MB).
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Too many calls this minute for this token, or too many emails: wait Retry-After seconds.
    #[response(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Problem),
    /// The database is unavailable for a moment: try again.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// A JSON body; refused as a problem when it is not a JSON object of the expected shape, or holds
/// a NUL.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Body<T>, Problem> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(request, state).await.map_err(json_refused)?;
        // Every body is an object (serde would also read a struct from a list of its fields).
        if !value.is_object() {
            return Err(Problem::bad_request("The body is a JSON object."));
        }
        if has_nul(&value) {
            return Err(Problem::bad_request("No text may hold a NUL character."));
        }
        serde_json::from_value(value).map(Body).map_err(|e| Problem::bad_request(format!("The body does not have the expected shape: {e}.")))
    }
}

fn json_refused(rejection: JsonRejection) -> Problem {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."),
        JsonRejection::BytesRejection(_) => Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "The body is larger than 1 MB."),
        other => Problem::bad_request(format!("The body is not valid JSON: {}.", other.body_text())),
    }
}

fn has_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// The query's parameters; refused as a problem when they cannot be read, or hold a NUL.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Params<T>, Problem> {
        let raw = parts.uri.query().unwrap_or_default();
        if percent_decoded_has_nul(raw) {
            return Err(Problem::bad_request("No parameter may hold a NUL character."));
        }
        let axum::extract::Query(value) = axum::extract::Query::<T>::from_request_parts(parts, state).await.map_err(|e: QueryRejection| Problem::bad_request(e.body_text()))?;
        Ok(Params(value))
    }
}

fn percent_decoded_has_nul(raw: &str) -> bool {
    raw.contains('\0') || raw.to_ascii_lowercase().contains("%00")
}

/// A resource's id in the path (a whole number).
pub struct Id<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for Id<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Id<T>, Problem> {
        let axum::extract::Path(value) = axum::extract::Path::<T>::from_request_parts(parts, state).await.map_err(|e: PathRejection| Problem::bad_request(e.body_text()))?;
        Ok(Id(value))
    }
}

/// A list's order from its `sort` parameter (the list's default when there is none), or why not.
pub fn sort_of<C: SortColumn>(code: Option<&str>) -> Result<Sort<C>, Problem> {
    let Some(code) = code else { return Ok(Sort::default()) };
    Sort::parse(code).ok_or_else(|| {
        let codes = C::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ");
        Problem::bad_request(format!("sort is one of {codes}, with a leading - to reverse it."))
    })
}

/// The roles a call gives, learner when it names none (as the panels' forms start).
pub fn roles_or_learner(roles: Vec<Role>) -> Vec<Role> {
    if roles.is_empty() { vec![Role::Learner] } else { roles }
}

/// A list's `sort` parameter: a column's code, or it with a leading `-` (the other way).
pub fn sort_schema<C: SortColumn>() -> Object {
    let codes = C::ALL.iter().flat_map(|c| [c.code().to_string(), format!("-{}", c.code())]);
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes)).description(Some("The order: a column, or a column after `-` for the other way round.")).build()
}

/// No content: the change is made.
pub fn done() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// A date and time as the services write them in UTC (`YYYY-MM-DD HH:MM`), in RFC 3339.
pub fn instant(minute: &str) -> String {
    match minute.split_once(' ') {
        Some((day, time)) => format!("{day}T{time}:00Z"),
        None => minute.to_string(),
    }
}

#[cfg(test)]
mod tests {
    /// R102: the document names no type it does not define (a client generator, or schemathesis,
    /// would skip what it cannot resolve).
    #[test]
    fn r102_every_reference_of_the_document_resolves() {
        let document: serde_json::Value = serde_json::from_str(&super::openapi_json()).unwrap();
        let text = document.to_string();
        let defined = document["components"]["schemas"].as_object().unwrap();
        let missing: Vec<&str> = text
            .split("\"#/components/schemas/")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|name| !defined.contains_key(*name))
            .collect();
        assert!(missing.is_empty(), "undefined: {missing:?}");
        assert_eq!(document["openapi"], "3.1.0");
    }
}
