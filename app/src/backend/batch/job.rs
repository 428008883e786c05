//! The import itself (R36, R37, R81): a file uploaded and kept, previewed as often as the panel asks,
//! then imported by a background job that survives the server. The job writes the file a part at
//! a time, each part in one transaction that also moves the job's resume point and counts, so a
//! `kill -9` loses nothing and repeats nothing: on restart (on this instance or another) the job
//! goes on from the last part that committed. Every row is checked again as it is written,
//! against the platform as it is then and the rights of the person who started the import.

use std::collections::HashMap;
use std::time::Duration;

use serde::Serialize;

use super::file::{CsvFile, Row};
use super::preview::{self, Request};
use super::rows::{self, Checked};

use crate::backend::audit::{self, Who};
use crate::backend::auth::PasswordHasher;
use crate::backend::db::{now_ms, Db, Tx};
use crate::backend::invitations::{invite_many, Batch, Invitee};
use crate::backend::statement::{Statement, Value, ROWS_PER_INSERT};
use crate::backend::tree::TreeCache;
use crate::backend::users::{create_account, Account};
use crate::backend::{Permit, Principal, Settings};
use crate::domain::batch::{Defaults, Mode, RowRequest};
use crate::domain::capability::AddUsersSomewhere;
use crate::domain::group_tree::{GroupId, GroupTree};
use crate::domain::identity::LoginId;
use crate::domain::invitation::InviteResult;
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::{Lang, Msg, T};
use crate::wire::batch::{ImportPreview, ImportState, ImportStatus, RowOutcome};
use crate::wire::details::{FieldValue, UserDetails};

/// Rows written per transaction: small enough that a part commits in well under the lease (and
/// that PostgreSQL's advisory locks, one per address, stay few), large enough that the statements
/// of a part are few per row.
const PART_ROWS: usize = 250;

/// Set-up mode hashes a password per row (slow on purpose): smaller parts.
const SET_UP_PART_ROWS: usize = 20;

/// How long an instance holds a job without writing a part: when it dies, another instance (or
/// this one, restarted) takes the job over after this.
const LEASE_MS: i64 = 10_000;

/// How often an idle worker looks for a job to run.
const IDLE: Duration = Duration::from_millis(500);

/// Files uploaded and never imported are forgotten after this.
const UPLOAD_KEPT_MS: i64 = 24 * 3600 * 1000;

/// Whose an import is (R103): the person who uploaded it, and the API token they used if they
/// did. A panel's imports and each token's are apart: nobody else sees, starts or follows them.
#[derive(Clone, Copy, Debug)]
pub struct Owner {
    pub user: i64,
    pub token: Option<i64>,
}

impl Owner {
    /// The caller, as the audit names them.
    pub fn of(principal: &Principal, who: &Who) -> Owner {
        Owner { user: principal.user_id, token: who.token }
    }
}

/// A person in the panels.
impl From<&Principal> for Owner {
    fn from(principal: &Principal) -> Owner {
        Owner { user: principal.user_id, token: None }
    }
}

/// Keeps an uploaded file for its preview and import; the file is refused at once if it is too
/// large, not UTF-8 or empty (R35, R80). Returns the job's id.
pub async fn upload(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, file_name: &str, bytes: &[u8]) -> Result<i64, AppError> {
    CsvFile::open(bytes)?;
    let now = now_ms();
    let file_name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
    // Uploads that were never imported are not kept past a day.
    sqlx::query("DELETE FROM import_jobs WHERE status = 'uploaded' AND created_at < $1").bind(now - UPLOAD_KEPT_MS).execute(&db.pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO import_jobs (created_by, token_id, file_name, file, file_size, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'uploaded', $6, $6) RETURNING id",
    )
    .bind(permit.by().user_id)
    .bind(who.token)
    .bind(if file_name.trim().is_empty() { "import.csv".to_string() } else { file_name })
    .bind(bytes.to_vec())
    .bind(bytes.len() as i64)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

/// The condition that keeps the owner's jobs, its two values bound as `$n` and `$n+1`.
fn owned_by(n: usize) -> String {
    format!("created_by = ${n} AND COALESCE(token_id, 0) = ${}", n + 1)
}

/// The file of one of this owner's imports (nobody else's: an unknown job and someone else's
/// look the same).
async fn file_of(db: &Db, owner: Owner, job: i64) -> Result<(Vec<u8>, String), AppError> {
    let found: Option<(Option<Vec<u8>>, String)> = sqlx::query_as(&format!("SELECT file, status FROM import_jobs WHERE id = $1 AND {}", owned_by(2)))
        .bind(job)
        .bind(owner.user)
        .bind(owner.token.unwrap_or(0))
        .fetch_optional(&db.pool)
        .await?;
    match found {
        Some((Some(file), status)) => Ok((file, status)),
        _ => Err(AppError::NotFound),
    }
}

/// The preview of an uploaded file with the panel's choices (R36): nothing written.
pub async fn preview(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, job: i64, mode: Mode, defaults: &Defaults) -> Result<ImportPreview, AppError> {
    let (file, _) = file_of(db, Owner::of(permit.by(), who), job).await?;
    preview::preview(db, permit, Request { file: &file, mode, defaults }).await
}

/// IMPORT (R36, R37): the job starts in the background. The emails it may send are counted
/// against the limits first (R71), all at once: an import that would go over is refused whole,
/// and what it does not send is given back when it ends. Starting twice starts it once.
pub async fn start(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, job: i64, mode: Mode, defaults: &Defaults, add_existing: bool) -> Result<(), AppError> {
    let principal = permit.by();
    let owner = Owner::of(principal, who);
    let (file, status) = file_of(db, owner, job).await?;
    if status != "uploaded" {
        return Ok(());
    }
    let checked = preview::preview(db, permit, Request { file: &file, mode, defaults }).await?;
    let count = |outcome| checked.counts.iter().find(|(o, _)| *o == outcome).map_or(0, |(_, n)| *n as i64);
    // At most one email per row that may send one: a new invitation or credentials, or an
    // expired invitation renewed.
    let emails = count(RowOutcome::New) + if mode == Mode::Invite { count(RowOutcome::AlreadyInvited) } else { 0 };
    crate::backend::settings::take_invitation_emails(db, principal, emails, "file").await?;
    let defaults_json = serde_json::to_string(defaults).map_err(AppError::internal)?;
    let mut tx = db.begin().await?;
    let started = sqlx::query(&format!(
        "UPDATE import_jobs SET status = 'queued', mode = $1, defaults = $2, add_existing = $3, total_rows = $4, emails_reserved = $5, updated_at = $6
         WHERE id = $7 AND {} AND status = 'uploaded'",
        owned_by(8)
    ))
    .bind(mode_code(mode))
    .bind(defaults_json)
    .bind(i64::from(add_existing))
    .bind(checked.rows as i64)
    .bind(emails)
    .bind(now_ms())
    .bind(job)
    .bind(owner.user)
    .bind(owner.token.unwrap_or(0))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if started == 0 {
        drop(tx);
        return crate::backend::settings::give_back_invitation_emails(db, principal, emails).await;
    }
    audit::record(&mut tx, who, "import_started", "import", job, &serde_json::json!({ "rows": checked.rows, "mode": mode_code(mode), "add_existing": add_existing })).await?;
    tx.commit().await?;
    Ok(())
}

fn mode_code(mode: Mode) -> &'static str {
    match mode {
        Mode::Invite => "invite",
        Mode::SetUp => "set_up",
    }
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    created_by: i64,
    token_id: Option<i64>,
    file_name: String,
    status: String,
    mode: String,
    total_rows: i64,
    rows_done: i64,
    rows_new: i64,
    rows_already_invited: i64,
    rows_active: i64,
    rows_repeated: i64,
    rows_invalid: i64,
    accounts_added: i64,
    error: Option<String>,
    started_at: Option<i64>,
    updated_at: i64,
    finished_at: Option<i64>,
}

const JOB_COLUMNS: &str = "id, created_by, token_id, file_name, status, mode, total_rows, rows_done, rows_new, rows_already_invited, rows_active, rows_repeated,
                           rows_invalid, accounts_added, error, started_at, updated_at, finished_at";

impl JobRow {
    fn status(self, now: i64) -> ImportStatus {
        let state = match self.status.as_str() {
            "uploaded" => ImportState::Uploaded,
            "queued" => ImportState::Queued,
            "running" => ImportState::Running,
            "done" => ImportState::Done,
            _ => ImportState::Failed,
        };
        let counts = [
            (RowOutcome::New, self.rows_new),
            (RowOutcome::AlreadyInvited, self.rows_already_invited),
            (RowOutcome::ActiveAccount, self.rows_active),
            (RowOutcome::Repeated, self.rows_repeated),
            (RowOutcome::Invalid, self.rows_invalid),
        ];
        let elapsed_ms = self.started_at.map(|started| self.finished_at.unwrap_or(now).max(self.updated_at) - started).unwrap_or(0);
        let per_second = if elapsed_ms > 0 { self.rows_done as u64 * 1000 / elapsed_ms as u64 } else { 0 };
        let left = (self.total_rows - self.rows_done).max(0) as u64;
        ImportStatus {
            job: self.id,
            file_name: self.file_name,
            mode: if self.mode == "set_up" { Mode::SetUp } else { Mode::Invite },
            state,
            total: self.total_rows as u64,
            done: self.rows_done as u64,
            counts: counts.into_iter().filter(|(_, n)| *n > 0).map(|(o, n)| (o, n as u64)).collect(),
            accounts_added: self.accounts_added as u64,
            per_second,
            seconds_left: (state == ImportState::Running && per_second > 0).then(|| left.div_ceil(per_second)),
            failure: self.error,
        }
    }
}

/// Where one of this owner's imports stands (the progress bar, R37).
pub async fn status(db: &Db, owner: impl Into<Owner>, job: i64) -> Result<ImportStatus, AppError> {
    let owner = owner.into();
    let row: Option<JobRow> = sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE id = $1 AND {}", owned_by(2)))
        .bind(job)
        .bind(owner.user)
        .bind(owner.token.unwrap_or(0))
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.status(now_ms())).ok_or(AppError::NotFound)
}

/// This owner's latest import started, for the panel to show it again when they come back.
pub async fn latest(db: &Db, owner: impl Into<Owner>) -> Result<Option<ImportStatus>, AppError> {
    let owner = owner.into();
    let row: Option<JobRow> = sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE {} AND status <> 'uploaded' ORDER BY id DESC LIMIT 1", owned_by(1)))
        .bind(owner.user)
        .bind(owner.token.unwrap_or(0))
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| r.status(now_ms())))
}

/// The rows an import did not import, as the file has them, with a last column saying why; every
/// cell a spreadsheet would run neutralised (R36); in the file's separator, with a byte-order mark.
pub async fn rejected_rows(db: &Db, owner: impl Into<Owner>, lang: Lang, job: i64) -> Result<String, AppError> {
    let (file, _) = file_of(db, owner.into(), job).await?;
    let file = CsvFile::open(&file)?;
    let headers = file.rows().next().transpose()?.map(|row| row.cells).unwrap_or_default();
    let rejected: Vec<(String, String)> =
        sqlx::query_as("SELECT cells, reason FROM import_rejections WHERE job_id = $1 ORDER BY line").bind(job).fetch_all(&db.pool).await?;
    let rows = rejected.into_iter().map(|(cells, reason)| {
        let cells: Vec<String> = serde_json::from_str(&cells).unwrap_or_default();
        cells.into_iter().chain([reason]).collect::<Vec<_>>()
    });
    preview::rejected_file(lang, file.delimiter, &headers, rows)
}

/// The rejected-rows file's name, in the language.
pub fn rejected_file_name(lang: Lang, job: i64) -> String {
    format!("{}-{job}.csv", T::RejectedFileName.in_lang(lang))
}

/// Runs the imports: one at a time on this instance, each held by a lease that every part it
/// writes renews. Started once per server (every instance may run one).
pub struct ImportWorker {
    pub db: Db,
    pub settings: std::sync::Arc<Settings>,
    pub hasher: PasswordHasher,
    pub trees: TreeCache,
    /// This process, as it writes itself on the jobs it holds.
    pub instance: String,
}

impl ImportWorker {
    pub fn new(db: Db, settings: std::sync::Arc<Settings>, hasher: PasswordHasher, trees: TreeCache) -> ImportWorker {
        ImportWorker { db, settings, hasher, trees, instance: crate::backend::auth::random_hex(8) }
    }

    pub async fn run(self) {
        loop {
            match self.run_one().await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(IDLE).await,
                Err(error) => {
                    tracing::warn!(%error, "import worker");
                    tokio::time::sleep(IDLE * 4).await;
                }
            }
        }
    }

    /// Takes the oldest import that is waiting, or whose holder stopped renewing its lease, and
    /// runs it to its end (or until its lease is lost). `false` when there was none.
    pub async fn run_one(&self) -> Result<bool, AppError> {
        let now = now_ms();
        let due = "status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < $3)";
        let claimed: Option<(i64, i64)> = sqlx::query_as(&format!(
            "UPDATE import_jobs SET status = 'running', lease_owner = $1, lease_until = $2, started_at = COALESCE(started_at, $3), updated_at = $3
             WHERE id = (SELECT id FROM import_jobs WHERE {due} ORDER BY id LIMIT 1) AND {due}
             RETURNING id, rows_done"
        ))
        .bind(&self.instance)
        .bind(now + LEASE_MS)
        .bind(now)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((job, rows_done)) = claimed else { return Ok(false) };
        if rows_done > 0 {
            tracing::info!(job, rows_done, "resuming an import");
        }
        // A part that fails (the database restarting, a lock held too long) wrote nothing: the
        // job stays with its lease, which lapses, and is taken up again from its resume point.
        if let Err(error) = self.run_job(job).await {
            tracing::warn!(job, %error, "an import stopped part way; it goes on once its lease lapses");
            return Err(error);
        }
        Ok(true)
    }

    async fn run_job(&self, job: i64) -> Result<(), AppError> {
        let (created_by, token, file, mode, defaults, add_existing, rows_done): (i64, Option<i64>, Option<Vec<u8>>, String, String, i64, i64) =
            sqlx::query_as("SELECT created_by, token_id, file, mode, defaults, add_existing, rows_done FROM import_jobs WHERE id = $1").bind(job).fetch_one(&self.db.pool).await?;
        // With the rights its starter has now: a person's, or a token's (R103).
        let principal = match token {
            None => Principal::of_user(&self.db, &self.trees, created_by).await?,
            Some(token) => crate::backend::api_tokens::acting(&self.db, &self.trees, token).await?,
        };
        let Some(principal) = principal else {
            let why = if token.is_some() { "the API token that started this import no longer works" } else { "the account that started this import is no longer active" };
            return self.finish(job, Some(why)).await;
        };
        let file = file.unwrap_or_default();
        let mode = if mode == "set_up" { Mode::SetUp } else { Mode::Invite };
        let defaults: Defaults = serde_json::from_str(&defaults).map_err(AppError::internal)?;
        let (csv, mut checker) = rows::open(&self.db, &principal, &file, mode, &defaults).await?;
        let part_rows = if mode == Mode::SetUp { SET_UP_PART_ROWS } else { PART_ROWS };
        let run = Run { job, mode, add_existing: add_existing != 0, principal: &principal, who: Who { actor: Some(created_by), token, ip: None } };
        let mut position = 0i64;
        let mut part: Vec<(Row, Checked)> = Vec::with_capacity(part_rows);
        for row in rows::data_rows(&csv) {
            let row = row?;
            // Rows already written are checked again only so that later rows repeating them are
            // known as repeated.
            let checked = checker.check(&row);
            position += 1;
            if position <= rows_done {
                continue;
            }
            part.push((row, checked));
            if part.len() == part_rows {
                if !self.write_part(&run, position - part.len() as i64, std::mem::take(&mut part)).await? {
                    return Ok(());
                }
            }
        }
        if !part.is_empty() && !self.write_part(&run, position - part.len() as i64, part).await? {
            return Ok(());
        }
        self.finish(job, None).await
    }

    /// Writes one part: its rows, the rejected ones, the job's counts and resume point, in one
    /// transaction that commits only if this instance still holds the job at `from`. `false` when
    /// it no longer does (another instance took it over): nothing of the part is written.
    async fn write_part(&self, run: &Run<'_>, from: i64, part: Vec<(Row, Checked)>) -> Result<bool, AppError> {
        let hashed = if run.mode == Mode::SetUp { self.hash_passwords(&part).await? } else { Vec::new() };
        let mut tx = self.db.begin().await?;
        let mut tally = Tally::default();
        let current = crate::backend::tree::current_in(&mut tx, &run.principal.tree).await?;
        let tree = &current.tree;
        let (mut valid, mut rejected) = (Vec::new(), Vec::new());
        for (index, (row, checked)) in part.iter().enumerate() {
            // A group deleted since the job started.
            let gone: Vec<String> = checked.request.grants.iter().filter(|(group, _)| tree.get(*group).is_none()).map(|(group, _)| format!("#{group}")).collect();
            match checked.outcome {
                RowOutcome::New if !gone.is_empty() => {
                    tally.add(RowOutcome::Invalid);
                    rejected.push((row, Msg::MayNotAddIn { groups: gone.join(", ") }.render(run.principal.lang)));
                }
                RowOutcome::New => valid.push(index),
                outcome => {
                    tally.add(outcome);
                    let reason = checked.problems.iter().map(|p| format!("{}: {}", p.column, p.msg.render(run.principal.lang))).collect::<Vec<_>>().join("; ");
                    rejected.push((row, reason));
                }
            }
        }
        let details: Vec<UserDetails> = part.iter().map(|(_, c)| details_of(&c.request)).collect();
        match run.mode {
            Mode::Invite => {
                let emails: Vec<&crate::domain::identity::Email> =
                    valid.iter().filter_map(|&i| if let Some(LoginId::Email(email)) = &part[i].1.request.login { Some(email) } else { None }).collect();
                let invitees: Vec<Invitee> = valid.iter().zip(&emails).map(|(&i, email)| Invitee { email, grants: &part[i].1.request.grants, details: &details[i] }).collect();
                let batch = Batch { backend: self.db.backend, settings: &self.settings, inviter: run.principal, who: &run.who, session: None };
                let results = invite_many(&mut tx, &batch, &invitees).await?;
                for (&i, result) in valid.iter().zip(results) {
                    match result {
                        InviteResult::Invited => {
                            tally.add(RowOutcome::New);
                            tally.emails += 1;
                        }
                        InviteResult::AlreadyInvited => tally.add(RowOutcome::AlreadyInvited),
                        InviteResult::ActiveAccount { user_id, .. } => {
                            tally.add(RowOutcome::ActiveAccount);
                            if run.add_existing && add_to_groups(&mut tx, &self.settings, tree, run, user_id, &part[i].1.request).await? {
                                tally.accounts_added += 1;
                            }
                        }
                        InviteResult::Invalid | InviteResult::Repeated => tally.add(RowOutcome::Invalid),
                    }
                }
            }
            Mode::SetUp => {
                for (&i, (password, hash)) in valid.iter().zip(hashed) {
                    let request = &part[i].1.request;
                    let Some(login) = &request.login else { continue };
                    let (groups, roles) = split_grants(&request.grants);
                    let account = Account {
                        first: &request.first_name,
                        last: &request.last_name,
                        login,
                        password: &password,
                        password_hash: hash,
                        send_credentials: request.send_credentials,
                        groups: &groups,
                        roles: &roles,
                        details: &details[i],
                        external_id: None,
                    };
                    match create_account(&mut tx, self.db.backend, &self.settings, &current, run.principal, &run.who, &account).await {
                        Ok(_) => {
                            tally.add(RowOutcome::New);
                            tally.emails += i64::from(request.send_credentials);
                        }
                        Err(AppError::Invalid(errors)) => {
                            let active = errors.iter().any(|e| matches!(e.msg, Msg::ActiveAccountExists | Msg::UsernameTaken));
                            let pending = errors.iter().any(|e| matches!(e.msg, Msg::PendingInvitation { .. }));
                            if active {
                                tally.add(RowOutcome::ActiveAccount);
                                let user: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1 OR username_key = $1").bind(login.key()).fetch_optional(&mut *tx).await?;
                                if let (true, Some(user)) = (run.add_existing, user) {
                                    if add_to_groups(&mut tx, &self.settings, tree, run, user, request).await? {
                                        tally.accounts_added += 1;
                                    }
                                }
                            } else {
                                // R28: a pending invitation, or a group gone since the preview.
                                tally.add(if pending { RowOutcome::AlreadyInvited } else { RowOutcome::Invalid });
                                let reason = errors.iter().map(|e| e.msg.render(run.principal.lang)).collect::<Vec<_>>().join("; ");
                                rejected.push((&part[i].0, reason));
                            }
                        }
                        Err(other) => return Err(other),
                    }
                }
            }
        }
        let rows: Vec<[Value; 4]> = rejected
            .iter()
            .map(|(row, reason)| [Value::from(run.job), (row.line as i64).into(), serde_json::to_string(&row.cells).unwrap_or_default().into(), reason.as_str().into()])
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut statement = Statement::new("INSERT INTO import_rejections (job_id, line, cells, reason) VALUES ");
            for (i, row) in chunk.iter().enumerate() {
                statement.push_row(i == 0, row.iter().cloned());
            }
            statement.push(" ON CONFLICT DO NOTHING");
            statement.query().execute(&mut *tx).await?;
        }
        let to = from + part.len() as i64;
        let held = sqlx::query(
            "UPDATE import_jobs SET rows_done = $1, lease_until = $2, updated_at = $3, rows_new = rows_new + $4, rows_already_invited = rows_already_invited + $5,
                    rows_active = rows_active + $6, rows_repeated = rows_repeated + $7, rows_invalid = rows_invalid + $8, accounts_added = accounts_added + $9,
                    emails_queued = emails_queued + $10
             WHERE id = $11 AND lease_owner = $12 AND rows_done = $13 AND status = 'running'",
        )
        .bind(to)
        .bind(now_ms() + LEASE_MS)
        .bind(now_ms())
        .bind(tally.count(RowOutcome::New))
        .bind(tally.count(RowOutcome::AlreadyInvited))
        .bind(tally.count(RowOutcome::ActiveAccount))
        .bind(tally.count(RowOutcome::Repeated))
        .bind(tally.count(RowOutcome::Invalid))
        .bind(tally.accounts_added)
        .bind(tally.emails)
        .bind(run.job)
        .bind(&self.instance)
        .bind(from)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if held == 0 {
            tracing::warn!(job = run.job, "lost an import's lease: another instance goes on with it");
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Set-up mode: each new row's password (given, or generated to be sent, R27) and its hash,
    /// made before the part's transaction (hashing is slow on purpose).
    async fn hash_passwords(&self, part: &[(Row, Checked)]) -> Result<Vec<(String, String)>, AppError> {
        let mut hashed = Vec::new();
        for (_, checked) in part.iter().filter(|(_, c)| c.outcome == RowOutcome::New) {
            hashed.push(self.hasher.given_or_generated(checked.request.password.clone()).await?);
        }
        Ok(hashed)
    }

    /// Ends a job: done, or failed with why; the emails it reserved and did not send are given
    /// back (R71); one audit entry with its counts.
    async fn finish(&self, job: i64, failure: Option<&str>) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        let row: Option<JobRow> = sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE id = $1 AND lease_owner = $2 AND status = 'running'"))
            .bind(job)
            .bind(&self.instance)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Ok(()) };
        let (reserved, queued): (i64, i64) = sqlx::query_as("SELECT emails_reserved, emails_queued FROM import_jobs WHERE id = $1").bind(job).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE import_jobs SET status = $1, error = $2, finished_at = $3, updated_at = $3, lease_until = NULL WHERE id = $4")
            .bind(if failure.is_some() { "failed" } else { "done" })
            .bind(failure)
            .bind(now_ms())
            .bind(job)
            .execute(&mut *tx)
            .await?;
        let (created_by, token) = (row.created_by, row.token_id);
        let status = row.status(now_ms());
        let who = Who { actor: Some(created_by), token, ip: None };
        audit::record(&mut tx, &who, if failure.is_some() { "import_failed" } else { "import_done" }, "import", job, &Summary::of(&status, failure)).await?;
        tx.commit().await?;
        if reserved > queued {
            if let Some(principal) = Principal::of_user(&self.db, &self.trees, created_by).await? {
                crate::backend::settings::give_back_invitation_emails(&self.db, &principal, reserved - queued).await?;
            }
        }
        Ok(())
    }
}

/// What a job runs as: its id, the file's mode and choice, the person who started it.
struct Run<'a> {
    job: i64,
    mode: Mode,
    add_existing: bool,
    principal: &'a Principal,
    who: Who,
}

/// What a part did.
#[derive(Default)]
struct Tally {
    counts: HashMap<RowOutcome, i64>,
    accounts_added: i64,
    emails: i64,
}

impl Tally {
    fn add(&mut self, outcome: RowOutcome) {
        *self.counts.entry(outcome).or_default() += 1;
    }

    fn count(&self, outcome: RowOutcome) -> i64 {
        self.counts.get(&outcome).copied().unwrap_or(0)
    }
}

/// The audit entry of an import's end (R46): its counts.
#[derive(Serialize)]
struct Summary<'a> {
    rows: u64,
    done: u64,
    counts: &'a [(RowOutcome, u64)],
    accounts_added: u64,
    failure: Option<&'a str>,
}

impl<'a> Summary<'a> {
    fn of(status: &'a ImportStatus, failure: Option<&'a str>) -> Summary<'a> {
        Summary { rows: status.total, done: status.done, counts: &status.counts, accounts_added: status.accounts_added, failure }
    }
}

/// A row's details as the panels' forms carry them.
fn details_of(request: &RowRequest) -> UserDetails {
    UserDetails {
        language: request.language,
        deletion_date: request.deletion_date.clone(),
        labels: request.labels.clone(),
        values: request.values.iter().map(|(field, value)| FieldValue { field: *field, value: value.clone() }).collect(),
    }
}

/// A row's grants (every group × every role) as groups and roles.
fn split_grants(grants: &[(GroupId, Role)]) -> (Vec<GroupId>, Vec<Role>) {
    let mut groups: Vec<GroupId> = Vec::new();
    let mut roles: Vec<Role> = Vec::new();
    for &(group, role) in grants {
        if !groups.contains(&group) {
            groups.push(group);
        }
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    (groups, roles)
}

/// "Add these accounts to their rows' groups" (R21): an existing account the importer may see
/// (R62) gets the row's grants the importer may make, learners climbing (R10) and enrolled with
/// their session emails (R31). `false` when the importer may not see the account.
async fn add_to_groups(tx: &mut Tx, settings: &Settings, tree: &GroupTree, run: &Run<'_>, user: i64, request: &RowRequest) -> Result<bool, AppError> {
    if let Some(scope) = run.principal.user_scope() {
        let groups: Vec<GroupId> = sqlx::query_scalar("SELECT group_id FROM memberships WHERE user_id = $1").bind(user).fetch_all(&mut **tx).await?;
        if !groups.iter().any(|g| scope.contains(g)) {
            return Ok(false);
        }
    }
    let (groups, roles) = split_grants(&request.grants);
    for group in groups {
        if tree.get(group).is_none() || !run.principal.may(&Action::AddUsers(&roles.iter().map(|&r| (group, r)).collect::<Vec<_>>())) {
            continue;
        }
        let enrolled = crate::backend::groups::insert_memberships(tx, tree, user, group, &roles).await?;
        crate::backend::enrollment::email_enrollments(tx, settings, user, &enrolled).await?;
        audit::record(tx, &run.who, "membership_added", "user", user, &serde_json::json!({ "group": group, "roles": roles })).await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r36_a_rows_grants_are_its_groups_times_its_roles() {
        let grants = [(3, Role::Learner), (3, Role::Coach), (4, Role::Learner), (4, Role::Coach)];
        assert_eq!(split_grants(&grants), (vec![3, 4], vec![Role::Learner, Role::Coach]));
    }
}
