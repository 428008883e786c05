//! Import jobs (R35–R37, R80, R81, R103): a CSV file sent as the body, checked and imported in
//! the background as + > User > Import does, followed by its id, its rejected rows fetched as a
//! CSV file. An import is the token's: it runs with the token's rights, and no one else — not
//! the token's creator in the panels, nor another token — sees it.

use app::api::context::AppState;
use app::backend::batch::{file::MAX_BYTES, job, preview};
use app::domain::batch::{Defaults, Mode};
use app::domain::capability::AddUsersSomewhere;
use app::domain::role::Role;
use app::i18n::Lang;
use app::wire::batch::{ImportPreview, ImportState, ImportStatus, RowOutcome};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{header, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Caller, Id, Params, Problem, Refusals};

pub fn routes() -> OpenApiRouter<AppState> {
    // A file may be larger than the API's other bodies: the layer is this route's alone.
    OpenApiRouter::new()
        .routes(routes!(start))
        .layer(DefaultBodyLimit::max(MAX_BYTES))
        .routes(routes!(progress))
        .routes(routes!(rejected_rows))
}

#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Each row's address is invited (the default).
    #[default]
    Invite,
    /// Each row is set up as an active account.
    SetUp,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    #[param(inline)]
    mode: Option<ImportMode>,
    /// The groups of rows that leave theirs empty: ids, separated by commas.
    groups: Option<String>,
    /// The roles of rows that leave theirs empty, separated by commas; none: learner.
    roles: Option<String>,
    /// The language of rows that leave theirs empty; none: the platform's.
    language: Option<Lang>,
    /// Add the accounts an invite-mode file finds to their rows' groups and roles (R81).
    add_existing: Option<bool>,
    /// Only check the file and say what it would do (R36): nothing is kept or written.
    preview: Option<bool>,
    /// The file's name, as the rejected rows' file will recall it.
    file_name: Option<String>,
}

impl ImportQuery {
    fn defaults(&self) -> Result<Defaults, Problem> {
        let ids = |list: &Option<String>, field: &str| -> Result<Vec<i64>, Problem> {
            list.iter().flat_map(|l| l.split(',')).map(str::trim).filter(|s| !s.is_empty()).map(|s| s.parse().map_err(|_| Problem::field(field.to_string(), "Group ids are whole numbers, separated by commas."))).collect()
        };
        let roles = self
            .roles
            .iter()
            .flat_map(|l| l.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Role::parse(s).ok_or_else(|| Problem::field("roles".to_string(), "Roles are learner, author, coach, user_admin or admin, separated by commas.")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Defaults { groups: ids(&self.groups, "groups")?, roles: super::roles_or_learner(roles), language: self.language })
    }
}

/// Where an import stands.
#[derive(Serialize, ToSchema)]
pub struct Import {
    id: i64,
    file_name: String,
    state: ImportStatusName,
    /// The file's rows.
    total: u64,
    /// The rows written so far.
    done: u64,
    counts: Counts,
    /// Accounts an invite-mode file found and added to their rows' groups.
    accounts_added: u64,
    /// Rows a second, while it runs.
    per_second: u64,
    /// Seconds until it ends, while it runs.
    seconds_left: Option<u64>,
    /// Why it stopped, when it failed.
    failure: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatusName {
    Queued,
    Running,
    Done,
    Failed,
}

/// Rows by what became (or would become) of them.
#[derive(Serialize, ToSchema, Default)]
pub struct Counts {
    /// Invited, or set up.
    new: u64,
    already_invited: u64,
    active_account: u64,
    /// The same address as an earlier row.
    repeated: u64,
    /// A problem: nothing imported (the rejected rows say why).
    invalid: u64,
}

impl Counts {
    fn of(counts: &[(RowOutcome, u64)]) -> Counts {
        let mut out = Counts::default();
        for &(outcome, n) in counts {
            match outcome {
                RowOutcome::New => out.new = n,
                RowOutcome::AlreadyInvited => out.already_invited = n,
                RowOutcome::ActiveAccount => out.active_account = n,
                RowOutcome::Repeated => out.repeated = n,
                RowOutcome::Invalid => out.invalid = n,
            }
        }
        out
    }
}

impl From<ImportStatus> for Import {
    fn from(status: ImportStatus) -> Import {
        Import {
            id: status.job,
            file_name: status.file_name,
            state: match status.state {
                ImportState::Uploaded | ImportState::Queued => ImportStatusName::Queued,
                ImportState::Running => ImportStatusName::Running,
                ImportState::Done => ImportStatusName::Done,
                ImportState::Failed => ImportStatusName::Failed,
            },
            total: status.total,
            done: status.done,
            counts: Counts::of(&status.counts),
            accounts_added: status.accounts_added,
            per_second: status.per_second,
            seconds_left: status.seconds_left,
            failure: status.failure,
        }
    }
}

/// What importing the file would do (R36).
#[derive(Serialize, ToSchema)]
pub struct Preview {
    rows: u64,
    counts: Counts,
    /// The first 1,000 problems, each at its line and column.
    problems: Vec<RowProblem>,
    /// Columns Roster does not know, which are left out.
    unknown_columns: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RowProblem {
    /// As an editor counts lines (the header is line 1).
    line: u64,
    /// As the file names it.
    column: String,
    message: String,
}

impl From<ImportPreview> for Preview {
    fn from(preview: ImportPreview) -> Preview {
        Preview {
            rows: preview.rows,
            counts: Counts::of(&preview.counts),
            problems: preview.problems.into_iter().map(|p| RowProblem { line: p.line, column: p.column, message: p.msg.render(Lang::En) }).collect(),
            unknown_columns: preview.unknown_columns.into_iter().map(|(_, name)| name).collect(),
        }
    }
}

/// Imports a CSV file (UTF-8, commas or semicolons, up to 100,000 rows and 50 MB; the columns of
/// the template at /import/template.csv) in the background: `202` with where it stands, then
/// follow it at `Location`. With `preview=true`, only what it would do. The emails it may send are
/// counted against the limits at once (R71): an import that would go over is refused whole (`429`).
#[utoipa::path(
    post,
    path = "/imports",
    tag = "imports",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file."),
    responses((status = 202, body = Import), (status = 200, description = "The preview (`preview=true`).", body = Preview), Refusals)
)]
async fn start(State(state): State<AppState>, caller: Caller, Params(query): Params<ImportQuery>, body: Result<Bytes, BytesRejection>) -> Result<Response, Problem> {
    let permit = caller.token.principal.require(AddUsersSomewhere)?;
    let body = body.map_err(|_| Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "The file is larger than 50 MB."))?;
    let defaults = query.defaults()?;
    let mode = match query.mode.unwrap_or_default() {
        ImportMode::Invite => Mode::Invite,
        ImportMode::SetUp => Mode::SetUp,
    };
    if query.preview.unwrap_or(false) {
        let checked = preview::preview(&state.db, &permit, preview::Request { file: &body, mode, defaults: &defaults }).await?;
        return Ok(Json(Preview::from(checked)).into_response());
    }
    let file_name = query.file_name.as_deref().unwrap_or("import.csv");
    let id = job::upload(&state.db, &permit, &caller.who, file_name, &body).await?;
    job::start(&state.db, &permit, &caller.who, id, mode, &defaults, query.add_existing.unwrap_or(false)).await?;
    let status = job::status(&state.db, job::Owner::of(permit.by(), &caller.who), id).await?;
    let location = format!("{}/imports/{id}", super::BASE);
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(Import::from(status))).into_response())
}

/// Where one of this token's imports stands.
#[utoipa::path(get, path = "/imports/{id}", tag = "imports", params(("id" = i64, Path)), responses((status = 200, body = Import), Refusals))]
async fn progress(State(state): State<AppState>, caller: Caller, Id(id): Id<i64>) -> Result<Json<Import>, Problem> {
    let principal = &caller.token.principal;
    principal.require(AddUsersSomewhere)?;
    Ok(Json(job::status(&state.db, job::Owner::of(principal, &caller.who), id).await?.into()))
}

/// The rows one of this token's imports did not import, as the file has them, with a last column
/// saying why (R36).
#[utoipa::path(
    get,
    path = "/imports/{id}/rejected.csv",
    tag = "imports",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The rejected rows.", body = String, content_type = "text/csv"), Refusals)
)]
async fn rejected_rows(State(state): State<AppState>, caller: Caller, Id(id): Id<i64>) -> Result<Response, Problem> {
    let principal = &caller.token.principal;
    principal.require(AddUsersSomewhere)?;
    let text = job::rejected_rows(&state.db, job::Owner::of(principal, &caller.who), Lang::En, id).await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response())
}
