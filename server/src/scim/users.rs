//! SCIM Users (RFC 7643 §4.1, RFC 7644 §3; R92, R93): create, read, search, replace, PATCH and
//! delete, each through the provisioning service with the token's caller as principal. A User
//! shows what Roster keeps: `userName` (the email, or the username of a user without one),
//! `name`, `displayName`, `emails` (that one address, of type work), `externalId`,
//! `preferredLanguage`, `active`, `password` on the way in only, and Roster's extension (R98:
//! labels, custom fields, deletion date). `emails` is read-only: it shows userName's address, and
//! what a provider sends there is ignored (RFC 7643 §2.2).

use std::sync::Arc;

use app::api::context::AppState;
use app::backend::api_tokens::TokenCaller;
use app::backend::audit::Who;
use app::backend::provision::invited::{self, Invited, Named};
use app::backend::provision::users::{self as provision, Account, Attribute, Provisioned, SaidDetails, ScimId};
use app::backend::provision::{Condition, Op, Order};
use app::domain::capability::AddUsersSomewhere;
use app::domain::role::Role;
use app::i18n::Lang;
use app::wire::tokens::ScimCreates;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde_json::{json, Value};

use super::patch::{self, field};
use super::{answer, answer_read, filter, if_match, if_none_match, list_response, parse_body, refusal, version_header, Paging, ScimError, PAGE_DEFAULT, PAGE_MAX};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// Roster's own attributes of a user (R98): labels, custom fields and deletion date.
pub const ROSTER_USER: &str = "urn:ietf:params:scim:schemas:extension:roster:2.0:User";
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/Users", get(search).post(create))
        .route("/Users/.search", post(search_posted))
        .route("/Users/{id}", get(read).put(replace).patch(modify).delete(delete))
}

/// A call's answer, or why it was refused.
type Answer = Result<Response, ScimError>;

async fn search(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Query(paging): Query<Paging>) -> Answer {
    page(&state, &caller, &paging).await
}

async fn search_posted(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, body: Bytes) -> Answer {
    caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    page(&state, &caller, &Paging::of_search(&parse_body(&body)?)?).await
}

async fn page(state: &AppState, caller: &TokenCaller, paging: &Paging) -> Answer {
    let condition = paging.condition::<filter::Users>()?;
    let order = paging.order::<filter::Users>()?;
    let (start, count) = paging.window(PAGE_DEFAULT, PAGE_MAX)?;
    let (total, resources) = found(state, caller, condition.as_ref(), order, (start - 1, count), paging).await?;
    Ok(list_response(total, start, resources))
}

/// How many users the condition keeps, and those of the window (from 0), as shown. A lookup of
/// one person by address or externalId that finds no account finds the pending invitation the
/// provider made for them, if any (R99): providers look before they create.
pub async fn found(
    state: &AppState,
    caller: &TokenCaller,
    condition: Option<&Condition<Attribute>>,
    order: Option<Order<Attribute>>,
    (start, count): (i64, i64),
    paging: &Paging,
) -> Result<(i64, Vec<Value>), ScimError> {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let found = provision::find(&state.db, &permit, condition, order, start, count.max(0)).await.map_err(refusal)?;
    if found.total == 0 {
        if let Some(lookup) = condition.and_then(lookup_of) {
            if let Some(pending) = invited::pending_by(&state.db, &permit, lookup).await.map_err(refusal)? {
                let shown = if start == 0 && count > 0 { vec![paging.project(invited_resource(state, &pending, true))] } else { Vec::new() };
                return Ok((1, shown));
            }
        }
    }
    Ok((found.total, found.found.iter().map(|user| paging.project(resource(state, user))).collect()))
}

async fn read(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Path(id): Path<String>, Query(paging): Query<Paging>, headers: HeaderMap) -> Answer {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let shown = match target(&state, &permit, &id).await? {
        Named::User(user) => resource(&state, &user),
        Named::Pending(invited) => invited_resource(&state, &invited, true),
    };
    if if_none_match(&headers, &shown) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, version_header(&shown))]).into_response());
    }
    Ok(answer_read(shown, &paging))
}

async fn create(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Extension(who): Extension<Who>, body: Bytes) -> Answer {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let body = parse_body(&body)?;
    // R99: a token that invites invites; the names are the person's to type, at registration.
    let (shown, id) = if caller.scim_creates == ScimCreates::Invite {
        let account = invitee_of(&body, Said::Given).map_err(|(scim_type, detail)| ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail))?;
        let invited = invited::invite(&state.db, &state.settings, &permit, &who, &account, caller.group).await.map_err(refusal)?;
        (invited_resource(&state, &invited, true), ScimId::Invitation(invited.id))
    } else {
        let account = account_of(&body, Said::Given).map_err(|(scim_type, detail)| ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail))?;
        let user = provision::create(&state.db, &state.settings, &state.hasher, &permit, &who, &account, (caller.group, Role::Learner)).await.map_err(refusal)?;
        (resource(&state, &user), ScimId::of(&user))
    };
    let mut response = answer(StatusCode::CREATED, shown);
    if let Ok(location) = HeaderValue::from_str(&location(&state, id)) {
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
    let user = match target(&state, &permit, &id).await? {
        Named::User(user) => user,
        Named::Pending(invited) => {
            if_match(&headers, &invited_resource(&state, &invited, true))?;
            return change_pending(&state, &permit, &who, &invited, &body).await;
        }
    };
    if_match(&headers, &resource(&state, &user))?;
    let account = account_of(&body, Said::Given).map_err(|(scim_type, detail)| ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail))?;
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
    let user = match target(&state, &permit, &id).await? {
        Named::User(user) => user,
        Named::Pending(invited) => {
            let shown = invited_resource(&state, &invited, true);
            if_match(&headers, &shown)?;
            let patched = patch::apply(&shown, &body).map_err(|refused| ScimError::new(StatusCode::BAD_REQUEST, Some(refused.scim_type), refused.detail))?;
            return change_pending(&state, &permit, &who, &invited, &patched).await;
        }
    };
    let shown = resource(&state, &user);
    if_match(&headers, &shown)?;
    let patched = patch::apply(&shown, &body).map_err(|refused| ScimError::new(StatusCode::BAD_REQUEST, Some(refused.scim_type), refused.detail))?;
    let account = account_of(&patched, Said::Whole).map_err(|(scim_type, detail)| ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail))?;
    let user = provision::replace(&state.db, &state.hasher, &permit, &who, user.id, &account).await.map_err(refusal)?;
    Ok(answer(StatusCode::OK, resource(&state, &user)))
}

async fn delete(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Extension(who): Extension<Who>, Path(id): Path<String>, headers: HeaderMap) -> Answer {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    match target(&state, &permit, &id).await? {
        Named::User(user) => {
            if_match(&headers, &resource(&state, &user))?;
            provision::erase(&state.db, &permit, &who, user.id).await.map_err(refusal)?;
        }
        // R99: a pending invitation is cancelled (its link dies at once, R23).
        Named::Pending(invited) => {
            if_match(&headers, &invited_resource(&state, &invited, true))?;
            app::backend::invitations::cancel(&state.db, &permit, &who, invited.id).await.map_err(refusal)?;
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A user as SCIM shows them.
pub fn resource(state: &AppState, user: &Provisioned) -> Value {
    let display = format!("{} {}", user.first_name, user.last_name);
    let created = instant(user.created_at);
    let mut shown = json!({
        "schemas": [USER_SCHEMA],
        "id": ScimId::of(user).to_string(),
        "userName": user.login(),
        "name": { "givenName": user.first_name, "familyName": user.last_name },
        "displayName": display,
        "emails": user.email.iter().map(|email| json!({ "value": email, "type": "work", "primary": true })).collect::<Vec<_>>(),
        "active": user.active(),
    });
    // Roster's extension, with what it holds only (RFC 7643 §2.5: unassigned attributes are
    // left out), and named in `schemas` only then.
    let mut extension = serde_json::Map::new();
    if !user.labels.is_empty() {
        extension.insert("labels".into(), json!(user.labels));
    }
    if !user.values.is_empty() {
        extension.insert("customFields".into(), user.values.iter().map(|(name, value)| json!({ "name": name, "value": value })).collect());
    }
    if let Some(date) = &user.deletion_date {
        extension.insert("deletionDate".into(), date.as_str().into());
    }
    if !extension.is_empty() {
        shown["schemas"] = json!([USER_SCHEMA, ROSTER_USER]);
        shown[ROSTER_USER] = Value::Object(extension);
    }
    if let Some(external_id) = &user.external_id {
        shown["externalId"] = external_id.as_str().into();
    }
    if let Some(language) = &user.language {
        shown["preferredLanguage"] = language.as_str().into();
    }
    let version = super::version(&shown);
    shown["meta"] = json!({ "resourceType": "User", "created": created, "location": location(state, ScimId::of(user)), "version": version });
    shown
}

/// A pending invitation made through SCIM as a User (R99): its address, `active` while it stands
/// (`false` once cancelled), Roster's `invitationPending` (the person has not registered), and the
/// externalId and language it will give the account.
fn invited_resource(state: &AppState, invited: &Invited, stands: bool) -> Value {
    let id = ScimId::Invitation(invited.id);
    let created = instant(invited.created_at);
    let mut shown = json!({
        "schemas": [USER_SCHEMA, ROSTER_USER],
        "id": id.to_string(),
        "userName": invited.email,
        "emails": [{ "value": invited.email, "type": "work", "primary": true }],
        "active": stands,
        ROSTER_USER: { "invitationPending": stands },
    });
    if let Some(external_id) = &invited.external_id {
        shown["externalId"] = external_id.as_str().into();
    }
    if let Some(language) = &invited.language {
        shown["preferredLanguage"] = language.as_str().into();
    }
    let version = super::version(&shown);
    shown["meta"] = json!({ "resourceType": "User", "created": created, "location": location(state, id), "version": version });
    shown
}

/// The one person a filter looks up by address or externalId, if that is all it says — as
/// providers ask before they create (Entra ID's `emails[type eq "work"].value eq` included).
fn lookup_of(condition: &Condition<Attribute>) -> Option<invited::Lookup<'_>> {
    match condition {
        Condition::Compare(Attribute::Login | Attribute::Email, Op::Eq, value) => Some(invited::Lookup::Email(value)),
        Condition::Compare(Attribute::ExternalId, Op::Eq, value) => Some(invited::Lookup::ExternalId(value)),
        Condition::Both(has, compared) if **has == Condition::Present(Attribute::Email) => match &**compared {
            Condition::Compare(Attribute::Email, Op::Eq, value) => Some(invited::Lookup::Email(value)),
            _ => None,
        },
        _ => None,
    }
}

/// An instant (milliseconds) as SCIM's `meta` dates it: RFC 3339, in UTC, to the second.
fn instant(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn location(state: &AppState, id: ScimId) -> String {
    format!("{}/scim/v2/Users/{id}", state.settings.public_url)
}

/// The user, or the pending invitation (R99), an id names for this caller.
async fn target(state: &AppState, permit: &app::backend::Permit<'_, AddUsersSomewhere>, id: &str) -> Result<Named, ScimError> {
    match ScimId::parse(id) {
        Some(ScimId::User(user)) => Ok(Named::User(provision::get(&state.db, permit, user).await.map_err(refusal)?)),
        Some(ScimId::Invitation(invitation)) => invited::named(&state.db, permit, invitation).await.map_err(refusal),
        None => Err(ScimError::new(StatusCode::NOT_FOUND, None, "No such user.")),
    }
}

/// A PUT, or a PATCH's result, on a pending invitation (R99): `active: false` cancels it; its
/// externalId may change; the rest (names, password) is the person's to type, and ignored.
async fn change_pending(state: &AppState, permit: &app::backend::Permit<'_, AddUsersSomewhere>, who: &Who, invited: &Invited, said: &Value) -> Answer {
    let account = invitee_of(said, Said::Given).map_err(|(scim_type, detail)| ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail))?;
    if !account.login.eq_ignore_ascii_case(&invited.email) {
        return Err(ScimError::new(StatusCode::BAD_REQUEST, Some("mutability"), "userName: a pending invitation's address does not change; cancel it and invite the new one."));
    }
    if !account.active {
        app::backend::invitations::cancel(&state.db, permit, who, invited.id).await.map_err(refusal)?;
        return Ok(answer(StatusCode::OK, invited_resource(state, invited, false)));
    }
    let invited = invited::set_external_id(&state.db, permit, who, invited.id, account.external_id.as_deref()).await.map_err(refusal)?;
    Ok(answer(StatusCode::OK, invited_resource(state, &invited, true)))
}

/// How much of Roster's extension a User resource says (R98).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Said {
    /// A client's POST or PUT: what it leaves out of the extension (or the whole extension) is
    /// left as it is — a provider that does not know the extension changes none of it.
    Given,
    /// A PATCH's result, the user as shown with the operations applied: what is no longer
    /// there was removed.
    Whole,
}

/// What a User resource says of the account (POST, PUT, a PATCH's result), checked for what
/// only SCIM can get wrong; the service checks the rest as the panels do. Attributes Roster does
/// not keep are ignored.
pub fn account_of(user: &Value, said: Said) -> Result<Account, (&'static str, String)> {
    let (first_name, last_name) = names_of(user)?;
    Ok(Account { first_name, last_name, ..invitee_of(user, said)? })
}

/// A User's given and family names: `name`'s, or its display name's first word and the rest.
fn names_of(user: &Value) -> Result<(String, String), (&'static str, String)> {
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
    match (first, last) {
        (Some(first), Some(last)) => Ok((first, last)),
        _ => Err(invalid("name.givenName and name.familyName are required (Roster shows people by their first and last names).")),
    }
}

/// What a User resource says but the names: all a token that invites needs (R99), the person
/// typing their names at registration; `first_name` and `last_name` are left empty.
fn invitee_of(user: &Value, said: Said) -> Result<Account, (&'static str, String)> {
    let login = text(field(user, "userName"), "userName")?.filter(|l| !l.trim().is_empty()).ok_or_else(|| invalid("userName is required: the user's email, or a username for a user without email."))?;
    // `emails` is read-only (RFC 7643 §2.2: ignored when sent): a user's address is userName.
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
        first_name: String::new(),
        last_name: String::new(),
        external_id: text(field(user, "externalId"), "externalId")?,
        language,
        active,
        password: text(field(user, "password"), "password")?,
        details: details_of(field(user, ROSTER_USER), said)?,
    })
}

fn invalid(detail: &str) -> (&'static str, String) {
    ("invalidValue", detail.to_string())
}

/// A string attribute's value, if it has one.
fn text(value: Option<&Value>, name: &str) -> Result<Option<String>, (&'static str, String)> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(&format!("{name} is a string."))),
    }
}

/// Roster's extension of a user (R98): `labels` (names), `customFields` (`{name, value}`) and
/// `deletionDate` (`YYYY-MM-DD`, R42).
fn details_of(extension: Option<&Value>, said: Said) -> Result<SaidDetails, (&'static str, String)> {
    let invalid = |detail: &str| ("invalidValue", format!("In {ROSTER_USER}, {detail}"));
    let removed = json!({});
    let extension = match extension {
        None | Some(Value::Null) if said == Said::Given => return Ok(SaidDetails::default()),
        None | Some(Value::Null) => &removed,
        Some(extension @ Value::Object(_)) => extension,
        Some(_) => return Err(("invalidValue", format!("{ROSTER_USER} is an object."))),
    };
    let absent = |name: &str| field(extension, name).is_none_or(Value::is_null);
    let said_here = |name: &str| !absent(name) || said == Said::Whole;
    let text = |value: &Value| match value {
        Value::String(s) => Some(s.clone()),
        // A number field's value sent as a number.
        Value::Number(n) => Some(n.to_string()),
        // A multi-valued attribute's values may come as {"value": …} (RFC 7643 §2.4).
        Value::Object(_) => field(value, "value").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    let labels = match field(extension, "labels") {
        _ if !said_here("labels") => None,
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(labels)) => Some(labels.iter().map(text).collect::<Option<Vec<_>>>().ok_or_else(|| invalid("labels are names (strings)."))?),
        Some(_) => return Err(invalid("labels is a list of names.")),
    };
    let values = match field(extension, "customFields") {
        _ if !said_here("customFields") => None,
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(fields)) => Some(
            fields
                .iter()
                .map(|f| Some((field(f, "name")?.as_str()?.to_string(), text(field(f, "value")?)?)))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| invalid("customFields is a list of {\"name\": …, \"value\": …}, each a text or a number."))?,
        ),
        Some(_) => return Err(invalid("customFields is a list of {\"name\": …, \"value\": …}.")),
    };
    let deletion_date = match field(extension, "deletionDate") {
        _ if !said_here("deletionDate") => None,
        None | Some(Value::Null) => Some(None),
        Some(Value::String(day)) if day.trim().is_empty() => Some(None),
        Some(Value::String(day)) => Some(Some(day.clone())),
        Some(_) => return Err(invalid("deletionDate is a day, YYYY-MM-DD.")),
    };
    Ok(SaidDetails { labels, values, deletion_date })
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
        let account = account_of(&okta, Said::Given).unwrap();
        assert_eq!((account.login.as_str(), account.first_name.as_str(), account.last_name.as_str()), ("ada@example.com", "Ada", "Lovelace"));
        assert_eq!((account.external_id.as_deref(), account.password.as_deref(), account.active), (Some("00u1"), Some("correct horse battery"), true));
        let entra = json!({
            "schemas": [USER_SCHEMA], "externalId": "a7f3", "UserName": "grace@example.com", "active": "False",
            "displayName": "Grace Brewster Hopper", "preferredLanguage": "fr-FR",
            "emails": [{ "type": "work", "value": "grace@example.com", "primary": true }]
        });
        let account = account_of(&entra, Said::Given).unwrap();
        assert_eq!((account.first_name.as_str(), account.last_name.as_str()), ("Grace", "Brewster Hopper"));
        assert_eq!((account.active, account.language), (false, Some(Lang::Fr)));
    }

    #[test]
    fn r92_emails_are_read_only_and_the_user_name_is_the_address() {
        let user = json!({ "userName": "ada@example.com", "name": { "givenName": "Ada", "familyName": "Lovelace" }, "emails": [{ "value": "ada@contoso.example" }] });
        assert_eq!(account_of(&user, Said::Given).unwrap().login, "ada@example.com");
    }

    #[test]
    fn r92_what_roster_cannot_keep_is_refused() {
        let base = || json!({ "userName": "ada@example.com", "name": { "givenName": "Ada", "familyName": "Lovelace" } });
        let refused = |change: &dyn Fn(&mut Value)| {
            let mut user = base();
            change(&mut user);
            account_of(&user, Said::Given).unwrap_err().1
        };
        assert!(refused(&|u| u["userName"] = json!("")).contains("userName is required"));
        assert!(refused(&|u| u["name"] = json!({})).contains("givenName"));
        assert!(refused(&|u| u["active"] = json!("maybe")).contains("true or false"));
        assert!(refused(&|u| u["externalId"] = json!(7)).contains("externalId is a string"));
    }
}
