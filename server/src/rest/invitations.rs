//! Invitations (R20–R24, R38): invite many addresses into a group, and the Invitations list with
//! its cancel and resend — the panels' services, with the token's caller as principal.

use app::api::context::AppState;
use app::backend::invitations::{self, Inviting};
use app::domain::capability::{AddToGroup, AddUsersSomewhere};
use app::domain::invitation::InviteResult;
use app::domain::role::Role;
use app::wire::invitations::{InvitationRow, InvitationsColumn, InvitationsSort, INVITATIONS_PER_PAGE};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::users::Details;
use super::{done, instant, roles_or_learner, sort_of, sort_schema, Body, Caller, Id, Params, Problem, Refusals};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, invite)).routes(routes!(cancel)).routes(routes!(resend))
}

/// Addresses to invite into one group (R20–R22): each gets an email with a personal link; the
/// account exists, and is billed, only once they register.
#[derive(Deserialize, ToSchema)]
pub struct Invite {
    group: i64,
    /// The addresses, one an item, at most 100.
    emails: Vec<String>,
    /// The roles they get in the group; none: learner. Learners climb to the first private
    /// group (R10).
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    details: Details,
}

/// What became of one address (R21).
#[derive(Serialize, ToSchema)]
pub struct Outcome {
    /// The address as sent.
    address: String,
    result: InviteStatus,
    /// For `active_account`: the user who has it (add them to the group instead).
    user_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InviteStatus {
    /// Invited: the email is queued.
    Invited,
    /// A pending invitation existed: it gained this group and these roles.
    AlreadyInvited,
    /// The address has an active account: nothing was sent.
    ActiveAccount,
    /// Not an email address.
    Invalid,
    /// The same address earlier in the list.
    Repeated,
}

/// Invites every address into the group; the answer says what became of each.
#[utoipa::path(post, path = "/invitations", tag = "invitations", request_body = Invite, responses((status = 200, body = Vec<Outcome>), Refusals))]
async fn invite(State(state): State<AppState>, caller: Caller, Body(form): Body<Invite>) -> Result<Json<Vec<Outcome>>, Problem> {
    let roles = roles_or_learner(form.roles);
    let permit = caller.token.principal.require(AddToGroup::new(form.group, &roles))?;
    // The panels' field reads a list typed or pasted; here each item is one address.
    if let Some(at) = form.emails.iter().position(|e| e.trim().contains(|c: char| c.is_whitespace() || c == ',' || c == ';')) {
        return Err(Problem::field(format!("emails[{at}]"), "One address an item."));
    }
    let outcomes = invitations::invite(&state.db, &state.settings, Inviting::ToGroup(&permit), &caller.who, &form.emails.join("\n"), &form.details.into()).await?;
    Ok(Json(
        outcomes
            .into_iter()
            .map(|o| {
                let (result, user_id) = match o.result {
                    InviteResult::Invited => (InviteStatus::Invited, None),
                    InviteResult::AlreadyInvited => (InviteStatus::AlreadyInvited, None),
                    InviteResult::ActiveAccount { user_id, .. } => (InviteStatus::ActiveAccount, Some(user_id)),
                    InviteResult::Invalid => (InviteStatus::Invalid, None),
                    InviteResult::Repeated => (InviteStatus::Repeated, None),
                };
                Outcome { address: o.address, result, user_id }
            })
            .collect(),
    ))
}

/// A pending (or expired, not yet purged) invitation.
#[derive(Serialize, ToSchema)]
pub struct Invitation {
    id: i64,
    email: String,
    /// The groups and roles it gives at registration.
    grants: Vec<Grant>,
    /// Grants whose maker has since lost the right to make them: dropped at registration (R24).
    lapsed: Vec<Grant>,
    /// Who invited.
    invited_by: String,
    /// UTC, to the minute.
    #[schema(format = DateTime)]
    invited_at: String,
    #[schema(format = DateTime)]
    last_sent_at: Option<String>,
    #[schema(format = DateTime)]
    expires_at: String,
    is_expired: bool,
    /// The latest email's delivery: queued, sending, sent or failed (R41).
    delivery: String,
    delivery_error: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Grant {
    group: String,
    role: Role,
}

impl From<InvitationRow> for Invitation {
    fn from(row: InvitationRow) -> Invitation {
        let grants = |list: Vec<(String, Role)>| list.into_iter().map(|(group, role)| Grant { group, role }).collect();
        Invitation {
            id: row.id,
            email: row.email,
            grants: grants(row.grants),
            lapsed: grants(row.lapsed),
            invited_by: row.invited_by,
            invited_at: instant(&row.invited_at),
            last_sent_at: row.last_sent_at.as_deref().map(instant),
            expires_at: instant(&row.expires_at),
            is_expired: row.is_expired,
            delivery: row.delivery,
            delivery_error: row.delivery_error,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InvitationPage {
    invitations: Vec<Invitation>,
    /// Pass as `after` for the next page; null on the last page.
    next: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationQuery {
    /// The start of an address (case aside).
    search: Option<String>,
    /// `invited`, `email` or `expiry`; a leading `-` reverses it. Default `invited`.
    #[param(schema_with = sort_schema::<InvitationsColumn>)]
    sort: Option<String>,
    /// The `next` of the previous page.
    after: Option<String>,
}

/// The invitations this token may manage, 25 a page.
#[utoipa::path(get, path = "/invitations", tag = "invitations", params(InvitationQuery), responses((status = 200, body = InvitationPage), Refusals))]
async fn list(State(state): State<AppState>, caller: Caller, Params(query): Params<InvitationQuery>) -> Result<Json<InvitationPage>, Problem> {
    let permit = caller.token.principal.require(AddUsersSomewhere)?;
    let sort: InvitationsSort = sort_of(query.sort.as_deref())?;
    let page = invitations::list(&state.db, &permit, query.search.as_deref().unwrap_or_default(), sort, query.after.as_deref(), INVITATIONS_PER_PAGE).await?;
    Ok(Json(InvitationPage { invitations: page.rows.into_iter().map(Invitation::from).collect(), next: page.next }))
}

/// Cancels a pending invitation: its link stops working at once.
#[utoipa::path(delete, path = "/invitations/{id}", tag = "invitations", params(("id" = i64, Path)), responses((status = 204, description = "Cancelled."), Refusals))]
async fn cancel(State(state): State<AppState>, caller: Caller, Id(id): Id<i64>) -> Result<Response, Problem> {
    let permit = caller.token.principal.require(AddUsersSomewhere)?;
    invitations::cancel(&state.db, &permit, &caller.who, id).await?;
    Ok(done())
}

/// Sends a pending invitation's email again, with a new link and a new expiry; not within a
/// minute of the last one (429, Retry-After says when).
#[utoipa::path(post, path = "/invitations/{id}/resend", tag = "invitations", params(("id" = i64, Path)), responses((status = 204, description = "Queued."), Refusals))]
async fn resend(State(state): State<AppState>, caller: Caller, Id(id): Id<i64>) -> Result<Response, Problem> {
    let permit = caller.token.principal.require(AddUsersSomewhere)?;
    invitations::resend(&state.db, &state.settings, &permit, &caller.who, id).await?;
    Ok(done())
}
