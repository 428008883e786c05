//! Users (R25–R28, R39–R43, R93): the list of Dashboard > USERS with its filters and keyset
//! pages, a user's page, setting up an account, its details, and deactivation — each through the
//! service the panels use, with the token's caller as principal.

use app::api::context::AppState;
use app::backend::users;
use app::domain::account::UserStatus;
use app::domain::capability::AddUsersSomewhere;
use app::domain::role::Role;
use app::i18n::Lang;
use app::wire::details::{FieldValue, UserDetails};
use app::wire::users::{NewUser, UserFilter, UserProfile, UserRow, UsersAt, UsersColumn, UsersSort};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{done, roles_or_learner, sort_of, sort_schema, Body, Caller, Id, Params, Problem, Refusals};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, set_up)).routes(routes!(read)).routes(routes!(set_details)).routes(routes!(set_active))
}

/// A user as the list shows them.
#[derive(Serialize, ToSchema)]
pub struct User {
    id: i64,
    first_name: String,
    last_name: String,
    /// The email, or the username of a user without one.
    login: String,
    status: UserStatus,
    /// The groups the user is a direct member of, with the roles held there.
    groups: Vec<GroupRoles>,
    labels: Vec<String>,
    /// The day the account was made (UTC).
    #[schema(format = Date)]
    created_on: String,
    /// The day the account became active (UTC): registration, or set-up.
    #[schema(format = Date)]
    activated_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupRoles {
    group_id: i64,
    group: String,
    roles: Vec<Role>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> User {
        User {
            id: row.id,
            first_name: row.first_name,
            last_name: row.last_name,
            login: row.login,
            status: row.status,
            groups: row.groups.into_iter().map(|g| GroupRoles { group_id: g.group_id, group: g.group, roles: g.roles }).collect(),
            labels: row.labels,
            created_on: row.created_on,
            activated_on: row.activated_on,
        }
    }
}

/// A page of users.
#[derive(Serialize, ToSchema)]
pub struct UserPage {
    users: Vec<User>,
    /// How many users the filter keeps, counted up to 1,000; null: more than that.
    total: Option<u64>,
    /// Pass as `after` for the next page; null on the last page.
    next: Option<i64>,
    /// Pass as `before` for the previous page; null on the first page.
    previous: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// The start of a name, an email or a username (case aside).
    search: Option<String>,
    /// Only members of this group (or of the groups below it).
    group: Option<i64>,
    /// Only users holding this role somewhere.
    role: Option<Role>,
    status: Option<UserStatus>,
    /// Only users with this label (its id).
    label: Option<i64>,
    /// `name`, `status`, `created` or `activated`; a leading `-` reverses it. Default `name`.
    #[param(schema_with = sort_schema::<UsersColumn>)]
    sort: Option<String>,
    /// The `next` of the previous page.
    after: Option<i64>,
    /// The `previous` of the following page.
    before: Option<i64>,
}

/// The users this token sees (its group and below; the whole platform without a group), 25 a page.
#[utoipa::path(get, path = "/users", tag = "users", params(UserQuery), responses((status = 200, body = UserPage), Refusals))]
async fn list(State(state): State<AppState>, caller: Caller, Params(query): Params<UserQuery>) -> Result<Json<UserPage>, Problem> {
    let permit = caller.token.principal.require(AddUsersSomewhere)?;
    let sort: UsersSort = sort_of(query.sort.as_deref())?;
    let filter = UserFilter {
        search: query.search.unwrap_or_default(),
        groups: query.group.into_iter().collect(),
        role: query.role,
        status: query.status,
        label: query.label,
        sort,
    };
    let page = users::list(&state.db, &permit, &filter, UsersAt { after: query.after, before: query.before }).await?;
    Ok(Json(UserPage {
        users: page.rows.into_iter().map(User::from).collect(),
        total: page.total,
        next: page.next.and_then(|at| at.after),
        previous: page.previous.and_then(|at| at.before),
    }))
}

/// What a user's page shows.
#[derive(Serialize, ToSchema)]
pub struct UserDetail {
    id: i64,
    first_name: String,
    last_name: String,
    login: String,
    /// Whether `login` is an email (else a username: the user gets no email).
    has_email: bool,
    status: UserStatus,
    #[schema(format = Date)]
    created_on: String,
    #[schema(format = Date)]
    activated_on: Option<String>,
    /// Every role in every group, direct or climbed to (R10).
    memberships: Vec<Membership>,
    details: Details,
}

#[derive(Serialize, ToSchema)]
pub struct Membership {
    group_id: i64,
    group: String,
    role: Role,
    /// The group whose membership brought this one (a learner's climb, R10); null: direct.
    inherited_from: Option<String>,
}

/// A user's language, deletion date, labels and custom fields (R42, R43).
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct Details {
    /// The language of the user's emails and screens; null: the platform's.
    language: Option<Lang>,
    /// The day the account is deleted (R42), `YYYY-MM-DD`; null: never.
    #[schema(format = Date)]
    deletion_date: Option<String>,
    /// The ids of the user's labels.
    labels: Vec<i64>,
    custom_fields: Vec<CustomValue>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CustomValue {
    /// The custom field's id.
    field: i64,
    value: String,
}

impl From<Details> for UserDetails {
    fn from(details: Details) -> UserDetails {
        UserDetails {
            language: details.language,
            deletion_date: details.deletion_date,
            labels: details.labels,
            values: details.custom_fields.into_iter().map(|v| FieldValue { field: v.field, value: v.value }).collect(),
        }
    }
}

impl From<UserProfile> for UserDetail {
    fn from(profile: UserProfile) -> UserDetail {
        let UserDetails { language, deletion_date, labels, values } = profile.details;
        UserDetail {
            id: profile.id,
            first_name: profile.first_name,
            last_name: profile.last_name,
            login: profile.login,
            has_email: profile.has_email,
            status: profile.status,
            created_on: profile.created_on,
            activated_on: profile.activated_on,
            memberships: profile.memberships.into_iter().map(|m| Membership { group_id: m.group_id, group: m.group, role: m.role, inherited_from: m.from }).collect(),
            details: Details { language, deletion_date, labels, custom_fields: values.into_iter().map(|v| CustomValue { field: v.field, value: v.value }).collect() },
        }
    }
}

/// A user this token sees.
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = i64, Path)), responses((status = 200, body = UserDetail), Refusals))]
async fn read(State(state): State<AppState>, caller: Caller, Id(id): Id<i64>) -> Result<Json<UserDetail>, Problem> {
    let permit = caller.token.principal.require(AddUsersSomewhere)?;
    Ok(Json(users::detail(&state.db, &permit, id).await?.into()))
}

/// An account to set up (R25–R28): active at once.
#[derive(Deserialize, ToSchema)]
pub struct SetUp {
    first_name: String,
    last_name: String,
    /// The user's email; leave it out for a user without one, who then needs `username` and
    /// `password`.
    #[serde(default)]
    email: String,
    #[serde(default)]
    username: String,
    /// Without one, Roster makes a temporary password and `send_credentials` must be true.
    #[serde(default)]
    password: String,
    /// Email the login and a temporary password; the user chooses their own at first login.
    #[serde(default)]
    send_credentials: bool,
    /// The groups to add the user to (learners climb to the first private group, R10).
    groups: Vec<i64>,
    /// The roles in each of them; none: learner.
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    details: Details,
}

#[derive(Serialize, ToSchema)]
pub struct SetUpDone {
    id: i64,
    name: String,
    login: String,
    /// Whether an email with the credentials was queued.
    credentials_sent: bool,
}

/// Sets up an active account in groups this token may add to.
#[utoipa::path(post, path = "/users", tag = "users", request_body = SetUp, responses((status = 201, body = SetUpDone), (status = 409, description = "An account with this email or username exists.", body = Problem, content_type = "application/problem+json"), Refusals))]
async fn set_up(State(state): State<AppState>, caller: Caller, Body(form): Body<SetUp>) -> Result<Response, Problem> {
    let permit = caller.token.principal.require(AddUsersSomewhere)?;
    let form = NewUser {
        without_email: form.email.trim().is_empty() && !form.username.trim().is_empty(),
        first_name: form.first_name,
        last_name: form.last_name,
        email: form.email,
        username: form.username,
        password: form.password,
        send_credentials: form.send_credentials,
        groups: form.groups,
        roles: roles_or_learner(form.roles),
        details: form.details.into(),
    };
    let made = users::set_up(&state.db, &state.settings, &state.hasher, &permit, &caller.who, &form).await?;
    let body = SetUpDone { id: made.user_id, name: made.name, login: made.login, credentials_sent: made.credentials_sent };
    let location = format!("{}/users/{}", super::BASE, body.id);
    Ok((StatusCode::CREATED, [(http::header::LOCATION, location)], Json(body)).into_response())
}

/// Replaces a user's language, deletion date, labels and custom values (R42, R43): what is left
/// out is cleared.
#[utoipa::path(put, path = "/users/{id}/details", tag = "users", params(("id" = i64, Path)), request_body = Details, responses((status = 204, description = "Changed."), Refusals))]
async fn set_details(State(state): State<AppState>, caller: Caller, Id(id): Id<i64>, Body(details): Body<Details>) -> Result<Response, Problem> {
    let permit = caller.token.principal.require(AddUsersSomewhere)?;
    users::set_details(&state.db, &permit, &caller.who, id, &details.into()).await?;
    Ok(done())
}

#[derive(Deserialize, ToSchema)]
pub struct Activity {
    /// false: the account can no longer log in and billing stops counting it (R93); true: it may again.
    active: bool,
}

/// Deactivates or reactivates an account (R93).
#[utoipa::path(put, path = "/users/{id}/active", tag = "users", params(("id" = i64, Path)), request_body = Activity, responses((status = 204, description = "Changed."), Refusals))]
async fn set_active(State(state): State<AppState>, caller: Caller, Id(id): Id<i64>, Body(activity): Body<Activity>) -> Result<Response, Problem> {
    let permit = caller.token.principal.require(AddUsersSomewhere)?;
    users::set_active(&state.db, &permit, &caller.who, id, activity.active).await?;
    Ok(done())
}
