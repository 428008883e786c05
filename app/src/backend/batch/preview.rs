//! The preview of a file (R36): every row checked as the panels check a form, against the
//! platform as it is now and the rights of the person importing (row by row, R1–R6), and the
//! outcome each row would have (R21, R28). Nothing is written.

use std::collections::{HashMap, HashSet};

use super::file::Row;
use super::rows;

use crate::backend::db::Db;
use crate::backend::statement::{Statement, IN_LIST_MAX};
use crate::backend::{Permit, Principal};
use crate::domain::batch::{self, Defaults, Mode};
use crate::domain::capability::AddUsersSomewhere;
use crate::domain::identity::LoginId;
use crate::error::AppError;
use crate::i18n::{Lang, T};
use crate::wire::batch::{ImportPreview, RowOutcome, RowProblem, PROBLEMS_SHOWN};

/// A file and what the panel chose for all of it.
pub struct Request<'a> {
    pub file: &'a [u8],
    pub mode: Mode,
    pub defaults: &'a Defaults,
}

/// What a pass over a file found beyond each row's own report.
struct FileCheck {
    unknown_columns: Vec<(usize, String)>,
    /// Each row's outcome, in the order of the file, once existing accounts are looked up.
    outcomes: Vec<RowOutcome>,
    /// The header row as the file writes it, and the file's separator.
    headers: Vec<String>,
    delimiter: u8,
}

/// Checks every row of the file; `visit` gets each row with its first-pass outcome (new,
/// repeated or invalid) and its problems, as the file names the columns.
async fn check_file(db: &Db, principal: &Principal, request: Request<'_>, mut visit: impl FnMut(&Row, RowOutcome, Vec<RowProblem>)) -> Result<FileCheck, AppError> {
    let (file, mut checker) = rows::open(db, principal, request.file, request.mode, request.defaults).await?;
    let mut outcomes: Vec<RowOutcome> = Vec::new();
    // The rows to look up, by login key: (row index, key, is an email).
    let mut candidates: Vec<(usize, String, bool)> = Vec::new();
    for row in rows::data_rows(&file) {
        let row = row?;
        let checked = checker.check(&row);
        if let (RowOutcome::New, Some(login)) = (checked.outcome, &checked.request.login) {
            candidates.push((outcomes.len(), login.key().to_string(), matches!(login, LoginId::Email(_))));
        }
        visit(&row, checked.outcome, checked.problems);
        outcomes.push(checked.outcome);
    }
    let (active, invited) = existing(db, &candidates).await?;
    for (index, key, _) in &candidates {
        if active.contains(key) {
            outcomes[*index] = RowOutcome::ActiveAccount;
        } else if invited.contains(key) {
            outcomes[*index] = RowOutcome::AlreadyInvited;
        }
    }
    Ok(FileCheck { unknown_columns: checker.unknown_columns().to_vec(), outcomes, headers: checker.headers.clone(), delimiter: file.delimiter })
}

/// The preview (R36): counts per outcome and the first problems; nothing written.
pub async fn preview(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, request: Request<'_>) -> Result<ImportPreview, AppError> {
    use crate::domain::names::{at_most, MAX_GROUPS, MAX_ROLES};
    at_most(&request.defaults.groups, MAX_GROUPS).map_err(|msg| AppError::field("groups", msg))?;
    at_most(&request.defaults.roles, MAX_ROLES).map_err(|msg| AppError::field("roles", msg))?;
    let mut problems = Vec::new();
    let checked = check_file(db, permit.by(), request, |_, _, row_problems| {
        problems.extend(row_problems.into_iter().take(PROBLEMS_SHOWN.saturating_sub(problems.len())));
    })
    .await?;
    let mut counts: HashMap<RowOutcome, u64> = HashMap::new();
    for outcome in &checked.outcomes {
        *counts.entry(*outcome).or_default() += 1;
    }
    let mut counts: Vec<(RowOutcome, u64)> = counts.into_iter().collect();
    counts.sort();
    Ok(ImportPreview { rows: checked.outcomes.len() as u64, counts, problems, unknown_columns: checked.unknown_columns })
}

/// The rejected rows (R36): the invalid and repeated rows as the file has them, each with a
/// last column saying why, every cell a spreadsheet would run neutralised; in the file's
/// separator, with a byte-order mark.
pub async fn rejected_rows(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, request: Request<'_>) -> Result<String, AppError> {
    let lang = permit.by().lang;
    let mut rejected: Vec<Vec<String>> = Vec::new();
    let checked = check_file(db, permit.by(), request, |row, outcome, problems| {
        if matches!(outcome, RowOutcome::Invalid | RowOutcome::Repeated) {
            let reason = problems.iter().map(|p| format!("{}: {}", p.column, p.msg.render(lang))).collect::<Vec<_>>().join("; ");
            rejected.push(row.cells.iter().cloned().chain([reason]).collect());
        }
    })
    .await?;
    rejected_file(lang, checked.delimiter, &checked.headers, rejected.into_iter())
}

/// A rejected-rows file: the header as the file has it plus the reason column, then the rows;
/// every cell a spreadsheet would run neutralised (R36); in the file's separator, CRLF, with a
/// byte-order mark (Excel then reads it as UTF-8).
pub fn rejected_file(lang: Lang, delimiter: u8, headers: &[String], rows: impl Iterator<Item = Vec<String>>) -> Result<String, AppError> {
    let mut writer = csv::WriterBuilder::new().delimiter(delimiter).terminator(csv::Terminator::CRLF).flexible(true).from_writer(Vec::new());
    let header = headers.iter().cloned().chain([T::RejectReason.in_lang(lang).to_string()]);
    let failed = |e: csv::Error| AppError::internal(format!("rejected rows: {e}"));
    writer.write_record(header.map(|cell| batch::neutralised(&cell))).map_err(failed)?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| batch::neutralised(cell))).map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|e| AppError::internal(format!("rejected rows: {e}")))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

/// Of these logins, those of active accounts, and the addresses with a pending invitation.
async fn existing(db: &Db, candidates: &[(usize, String, bool)]) -> Result<(HashSet<String>, HashSet<String>), AppError> {
    let (mut active, mut invited) = (HashSet::new(), HashSet::new());
    let emails: Vec<&str> = candidates.iter().filter(|c| c.2).map(|c| c.1.as_str()).collect();
    let usernames: Vec<&str> = candidates.iter().filter(|c| !c.2).map(|c| c.1.as_str()).collect();
    let lookups = [
        ("SELECT email_key FROM users WHERE deleted_at IS NULL AND ", "email_key", &emails, false),
        ("SELECT username_key FROM users WHERE deleted_at IS NULL AND ", "username_key", &usernames, false),
        ("SELECT email_key FROM invitations WHERE status = 'pending' AND ", "email_key", &emails, true),
    ];
    for (select, column, keys, pending) in lookups {
        for chunk in keys.chunks(IN_LIST_MAX) {
            let mut statement = Statement::new(select);
            statement.push_in(column, chunk);
            let found = statement.query_scalar::<String>().fetch_all(&db.pool).await?;
            if pending { invited.extend(found) } else { active.extend(found) }
        }
    }
    Ok((active, invited))
}
