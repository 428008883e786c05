//! SCIM 2.0 (RFC 7643, 7644) at `/scim/v2` (R90, R92–R95; issue 15): how identity providers
//! provision Roster's users (`users`) and groups (`groups`) with a token whose scope is SCIM.
//! Answers are `application/scim+json`; refusals are SCIM's error messages, with `scimType` where
//! one applies. Here: the door, the answers and errors, and a list's query, which both resources
//! share; `filter` and `patch` read what clients send.

mod discovery;
mod filter;
mod groups;
mod patch;
mod users;

use app::api::context::AppState;
use app::backend::provision::{Condition, Order};
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
        .route("/.search", axum::routing::post(search_everything))
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

/// A list's query (RFC 7644 §3.4.2): its filter, its window, the attributes to show or leave out;
/// from the URL, or from a search's body.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paging {
    filter: Option<String>,
    start_index: Option<String>,
    count: Option<String>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
    sort_by: Option<String>,
    sort_order: Option<String>,
}

const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

impl Paging {
    /// The paging of a search sent as a body (`POST …/.search`, RFC 7644 §3.4.3).
    pub fn of_search(body: &Value) -> Result<Paging, ScimError> {
        let schemas_ok = body.get("schemas").and_then(Value::as_array).is_some_and(|s| s.iter().any(|s| s.as_str() == Some(SEARCH_SCHEMA)));
        if !schemas_ok {
            return Err(ScimError::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), format!("A search's schemas must hold {SEARCH_SCHEMA}.")));
        }
        let text = |name: &str| match patch::field(body, name) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let names = |name: &str| match patch::field(body, name) {
            Some(Value::Array(names)) => Some(names.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",")),
            Some(Value::String(names)) => Some(names.clone()),
            _ => None,
        };
        Ok(Paging {
            filter: text("filter"),
            start_index: text("startIndex"),
            count: text("count"),
            attributes: names("attributes"),
            excluded_attributes: names("excludedAttributes"),
            sort_by: text("sortBy"),
            sort_order: text("sortOrder"),
        })
    }

    /// `shown` with only the `attributes` asked for, or without the `excludedAttributes` (RFC 7644
    /// §3.4.2.5); `id` and `schemas` always stay. Names are read case aside, with or without their
    /// schema's URN, and may name a sub-attribute (`name.givenName`).
    pub fn project(&self, shown: Value) -> Value {
        let Value::Object(mut shown) = shown else { return shown };
        let names = |list: &Option<String>| -> Vec<(String, Option<String>)> {
            list.iter().flat_map(|l| l.split(',')).map(str::trim).filter(|n| !n.is_empty()).map(|name| attribute_path(&shown, name)).collect()
        };
        let (wanted, excluded) = (names(&self.attributes), names(&self.excluded_attributes));
        let always = |key: &str| key == "id" || key == "schemas";
        if !wanted.is_empty() {
            shown.retain(|key, value| {
                if always(key) {
                    return true;
                }
                let subs: Vec<&Option<String>> = wanted.iter().filter(|(top, _)| top.eq_ignore_ascii_case(key)).map(|(_, sub)| sub).collect();
                if subs.is_empty() {
                    return false;
                }
                if !subs.iter().any(|sub| sub.is_none()) {
                    keep_subs(value, |name| subs.iter().any(|sub| sub.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(name))));
                }
                true
            });
        }
        for (top, sub) in excluded {
            let Some(key) = shown.keys().find(|k| k.eq_ignore_ascii_case(&top) && !always(k)).cloned() else { continue };
            match sub {
                None => {
                    shown.remove(&key);
                }
                Some(sub) => keep_subs(shown.get_mut(&key).expect("found"), |name| !name.eq_ignore_ascii_case(&sub)),
            }
        }
        Value::Object(shown)
    }

    /// Whether the answer leaves a Group's members out (`excludedAttributes=members`, as Entra ID
    /// asks).
    pub fn with_members(&self) -> bool {
        !self.excluded_attributes.as_deref().is_some_and(|list| list.split(',').any(|a| a.trim().eq_ignore_ascii_case("members")))
    }

    /// The `filter`, read with a resource's vocabulary (`invalidFilter` when it cannot be).
    pub fn condition<V: filter::Vocabulary>(&self) -> Result<Option<Condition<V::Attribute>>, ScimError> {
        match self.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(text) => Ok(Some(filter::parse::<V>(text).map_err(|detail| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidFilter"), detail))?)),
            None => Ok(None),
        }
    }

    /// The order asked (RFC 7644 §3.4.2.3): `sortBy` an attribute the resource sorts on (case
    /// aside, with or without its schema's URN; `meta.created` is the order they were made in),
    /// `sortOrder` `ascending` (the default) or `descending`; none: the order they were made in.
    pub fn order<V: filter::Vocabulary>(&self) -> Result<Option<Order<V::Attribute>>, ScimError> {
        let refused = |detail: String| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), detail);
        let Some(by) = self.sort_by.as_deref().map(str::trim).filter(|b| !b.is_empty()) else { return Ok(None) };
        let lowered = by.to_ascii_lowercase();
        let path = lowered.strip_prefix(V::URN).unwrap_or(&lowered);
        let attribute = if path == "meta.created" { V::attribute("id") } else { V::attribute(path) };
        let by = attribute.ok().filter(|a| V::sorts_on(*a)).ok_or_else(|| refused(format!("Roster does not sort on '{by}': it sorts on {}.", V::SORTED_ON)))?;
        let descending = match self.sort_order.as_deref().map(|o| o.trim().to_ascii_lowercase()) {
            None => false,
            Some(order) if order.is_empty() || order == "ascending" => false,
            Some(order) if order == "descending" => true,
            Some(other) => return Err(refused(format!("sortOrder is ascending or descending, not '{other}'."))),
        };
        Ok(Some(Order { by, descending }))
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

/// A resource read: its `ETag`, and only the attributes asked for.
pub fn answer_read(shown: Value, paging: &Paging) -> Response {
    let tag = version_header(&shown);
    let mut response = json(StatusCode::OK, paging.project(shown));
    response.headers_mut().insert(header::ETAG, tag);
    response
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
        "labels" => "urn:ietf:params:scim:schemas:extension:roster:2.0:User:labels",
        "deletion_date" => "urn:ietf:params:scim:schemas:extension:roster:2.0:User:deletionDate",
        field if field == "values" || field.starts_with("value-") => "urn:ietf:params:scim:schemas:extension:roster:2.0:User:customFields",
        other => other,
    }
}

/// (attribute, sub-attribute) of a name in `attributes`: `name.givenName`, an extension's
/// `urn:…:Group:parent`, or a core attribute with its schema's URN before it.
fn attribute_path(shown: &serde_json::Map<String, Value>, name: &str) -> (String, Option<String>) {
    // An extension's attributes sit under its URN.
    if let Some(extension) = shown.keys().find(|key| key.starts_with("urn:") && name.len() > key.len() && name[..key.len()].eq_ignore_ascii_case(key)) {
        return (extension.clone(), Some(name[extension.len()..].trim_start_matches(':').to_string()));
    }
    let bare = match name.to_ascii_lowercase().rfind(':') {
        Some(at) if name.to_ascii_lowercase().starts_with("urn:") => &name[at + 1..],
        _ => name,
    };
    match bare.split_once('.') {
        Some((top, sub)) => (top.to_string(), Some(sub.to_string())),
        None => (bare.to_string(), None),
    }
}

/// Keeps the sub-attributes `keep` says of a complex attribute, or of each value of a
/// multi-valued one.
fn keep_subs(value: &mut Value, keep: impl Fn(&str) -> bool + Copy) {
    match value {
        Value::Object(object) => object.retain(|name, _| keep(name)),
        Value::Array(values) => values.iter_mut().for_each(|v| keep_subs(v, keep)),
        _ => {}
    }
}

/// `POST /.search` (RFC 7644 §3.4.3): users, then groups, each kept by the filter when it speaks
/// of their attributes (a filter naming only a user's attributes keeps no group, and the other
/// way round).
async fn search_everything(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::Extension(caller): axum::Extension<std::sync::Arc<app::backend::api_tokens::TokenCaller>>,
    body: Bytes,
) -> Result<Response, ScimError> {
    caller.principal.require(app::domain::capability::AddUsersSomewhere).map_err(refusal)?;
    let paging = Paging::of_search(&parse_body(&body)?)?;
    let (start, count) = paging.window(PAGE_DEFAULT, PAGE_MAX)?;
    let users = paging.condition::<filter::Users>();
    let groups = paging.condition::<filter::Groups>();
    if let (Err(refused), Err(_)) = (&users, &groups) {
        return Err(ScimError::new(refused.status, refused.scim_type, refused.detail.clone()));
    }
    // An order one resource sorts on and the other not orders that one only.
    let (user_order, group_order) = (paging.order::<filter::Users>(), paging.order::<filter::Groups>());
    if let (Err(refused), Err(_)) = (&user_order, &group_order) {
        return Err(ScimError::new(refused.status, refused.scim_type, refused.detail.clone()));
    }
    let (mut total, mut resources) = (0, Vec::new());
    if let Ok(condition) = users {
        let (found, page) = users::found(&state, &caller, condition.as_ref(), user_order.unwrap_or_default(), (start - 1, count), &paging).await?;
        total += found;
        resources.extend(page);
    }
    if let Ok(condition) = groups {
        let skip = (start - 1 - total).max(0);
        let (found, page) = groups::found(&state, &caller, condition, group_order.unwrap_or_default(), (skip, count - resources.len() as i64), &paging).await?;
        total += found;
        resources.extend(page);
    }
    Ok(list_response(total, start, resources))
}

/// A page of resources, as SCIM's ListResponse.
pub fn list_response(total: i64, start: i64, resources: Vec<Value>) -> Response {
    json(
        StatusCode::OK,
        serde_json::json!({ "schemas": [LIST_SCHEMA], "totalResults": total, "startIndex": start, "itemsPerPage": resources.len(), "Resources": resources }),
    )
}
