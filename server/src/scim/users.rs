//! SCIM Users (RFC 7643 §4.1, RFC 7644 §3; R92, R93): create, read, search, replace, PATCH and
//! delete, each through the provisioning service with the token's caller as principal. A User
//! shows what Roster keeps: `userName` (the email, or the username of a user without one),
//! `name`, `displayName`, `emails` (that one address, of type work), `externalId`,
//! `preferredLanguage`, `active`, and `password` on the way in only.

use std::sync::Arc;

use app::api::context::AppState;
use app::backend::api_tokens::TokenCaller;
use app::backend::audit::Who;
use app::backend::users::provision::{self, Account, Provisioned};
use app::domain::capability::AddUsersSomewhere;
use app::domain::role::Role;
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::wire::tokens::ScimCreates;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde_json::{json, Value};

use super::patch::{self, field};
use super::{filter, json, ScimError};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// Users a page holds unless `count` says fewer; the most it may ask (announced in
/// ServiceProviderConfig's `filter.maxResults`).
pub const PAGE_DEFAULT: i64 = 100;
pub const PAGE_MAX: i64 = 1000;

pub fn routes() -> Router<AppState> {
    Router::new().route("/Users", get(search).post(create)).route("/Users/{id}", get(read).put(replace).patch(modify).delete(delete))
}

/// A call's answer, or why it was refused.
type Answer = Result<Response, ScimError>;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paging {
    filter: Option<String>,
    start_index: Option<String>,
    count: Option<String>,
}

async fn search(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Query(paging): Query<Paging>) -> Answer {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let condition = match paging.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some(text) => Some(filter::parse(text).map_err(|detail| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidFilter"), detail))?),
        None => None,
    };
    let number = |name: &str, given: Option<&str>, default: i64| -> Result<i64, ScimError> {
        match given {
            None => Ok(default),
            Some(text) => text.trim().parse::<i64>().map_err(|_| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), format!("{name} is a whole number."))),
        }
    };
    // RFC 7644 §3.4.2.4: below 1 means 1; a negative count means 0.
    let start = number("startIndex", paging.start_index.as_deref(), 1)?.max(1);
    let count = number("count", paging.count.as_deref(), PAGE_DEFAULT)?.clamp(0, PAGE_MAX);
    let found = provision::find(&state.db, &permit, condition.as_ref(), start - 1, count).await.map_err(refusal)?;
    let resources: Vec<Value> = found.users.iter().map(|user| resource(&state, user)).collect();
    Ok(json(
        StatusCode::OK,
        json!({ "schemas": [LIST_SCHEMA], "totalResults": found.total, "startIndex": start, "itemsPerPage": resources.len(), "Resources": resources }),
    ))
}

async fn read(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Path(id): Path<String>, headers: HeaderMap) -> Answer {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let user = provision::get(&state.db, &permit, user_id(&id)?).await.map_err(refusal)?;
    let shown = resource(&state, &user);
    if if_none_match(&headers, &shown) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, version_header(&shown))]).into_response());
    }
    Ok(answer(StatusCode::OK, shown))
}

async fn create(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Extension(who): Extension<Who>, body: Bytes) -> Answer {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let body = parse_body(&body)?;
    if caller.scim_creates == ScimCreates::Invite {
        return Err(ScimError::new(
            StatusCode::NOT_IMPLEMENTED,
            None,
            "This token invites new users, which SCIM cannot do yet: make a token whose new users are set up (Dashboard > API TOKENS).",
        ));
    }
    let account = account_of(&body).map_err(|(scim_type, detail)| ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail))?;
    let user = provision::create(&state.db, &state.settings, &state.hasher, &permit, &who, &account, (caller.group, Role::Learner)).await.map_err(refusal)?;
    let shown = resource(&state, &user);
    let mut response = answer(StatusCode::CREATED, shown);
    if let Ok(location) = HeaderValue::from_str(&location(&state, user.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

async fn replace(
    State(state): State<AppState>,
    Extension(caller): Extension<Arc<TokenCaller>>,
    Extension(who): Extension<Who>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let body = parse_body(&body)?;
    let user = provision::get(&state.db, &permit, user_id(&id)?).await.map_err(refusal)?;
    if_match(&headers, &resource(&state, &user))?;
    let account = account_of(&body).map_err(|(scim_type, detail)| ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail))?;
    let user = provision::replace(&state.db, &state.hasher, &permit, &who, user.id, &account).await.map_err(refusal)?;
    Ok(answer(StatusCode::OK, resource(&state, &user)))
}

async fn modify(
    State(state): State<AppState>,
    Extension(caller): Extension<Arc<TokenCaller>>,
    Extension(who): Extension<Who>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let body = parse_body(&body)?;
    let user = provision::get(&state.db, &permit, user_id(&id)?).await.map_err(refusal)?;
    let shown = resource(&state, &user);
    if_match(&headers, &shown)?;
    let patched = patch::apply(&shown, &body).map_err(|refused| ScimError::new(StatusCode::BAD_REQUEST, Some(refused.scim_type), refused.detail))?;
    let account = account_of(&patched).map_err(|(scim_type, detail)| ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail))?;
    let user = provision::replace(&state.db, &state.hasher, &permit, &who, user.id, &account).await.map_err(refusal)?;
    Ok(answer(StatusCode::OK, resource(&state, &user)))
}

async fn delete(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Extension(who): Extension<Who>, Path(id): Path<String>, headers: HeaderMap) -> Answer {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let user = provision::get(&state.db, &permit, user_id(&id)?).await.map_err(refusal)?;
    if_match(&headers, &resource(&state, &user))?;
    provision::erase(&state.db, &permit, &who, user.id).await.map_err(refusal)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A user as SCIM shows them.
pub fn resource(state: &AppState, user: &Provisioned) -> Value {
    let display = format!("{} {}", user.first_name, user.last_name);
    let created = chrono::DateTime::from_timestamp_millis(user.created_at).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut shown = json!({
        "schemas": [USER_SCHEMA],
        "id": user.id.to_string(),
        "userName": user.login(),
        "name": { "givenName": user.first_name, "familyName": user.last_name, "formatted": display },
        "displayName": display,
        "emails": user.email.iter().map(|email| json!({ "value": email, "type": "work", "primary": true })).collect::<Vec<_>>(),
        "active": user.active(),
    });
    if let Some(external_id) = &user.external_id {
        shown["externalId"] = external_id.as_str().into();
    }
    if let Some(language) = &user.language {
        shown["preferredLanguage"] = language.as_str().into();
    }
    let version = version(&shown);
    shown["meta"] = json!({ "resourceType": "User", "created": created, "location": location(state, user.id), "version": version });
    shown
}

fn location(state: &AppState, id: i64) -> String {
    format!("{}/scim/v2/Users/{id}", state.settings.public_url)
}

/// The resource's version (RFC 7644 §3.14): a weak tag of what it shows, so that any change,
/// from SCIM or from the panels, gives another.
fn version(shown: &Value) -> String {
    format!("W/\"{}\"", &app::backend::auth::token_hash(&shown.to_string())[..16])
}

fn version_header(shown: &Value) -> HeaderValue {
    HeaderValue::from_str(shown["meta"]["version"].as_str().unwrap_or_default()).unwrap_or(HeaderValue::from_static("*"))
}

fn answer(status: StatusCode, shown: Value) -> Response {
    let tag = version_header(&shown);
    let mut response = json(status, shown);
    response.headers_mut().insert(header::ETAG, tag);
    response
}

/// `If-Match` (RFC 7644 §3.14): a change to another version than the one shown is refused.
fn if_match(headers: &HeaderMap, shown: &Value) -> Result<(), ScimError> {
    let Some(wanted) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else { return Ok(()) };
    let current = shown["meta"]["version"].as_str().unwrap_or_default();
    if wanted.split(',').map(str::trim).any(|tag| tag == "*" || tag == current) {
        Ok(())
    } else {
        Err(ScimError::new(StatusCode::PRECONDITION_FAILED, None, "The user changed since this version: read it again."))
    }
}

fn if_none_match(headers: &HeaderMap, shown: &Value) -> bool {
    let current = shown["meta"]["version"].as_str().unwrap_or_default();
    headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|tags| tags.split(',').map(str::trim).any(|tag| tag == current))
}

fn user_id(id: &str) -> Result<i64, ScimError> {
    id.parse().map_err(|_| ScimError::new(StatusCode::NOT_FOUND, None, "No such user."))
}

/// A request's JSON body; no NUL anywhere in it (the panels' input guard refuses it too).
fn parse_body(body: &Bytes) -> Result<Value, ScimError> {
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

/// What a User resource says of the account (POST, PUT, a PATCH's result), checked for what
/// only SCIM can get wrong; the service checks the rest as the panels do. Attributes Roster does
/// not keep are ignored.
pub fn account_of(user: &Value) -> Result<Account, (&'static str, String)> {
    let invalid = |detail: &str| ("invalidValue", detail.to_string());
    let text = |value: Option<&Value>, name: &str| -> Result<Option<String>, (&'static str, String)> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(&format!("{name} is a string."))),
        }
    };
    let login = text(field(user, "userName"), "userName")?.filter(|l| !l.trim().is_empty()).ok_or_else(|| invalid("userName is required: the user's email, or a username for a user without email."))?;
    let name = field(user, "name");
    let mut first = text(name.and_then(|n| field(n, "givenName")), "name.givenName")?;
    let mut last = text(name.and_then(|n| field(n, "familyName")), "name.familyName")?;
    if first.is_none() && last.is_none() {
        // Only a display name: its first word is the given name, the rest the family name.
        let display = text(field(user, "displayName"), "displayName")?.or(text(name.and_then(|n| field(n, "formatted")), "name.formatted")?);
        if let Some((given, family)) = display.as_deref().and_then(|d| d.trim().split_once(' ')) {
            (first, last) = (Some(given.to_string()), Some(family.trim().to_string()));
        }
    }
    let (Some(first_name), Some(last_name)) = (first, last) else {
        return Err(invalid("name.givenName and name.familyName are required (Roster shows people by their first and last names)."));
    };
    let emails = match field(user, "emails") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(emails)) => emails.iter().filter_map(|e| field(e, "value").and_then(Value::as_str)).collect(),
        Some(_) => return Err(invalid("emails is a list.")),
    };
    if login.contains('@') {
        if emails.iter().any(|e| !e.trim().eq_ignore_ascii_case(login.trim())) {
            return Err(invalid("Roster keeps one address per user, its login: emails must hold userName's address (map the same attribute to both)."));
        }
    } else if !emails.is_empty() {
        return Err(invalid("A user whose userName is not an email address has no email in Roster: send their address as userName, or no emails."));
    }
    let active = match field(user, "active") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        // Entra ID sends "True" and "False".
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
        Some(_) => return Err(invalid("active is true or false.")),
    };
    // "fr", "fr-CA", "fr_FR": the language, whatever the region; one Roster lacks is the platform's.
    let language = text(field(user, "preferredLanguage"), "preferredLanguage")?.and_then(|tag| Lang::parse(&tag));
    Ok(Account {
        login,
        first_name,
        last_name,
        external_id: text(field(user, "externalId"), "externalId")?,
        language,
        active,
        password: text(field(user, "password"), "password")?,
    })
}

/// A service's refusal as SCIM says it: the form's messages in English, each at its attribute.
fn refusal(refused: AppError) -> ScimError {
    match refused {
        AppError::NotFound => ScimError::new(StatusCode::NOT_FOUND, None, "No such user."),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r92_a_user_as_okta_and_entra_send_it() {
        let okta = json!({
            "schemas": [USER_SCHEMA], "userName": "ada@example.com", "name": { "givenName": "Ada", "familyName": "Lovelace" },
            "emails": [{ "primary": true, "value": "Ada@Example.com", "type": "work" }], "displayName": "Ada Lovelace", "locale": "en-US",
            "externalId": "00u1", "groups": [], "password": "correct horse battery", "active": true
        });
        let account = account_of(&okta).unwrap();
        assert_eq!((account.login.as_str(), account.first_name.as_str(), account.last_name.as_str()), ("ada@example.com", "Ada", "Lovelace"));
        assert_eq!((account.external_id.as_deref(), account.password.as_deref(), account.active), (Some("00u1"), Some("correct horse battery"), true));
        let entra = json!({
            "schemas": [USER_SCHEMA], "externalId": "a7f3", "UserName": "grace@example.com", "active": "False",
            "displayName": "Grace Brewster Hopper", "preferredLanguage": "fr-FR",
            "emails": [{ "type": "work", "value": "grace@example.com", "primary": true }]
        });
        let account = account_of(&entra).unwrap();
        assert_eq!((account.first_name.as_str(), account.last_name.as_str()), ("Grace", "Brewster Hopper"));
        assert_eq!((account.active, account.language), (false, Some(Lang::Fr)));
    }

    #[test]
    fn r92_what_roster_cannot_keep_is_refused() {
        let base = || json!({ "userName": "ada@example.com", "name": { "givenName": "Ada", "familyName": "Lovelace" } });
        let refused = |change: &dyn Fn(&mut Value)| {
            let mut user = base();
            change(&mut user);
            account_of(&user).unwrap_err().1
        };
        assert!(refused(&|u| u["userName"] = json!("")).contains("userName is required"));
        assert!(refused(&|u| u["name"] = json!({})).contains("givenName"));
        assert!(refused(&|u| u["emails"] = json!([{ "value": "other@example.com" }])).contains("one address"));
        assert!(refused(&|u| {
            u["userName"] = json!("kiosk.lyon");
            u["emails"] = json!([{ "value": "kiosk@example.com" }]);
        })
        .contains("no email"));
        assert!(refused(&|u| u["active"] = json!("maybe")).contains("true or false"));
        assert!(refused(&|u| u["externalId"] = json!(7)).contains("externalId is a string"));
    }
}
