//! SCIM Groups (RFC 7643 §4.2; R94): the groups a token oversees — its group and below — with
//! their members: those holding the token's role there (learner unless the token says
//! otherwise), directly. Created under a parent (Roster's extension; the token's group when
//! none), renamed, moved, made public, members added and removed — each through the panels'
//! group services and permits (R52, R1–R3, R10), and deleted (R95).

use std::sync::Arc;

use app::api::context::AppState;
use app::backend::api_tokens::TokenCaller;
use app::backend::audit::Who;
use app::backend::groups;
use app::backend::principal::Principal;
use app::backend::provision::groups::{self as provision, GroupAttribute, ProvisionedGroup};
use app::backend::provision::invited;
use app::backend::provision::users::{self, Holder, ScimId};
use app::backend::provision::{Condition, Order};
use app::domain::capability::{AddToGroup, AddUsersSomewhere, ManageGroup, RemoveRole};
use app::domain::group_tree::GroupId;
use app::error::AppError;
use app::i18n::{Lang, Msg};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde_json::{json, Value};

use super::patch::{field, PATCH_SCHEMA};
use super::{answer, answer_read, filter, if_match, if_none_match, list_response, parse_body, refusal, version, Paging, ScimError, PAGE_DEFAULT, PAGE_MAX};

pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// Roster's extension of a Group: where it sits in the tree, and whether learners climb from it.
pub const ROSTER_GROUP: &str = "urn:ietf:params:scim:schemas:extension:roster:2.0:Group";

/// A group's SCIM id: "g" and its number, so that no user's id (a number) is ever a group's
/// (RFC 7643 §3.1: ids are unique across all of a provider's resources).
fn scim_id(group: GroupId) -> String {
    format!("g{group}")
}

/// The group of a SCIM id ("g14"), or of a reference to it (".../Groups/g14").
fn group_of_id(id: &str) -> Option<GroupId> {
    id.trim().trim_end_matches('/').rsplit('/').next()?.strip_prefix('g')?.parse().ok()
}

/// A filter's group ids ("g14") as the service reads them (14); an id of no group matches none.
fn numbered(condition: Condition<GroupAttribute>) -> Condition<GroupAttribute> {
    match condition {
        Condition::Both(a, b) => Condition::Both(Box::new(numbered(*a)), Box::new(numbered(*b))),
        Condition::Either(a, b) => Condition::Either(Box::new(numbered(*a)), Box::new(numbered(*b))),
        Condition::Not(a) => Condition::Not(Box::new(numbered(*a))),
        Condition::Compare(GroupAttribute::Id, op, id) => Condition::Compare(GroupAttribute::Id, op, group_of_id(&id).map(|g| g.to_string()).unwrap_or_default()),
        other => other,
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/Groups", get(search).post(create))
        .route("/Groups/.search", post(search_posted))
        .route("/Groups/{id}", get(read).put(replace).patch(modify).delete(delete))
}

type Answer = Result<Response, ScimError>;

async fn search(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Query(paging): Query<Paging>) -> Answer {
    page(&state, &caller, &paging).await
}

async fn search_posted(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, body: Bytes) -> Answer {
    caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    page(&state, &caller, &Paging::of_search(&parse_body(&body)?)?).await
}

async fn page(state: &AppState, caller: &TokenCaller, paging: &Paging) -> Answer {
    let condition = paging.condition::<filter::Groups>()?;
    let (start, count) = paging.window(PAGE_DEFAULT, PAGE_MAX)?;
    let order = paging.order::<filter::Groups>()?;
    let (total, resources) = found(state, caller, condition, order, (start - 1, count), paging).await?;
    Ok(list_response(total, start, resources))
}

/// How many groups the condition keeps, and those of the window (from 0), as shown.
pub async fn found(
    state: &AppState,
    caller: &TokenCaller,
    condition: Option<Condition<GroupAttribute>>,
    order: Option<Order<GroupAttribute>>,
    (start, count): (i64, i64),
    paging: &Paging,
) -> Result<(i64, Vec<Value>), ScimError> {
    let permit = caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let condition = condition.map(numbered);
    let found = provision::find(&state.db, &permit, condition.as_ref(), order, caller.scim_role, (start, count.max(0)), paging.with_members()).await.map_err(refusal)?;
    Ok((found.total, found.found.iter().map(|group| paging.project(resource(state, group, caller.principal.tree.root()))).collect()))
}

async fn read(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Path(id): Path<String>, Query(paging): Query<Paging>, headers: HeaderMap) -> Answer {
    let shown = resource(&state, &group_of(&state, &caller, &id, paging.with_members()).await?, caller.principal.tree.root());
    if if_none_match(&headers, &shown) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, super::version_header(&shown))]).into_response());
    }
    Ok(answer_read(shown, &paging))
}

async fn create(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Extension(who): Extension<Who>, body: Bytes) -> Answer {
    caller.principal.require(AddUsersSomewhere).map_err(refusal)?;
    let body = parse_body(&body)?;
    let wanted = Wanted::of(&body)?;
    let name = wanted.name.clone().ok_or_else(|| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), "displayName is required."))?;
    // Left out: the token's group; null: directly under the platform group.
    let parent = match wanted.parent {
        None => caller.group,
        Some(parent) => parent.or(caller.principal.tree.root()).unwrap_or(caller.group),
    };
    let permit = caller.principal.require(ManageGroup(parent)).map_err(refusal)?;
    let id = groups::create_subgroup(&state.db, &permit, &who, &name, wanted.public.unwrap_or(false)).await.map_err(group_refusal)?;
    // The new group is in the tree as it is now, not as this request found it.
    let principal = caller.principal.with_current_tree(&state.db, &state.trees).await.map_err(refusal)?;
    if wanted.external_id.is_some() {
        let permit = principal.require(ManageGroup(id)).map_err(refusal)?;
        provision::set_external_id(&state.db, &permit, &who, wanted.external_id.as_deref()).await.map_err(refusal)?;
    }
    if let Some(members) = &wanted.members {
        change_members(&state, &principal, &caller, &who, id, Members::Replace(members.clone())).await?;
    }
    let shown = resource(&state, &group_seen_by(&state, &principal, &caller, &scim_id(id), true).await?, caller.principal.tree.root());
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
    let group = group_of(&state, &caller, &id, true).await?;
    let body = parse_body(&body)?;
    if_match(&headers, &resource(&state, &group, caller.principal.tree.root()))?;
    let wanted = Wanted::of(&body)?;
    if wanted.name.is_none() {
        return Err(ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), "displayName is required."));
    }
    let changes = [
        wanted.name.map(Change::Rename),
        Some(Change::ExternalId(wanted.external_id)),
        wanted.parent.map(Change::Parent),
        wanted.public.map(Change::Public),
        Some(Change::Members(Members::Replace(wanted.members.unwrap_or_default()))),
    ];
    apply(&state, &caller, &who, &group, changes.into_iter().flatten().collect()).await
}

async fn modify(
    State(state): State<AppState>,
    Extension(caller): Extension<Arc<TokenCaller>>,
    Extension(who): Extension<Who>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let group = group_of(&state, &caller, &id, true).await?;
    let body = parse_body(&body)?;
    if_match(&headers, &resource(&state, &group, caller.principal.tree.root()))?;
    let changes = changes(&body).map_err(|(scim_type, detail)| ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail))?;
    apply(&state, &caller, &who, &group, changes).await
}

async fn delete(State(state): State<AppState>, Extension(caller): Extension<Arc<TokenCaller>>, Extension(who): Extension<Who>, Path(id): Path<String>, headers: HeaderMap) -> Answer {
    let group = group_of(&state, &caller, &id, false).await?;
    if_match(&headers, &resource(&state, &group, caller.principal.tree.root()))?;
    // By whoever manages the group above (R95): never the platform group, nor the token's own.
    let parent = group.parent.ok_or_else(|| ScimError::new(StatusCode::FORBIDDEN, None, "The platform group is never deleted."))?;
    let permit = caller.principal.require(ManageGroup(parent)).map_err(refusal)?;
    groups::delete_subgroup(&state.db, &permit, &who, group.id).await.map_err(group_refusal)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A group this token oversees, or SCIM's 404.
async fn group_of(state: &AppState, caller: &TokenCaller, id: &str, with_members: bool) -> Result<ProvisionedGroup, ScimError> {
    group_seen_by(state, &caller.principal, caller, id, with_members).await
}

/// A group `principal` (the token's, with a tree that may be newer) oversees, or SCIM's 404.
async fn group_seen_by(state: &AppState, principal: &Principal, caller: &TokenCaller, id: &str, with_members: bool) -> Result<ProvisionedGroup, ScimError> {
    let permit = principal.require(AddUsersSomewhere).map_err(refusal)?;
    let id = group_of_id(id).ok_or_else(|| ScimError::new(StatusCode::NOT_FOUND, None, "No such group."))?;
    provision::get(&state.db, &permit, id, caller.scim_role, with_members).await.map_err(group_refusal)
}

/// What a group's request asks to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Rename(String),
    ExternalId(Option<String>),
    /// Move under this group; `None`: directly under the platform group.
    Parent(Option<GroupId>),
    Public(bool),
    Members(Members),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Members {
    Add(Vec<ScimId>),
    Remove(Vec<ScimId>),
    /// Exactly these (none: nobody).
    Replace(Vec<ScimId>),
}

/// Applies the changes in turn, each under its own permit; answers the group as it then is.
async fn apply(state: &AppState, caller: &TokenCaller, who: &Who, group: &ProvisionedGroup, changes: Vec<Change>) -> Answer {
    let principal = &caller.principal;
    for change in changes {
        match change {
            Change::Rename(name) if name != group.name => {
                let permit = principal.require(ManageGroup(group.id)).map_err(refusal)?;
                groups::rename(&state.db, &permit, who, &name).await.map_err(group_refusal)?;
            }
            Change::Parent(parent) if parent.or(principal.tree.root()) != group.parent => {
                let under = parent.or(principal.tree.root()).ok_or_else(|| ScimError::new(StatusCode::BAD_REQUEST, Some("mutability"), "The platform group has no parent."))?;
                let (moved, under) = (principal.require(ManageGroup(group.id)).map_err(refusal)?, principal.require(ManageGroup(under)).map_err(refusal)?);
                groups::move_group(&state.db, &moved, &under, who).await.map_err(group_refusal)?;
            }
            Change::Public(public) if public != group.is_public => {
                let permit = principal.require(ManageGroup(group.id)).map_err(refusal)?;
                groups::set_visibility(&state.db, &permit, who, public).await.map_err(group_refusal)?;
            }
            Change::ExternalId(external_id) if external_id != group.external_id => {
                let permit = principal.require(ManageGroup(group.id)).map_err(refusal)?;
                provision::set_external_id(&state.db, &permit, who, external_id.as_deref()).await.map_err(refusal)?;
            }
            Change::Members(members) => change_members(state, principal, caller, who, group.id, members).await?,
            _ => {}
        }
    }
    // Renamed or moved: as the tree now is.
    let principal = principal.with_current_tree(&state.db, &state.trees).await.map_err(refusal)?;
    Ok(answer(StatusCode::OK, resource(state, &group_seen_by(state, &principal, caller, &scim_id(group.id), true).await?, caller.principal.tree.root())))
}

async fn change_members(state: &AppState, principal: &Principal, caller: &TokenCaller, who: &Who, group: GroupId, members: Members) -> Result<(), ScimError> {
    let role = caller.scim_role;
    let (add, remove) = match members {
        Members::Add(ids) => (holders(state, &ids).await?, Vec::new()),
        Members::Remove(ids) => (Vec::new(), holders(state, &ids).await?),
        Members::Replace(ids) => {
            let wanted = holders(state, &ids).await?;
            let permit = principal.require(AddUsersSomewhere).map_err(refusal)?;
            let now: Vec<Holder> = provision::get(&state.db, &permit, group, role, true).await.map_err(group_refusal)?.members.unwrap_or_default().iter().map(|m| m.holder).collect();
            (wanted.iter().copied().filter(|h| !now.contains(h)).collect(), now.into_iter().filter(|h| !wanted.contains(h)).collect())
        }
    };
    // Accounts become members; a pending invitation made through SCIM gains the group (R99).
    let split = |holders: &[Holder]| -> (Vec<i64>, Vec<i64>) {
        let accounts = holders.iter().filter_map(|h| if let Holder::Account(user) = h { Some(*user) } else { None }).collect();
        let invitations = holders.iter().filter_map(|h| if let Holder::Invitation(id) = h { Some(*id) } else { None }).collect();
        (accounts, invitations)
    };
    let not_seen = |error: AppError| match error {
        AppError::NotFound => ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), "members: a member is not a user this token sees (R62)."),
        other => refusal(other),
    };
    if !add.is_empty() {
        let permit = principal.require(AddToGroup::new(group, &[role])).map_err(refusal)?;
        let (accounts, invitations) = split(&add);
        provision::add_members(&state.db, &state.settings, &permit, who, &accounts).await.map_err(not_seen)?;
        invited::grant(&state.db, &permit, who, &invitations).await.map_err(not_seen)?;
    }
    if !remove.is_empty() {
        let permit = principal.require(RemoveRole(group, role)).map_err(refusal)?;
        let (accounts, invitations) = split(&remove);
        provision::remove_members(&state.db, &permit, who, &accounts).await.map_err(refusal)?;
        invited::ungrant(&state.db, &permit, who, &invitations).await.map_err(not_seen)?;
    }
    Ok(())
}

/// Who members' ids name: an account, or a pending invitation made through SCIM (R99); an id of
/// neither is refused.
async fn holders(state: &AppState, ids: &[ScimId]) -> Result<Vec<Holder>, ScimError> {
    let named = users::holders_named(&state.db, ids).await.map_err(refusal)?;
    ids.iter()
        .zip(named)
        .map(|(id, holder)| holder.ok_or_else(|| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), format!("members: no such user: {id}."))))
        .collect()
}

/// A group service's refusal: a name taken is SCIM's uniqueness; a group gone, "no such group".
fn group_refusal(error: AppError) -> ScimError {
    match error {
        AppError::NotFound => ScimError::new(StatusCode::NOT_FOUND, None, "No such group."),
        AppError::Invalid(ref errors) if errors.iter().any(|e| matches!(e.msg, Msg::GroupNameTaken)) => {
            ScimError::new(StatusCode::CONFLICT, Some("uniqueness"), "A group of this name is already under this parent.")
        }
        // What keeps a group from being deleted (R95).
        AppError::Invalid(ref errors) if errors.iter().any(|e| matches!(e.msg, Msg::GroupHasSubgroups | Msg::GroupHasSessions | Msg::GroupHasTokens)) => {
            ScimError::new(StatusCode::CONFLICT, None, errors.iter().map(|e| e.msg.render(Lang::En)).collect::<Vec<_>>().join(" "))
        }
        other => refusal(other),
    }
}

/// A group as SCIM shows it.
fn resource(state: &AppState, group: &ProvisionedGroup, root: Option<GroupId>) -> Value {
    let mut shown = json!({
        "schemas": [GROUP_SCHEMA, ROSTER_GROUP],
        "id": scim_id(group.id),
        "displayName": group.name,
        (ROSTER_GROUP): { "public": group.is_public },
    });
    if let Some(external_id) = &group.external_id {
        shown["externalId"] = external_id.as_str().into();
    }
    // Directly under the platform group (or the platform group itself): no parent to name.
    if let Some(parent) = group.parent.filter(|&p| Some(p) != root) {
        shown[ROSTER_GROUP]["parent"] = location(state, parent).into();
    }
    if let Some(members) = &group.members {
        let base = &state.settings.public_url;
        shown["members"] = members.iter().map(|m| json!({ "value": m.scim_id.to_string(), "$ref": format!("{base}/scim/v2/Users/{}", m.scim_id) })).collect();
    }
    let tag = version(&shown);
    shown["meta"] = json!({ "resourceType": "Group", "location": location(state, group.id), "version": tag });
    shown
}

fn location(state: &AppState, id: GroupId) -> String {
    format!("{}/scim/v2/Groups/{}", state.settings.public_url, scim_id(id))
}

/// What a POST or PUT body says of a group.
struct Wanted {
    name: Option<String>,
    external_id: Option<String>,
    /// `None`: not said; `Some(None)`: directly under the platform group.
    parent: Option<Option<GroupId>>,
    public: Option<bool>,
    members: Option<Vec<ScimId>>,
}

impl Wanted {
    fn of(body: &Value) -> Result<Wanted, ScimError> {
        let invalid = |detail: &str| ScimError::new(StatusCode::BAD_REQUEST, Some("invalidValue"), detail);
        let name = match field(body, "displayName") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(name.clone()),
            Some(_) => return Err(invalid("displayName is a string.")),
        };
        let external_id = match field(body, "externalId") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) => Some(id.clone()),
            Some(_) => return Err(invalid("externalId is a string.")),
        };
        let extension = field(body, ROSTER_GROUP);
        let (parent, public) = extension_of(extension).map_err(|(_, detail)| invalid(&detail))?;
        let members = match field(body, "members") {
            None | Some(Value::Null) => None,
            Some(members) => Some(member_ids(members).map_err(|(_, detail)| invalid(&detail))?),
        };
        Ok(Wanted { name, external_id, parent, public, members })
    }
}

type Refused = (&'static str, String);

/// What Roster's extension says: the parent (`Some(None)`: none, directly under the platform
/// group) and whether public; `None` for what it leaves out.
fn extension_of(extension: Option<&Value>) -> Result<(Option<Option<GroupId>>, Option<bool>), Refused> {
    let Some(extension) = extension else { return Ok((None, None)) };
    let parent = match field(extension, "parent") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(value) => Some(Some(value.as_str().and_then(group_of_id).ok_or(("invalidValue", "parent is a group's id (\"g3\") or URI.".to_string()))?)),
    };
    let public = match field(extension, "public") {
        None | Some(Value::Null) => None,
        Some(value) => Some(boolean(value).ok_or(("invalidValue", "public is true or false.".to_string()))?),
    };
    Ok((parent, public))
}

/// A user's id (`57`, or `i42`: R99), or their URI (`…/Users/57`), as references hold them.
fn id_of(value: &Value) -> Option<ScimId> {
    match value {
        Value::String(s) => ScimId::parse(s.trim().trim_end_matches('/').rsplit('/').next()?),
        Value::Number(n) => n.as_i64().map(ScimId::User),
        _ => None,
    }
}

fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The user ids of a `members` value: `[{"value": "7"}, …]` (a single object too).
fn member_ids(members: &Value) -> Result<Vec<ScimId>, Refused> {
    let list = match members {
        Value::Array(list) => list.iter().collect::<Vec<_>>(),
        Value::Object(_) => vec![members],
        _ => return Err(("invalidValue", "members is a list of {\"value\": \"<user id>\"}.".into())),
    };
    list.into_iter()
        .map(|member| field(member, "value").and_then(id_of).ok_or(("invalidValue", "Each member is {\"value\": \"<user id>\"}.".to_string())))
        .collect()
}

/// A group PATCH's operations as changes, as Entra ID and Okta send them: `{"op": "Add", "path":
/// "members", "value": [{"value": "7"}]}`, `{"op": "Remove", "path": "members[value eq
/// \"7\"]"}`, `{"op": "replace", "value": {"id": "…", "displayName": "…"}}`.
pub fn changes(body: &Value) -> Result<Vec<Change>, Refused> {
    let schemas_ok = body.get("schemas").and_then(Value::as_array).is_some_and(|s| s.iter().any(|s| s.as_str() == Some(PATCH_SCHEMA)));
    if !schemas_ok {
        return Err(("invalidSyntax", format!("A PATCH request's schemas must hold {PATCH_SCHEMA}.")));
    }
    let operations = field(body, "Operations").and_then(Value::as_array).ok_or(("invalidSyntax", "A PATCH request lists its Operations.".to_string()))?;
    let mut changes = Vec::new();
    for operation in operations {
        let op = field(operation, "op").and_then(Value::as_str).map(str::to_ascii_lowercase).ok_or(("invalidSyntax", "Each operation has an op.".to_string()))?;
        if !["add", "replace", "remove"].contains(&op.as_str()) {
            return Err(("invalidSyntax", format!("Unknown operation '{op}': add, replace or remove.")));
        }
        let value = field(operation, "value");
        let path = field(operation, "path").and_then(Value::as_str).map(str::trim);
        let members = |ids: Vec<ScimId>| {
            Change::Members(match op.as_str() {
                "add" => Members::Add(ids),
                "remove" => Members::Remove(ids),
                _ => Members::Replace(ids),
            })
        };
        match path {
            None => {
                if op == "remove" {
                    return Err(("noTarget", "A remove names what it removes (path).".into()));
                }
                let Some(Value::Object(attributes)) = value else { return Err(("invalidValue", format!("An {op} without a path takes an object of attributes."))) };
                for (name, value) in attributes {
                    match name.to_ascii_lowercase().as_str() {
                        "displayname" => changes.push(Change::Rename(value.as_str().ok_or(("invalidValue", "displayName is a string.".to_string()))?.to_string())),
                        "externalid" => changes.push(Change::ExternalId(value.as_str().map(str::to_string))),
                        "members" => changes.push(members(member_ids(value)?)),
                        lower if lower == ROSTER_GROUP.to_ascii_lowercase() => extension_changes(Some(value), &mut changes)?,
                        // Okta repeats the id; attributes Roster does not keep are ignored.
                        _ => {}
                    }
                }
            }
            Some(path) => {
                let lower = path.to_ascii_lowercase();
                let lower = lower.strip_prefix("urn:ietf:params:scim:schemas:core:2.0:group:").unwrap_or(&lower);
                if lower == "displayname" {
                    if op == "remove" {
                        return Err(("mutability", "A group keeps its displayName.".into()));
                    }
                    changes.push(Change::Rename(value.and_then(Value::as_str).ok_or(("invalidValue", "displayName is a string.".to_string()))?.to_string()));
                } else if lower == "externalid" {
                    changes.push(Change::ExternalId(if op == "remove" { None } else { value.and_then(Value::as_str).map(str::to_string) }));
                } else if lower == "members" {
                    changes.push(match (op.as_str(), value) {
                        ("remove", None) => Change::Members(Members::Replace(Vec::new())),
                        (_, Some(value)) => members(member_ids(value)?),
                        (_, None) => return Err(("invalidValue", format!("The {op} of members has no value."))),
                    });
                } else if let Some(filter) = lower.strip_prefix("members[").and_then(|rest| rest.strip_suffix(']')) {
                    // members[value eq "7"]: that member.
                    let condition = filter::parse::<filter::Groups>(&format!("members[{filter}]")).map_err(|detail| ("invalidPath", detail))?;
                    let app::backend::provision::Condition::Compare(_, app::backend::provision::Op::Eq, user) = condition else {
                        return Err(("invalidPath", format!("Roster removes members by value eq \"<id>\", not {path}.")));
                    };
                    if op != "remove" {
                        return Err(("invalidPath", format!("Roster adds members with the path members, not {path}.")));
                    }
                    changes.push(Change::Members(Members::Remove(vec![ScimId::parse(&user).ok_or_else(|| ("invalidValue", format!("No such user: {user}.")))?])));
                } else if let Some(attribute) = lower.strip_prefix(&format!("{}:", ROSTER_GROUP.to_ascii_lowercase())) {
                    extension_changes(Some(&json!({ (attribute): value.cloned().unwrap_or(Value::Null) })), &mut changes)?;
                } else if lower.eq_ignore_ascii_case(ROSTER_GROUP) {
                    extension_changes(value, &mut changes)?;
                }
                // Other attributes Roster does not keep: ignored.
            }
        }
    }
    Ok(changes)
}

fn extension_changes(extension: Option<&Value>, changes: &mut Vec<Change>) -> Result<(), Refused> {
    let (parent, public) = extension_of(extension)?;
    changes.extend(parent.map(Change::Parent));
    changes.extend(public.map(Change::Public));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(operations: Value) -> Value {
        json!({ "schemas": [PATCH_SCHEMA], "Operations": operations })
    }

    #[test]
    fn r94_members_as_entra_id_and_okta_change_them() {
        let entra = patch(json!([
            { "op": "Add", "path": "members", "value": [{ "value": "7" }, { "value": "8" }] },
            { "op": "Remove", "path": "members[value eq \"9\"]" },
            { "op": "Remove", "path": "members", "value": [{ "value": "10" }] },
            { "op": "Replace", "path": "displayName", "value": "Sales EMEA" },
        ]));
        assert_eq!(
            changes(&entra),
            Ok(vec![
                Change::Members(Members::Add(vec![ScimId::User(7), ScimId::User(8)])),
                Change::Members(Members::Remove(vec![ScimId::User(9)])),
                Change::Members(Members::Remove(vec![ScimId::User(10)])),
                Change::Rename("Sales EMEA".into()),
            ])
        );
        let okta = patch(json!([{ "op": "replace", "value": { "id": "12", "displayName": "EMEA", (ROSTER_GROUP): { "public": "true" } } }]));
        assert_eq!(changes(&okta), Ok(vec![Change::Rename("EMEA".into()), Change::Public(true)]));
        let everyone_out = patch(json!([{ "op": "remove", "path": "members" }]));
        assert_eq!(changes(&everyone_out), Ok(vec![Change::Members(Members::Replace(vec![]))]));
    }

    #[test]
    fn r94_what_cannot_be_done_to_a_group_is_refused() {
        let kind = |operations: Value| changes(&patch(operations)).unwrap_err().0;
        assert_eq!(kind(json!([{ "op": "remove", "path": "displayName" }])), "mutability");
        assert_eq!(kind(json!([{ "op": "add", "path": "members", "value": [{ "display": "x" }] }])), "invalidValue");
        assert_eq!(kind(json!([{ "op": "add", "path": "members[value eq \"7\"]" }])), "invalidPath");
        assert_eq!(kind(json!([{ "op": "copy", "path": "members" }])), "invalidSyntax");
        assert_eq!(changes(&json!({ "Operations": [] })).unwrap_err().0, "invalidSyntax");
    }
}
