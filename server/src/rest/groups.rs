//! Groups (R1–R13, R52): the hierarchy the token sees, making and moving groups, and adding and
//! removing members' roles — the panels' services, with the token's caller as principal. A
//! group's members are listed by `GET /users?group=`.

use app::api::context::AppState;
use app::backend::{groups, users};
use app::domain::capability::{AddToGroup, AddUsersSomewhere, ManageGroup, RemoveRole};
use app::domain::role::Role;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{done, Body, Caller, Id, Problem, Refusals};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(tree, create)).routes(routes!(move_group)).routes(routes!(add_member)).routes(routes!(remove_role))
}

#[derive(Serialize, ToSchema)]
pub struct Group {
    id: i64,
    /// null for the platform group, the root.
    parent_id: Option<i64>,
    name: String,
    /// Learners added to a public group climb to the first private group above it (R10).
    public: bool,
    /// Its names from the root down, joined by " › ".
    path: String,
}

/// The token's group and every group below it (the whole tree for a token without a group),
/// parents before their children.
#[utoipa::path(get, path = "/groups", tag = "groups", responses((status = 200, body = Vec<Group>), Refusals))]
async fn tree(caller: Caller) -> Result<Json<Vec<Group>>, Problem> {
    let principal = &caller.token.principal;
    principal.require(AddUsersSomewhere)?;
    let tree = &principal.tree;
    let groups = tree
        .subtree(caller.token.group)
        .into_iter()
        .filter_map(|id| tree.get(id))
        .map(|node| Group { id: node.id, parent_id: node.parent_id, name: node.name.clone(), public: node.is_public, path: tree.path_name(node.id) })
        .collect();
    Ok(Json(groups))
}

#[derive(Deserialize, ToSchema)]
pub struct NewGroup {
    parent_id: i64,
    /// At most 100 characters, unique among its siblings (case aside).
    name: String,
    #[serde(default)]
    public: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: i64,
}

/// Makes a group under a group the token manages.
#[utoipa::path(post, path = "/groups", tag = "groups", request_body = NewGroup, responses((status = 201, body = Created), Refusals))]
async fn create(State(state): State<AppState>, caller: Caller, Body(form): Body<NewGroup>) -> Result<Response, Problem> {
    let permit = caller.token.principal.require(ManageGroup(form.parent_id))?;
    let id = groups::create_subgroup(&state.db, &permit, &caller.who, &form.name, form.public).await?;
    Ok((StatusCode::CREATED, [(http::header::LOCATION, format!("{}/groups", super::BASE))], Json(Created { id })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct NewParent {
    parent_id: i64,
}

/// Moves a group, with everything below it, under another; the token must manage both.
#[utoipa::path(put, path = "/groups/{id}/parent", tag = "groups", params(("id" = i64, Path)), request_body = NewParent, responses((status = 204, description = "Moved."), Refusals))]
async fn move_group(State(state): State<AppState>, caller: Caller, Id(id): Id<i64>, Body(form): Body<NewParent>) -> Result<Response, Problem> {
    let principal = &caller.token.principal;
    let group = principal.require(ManageGroup(id))?;
    let new_parent = principal.require(ManageGroup(form.parent_id))?;
    groups::move_group(&state.db, &group, &new_parent, &caller.who).await?;
    Ok(done())
}

#[derive(Deserialize, ToSchema)]
pub struct NewMember {
    /// The user's email or username.
    login: String,
    /// None: learner. Learners climb to the first private group (R10).
    #[serde(default)]
    roles: Vec<Role>,
}

/// Adds an existing user to the group with roles (adding what is there changes nothing).
#[utoipa::path(post, path = "/groups/{id}/members", tag = "groups", params(("id" = i64, Path)), request_body = NewMember, responses((status = 204, description = "Added."), Refusals))]
async fn add_member(State(state): State<AppState>, caller: Caller, Id(id): Id<i64>, Body(form): Body<NewMember>) -> Result<Response, Problem> {
    let roles = super::roles_or_learner(form.roles);
    let principal = &caller.token.principal;
    let permit = principal.require(AddToGroup::new(id, &roles))?;
    let user = users::find_seen(&state.db, principal.user_scope().as_deref(), &form.login).await?;
    groups::add_member(&state.db, &state.settings, &permit, &caller.who, user).await?;
    Ok(done())
}

/// Removes one role of a member (an admin role only from strictly above, R52); the learners
/// it brought to the groups above stay (R11).
#[utoipa::path(delete, path = "/groups/{id}/members/{user}/{role}", tag = "groups", params(("id" = i64, Path), ("user" = i64, Path), ("role" = Role, Path)), responses((status = 204, description = "Removed, or was not there."), Refusals))]
async fn remove_role(State(state): State<AppState>, caller: Caller, Id((id, user, role)): Id<(i64, i64, Role)>) -> Result<Response, Problem> {
    let permit = caller.token.principal.require(RemoveRole(id, role))?;
    groups::remove_membership(&state.db, &permit, &caller.who, user).await?;
    Ok(done())
}
