//! The preview of a file (R36): every row checked as the panels check a form, against the
//! platform as it is now and the rights of the person importing (row by row, R1–R6), and the
//! outcome each row would have (R21, R28). Nothing is written.

use std::collections::{HashMap, HashSet};

use super::file::{CsvFile, Row};

use crate::backend::db::Db;
use crate::backend::statement::Statement;
use crate::backend::{Permit, Principal};
use crate::domain::batch::{self, Checks, Column, Defaults, GroupNames, Header, Mode};
use crate::domain::capability::AddUsersSomewhere;
use crate::domain::custom_field::FieldType;
use crate::domain::identity::LoginId;
use crate::domain::policy::Action;
use crate::error::AppError;
use crate::i18n::{Msg, T};
use crate::wire::batch::{ImportPreview, RowOutcome, RowProblem, PROBLEMS_SHOWN};

/// A file and what the panel chose for all of it.
pub struct Request<'a> {
    pub file: &'a [u8],
    pub mode: Mode,
    pub defaults: &'a Defaults,
}

/// How many logins one lookup statement names.
const LOOKUP_CHUNK: usize = 500;

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
    let file = CsvFile::open(request.file)?;
    let mut rows = file.rows();
    let headers = rows.next().transpose()?.ok_or_else(|| AppError::field("file", Msg::FileEmpty))?.cells;
    let fields: Vec<(i64, String, String, Option<String>)> = sqlx::query_as("SELECT id, name, kind, options FROM custom_fields").fetch_all(&db.pool).await?;
    let field_names: Vec<(i64, &str)> = fields.iter().map(|(id, name, _, _)| (*id, name.as_str())).collect();
    let header = Header::read(&headers.iter().map(String::as_str).collect::<Vec<_>>(), &field_names);
    let column_name = |column: Column| match (column, header.position(column)) {
        (_, Some(i)) => headers[i].clone(),
        (Column::Field(id), None) => field_names.iter().find(|(f, _)| *f == id).map(|(_, name)| name.to_string()).unwrap_or_default(),
        (fixed, None) => fixed.header().map(|t| t.in_lang(principal.lang).to_string()).unwrap_or_default(),
    };
    if header.position(Column::Login).is_none() {
        return Err(AppError::field("file", Msg::MissingColumn { name: column_name(Column::Login) }));
    }
    let labels: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM labels").fetch_all(&db.pool).await?;
    let labels: HashMap<String, i64> = labels.into_iter().map(|(id, name)| (batch::key(&name), id)).collect();
    let types: HashMap<i64, FieldType> = fields.iter().map(|(id, _, kind, options)| (*id, FieldType::from_stored(kind, options.as_deref()))).collect();
    let groups = GroupNames::new(&principal.tree);
    let may_grant = |group, role| principal.may(&Action::AddUsers(&[(group, role)]));
    let checks = Checks { mode: request.mode, header: &header, groups: &groups, labels: &labels, fields: &types, defaults: request.defaults, may_grant: &may_grant };
    let today = crate::backend::deletion::today(&db.pool).await?.format("%Y-%m-%d").to_string();

    let mut outcomes: Vec<RowOutcome> = Vec::new();
    // The rows to look up, by login key: (row index, key, is an email).
    let mut candidates: Vec<(usize, String, bool)> = Vec::new();
    // Each login's first line, to name it on the rows that repeat it.
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in rows {
        let row = row?;
        let mut request = batch::check_row(&checks, &row.cells);
        if request.deletion_date.as_deref().is_some_and(|date| *date <= *today) {
            request.problems.push((Column::DeletionDate, Msg::DateNotInFuture));
        }
        let outcome = match &request.login {
            _ if !request.problems.is_empty() => RowOutcome::Invalid,
            Some(login) => match seen.get(login.key()) {
                Some(&first) => {
                    request.problems.push((Column::Login, Msg::RepeatedRow { line: first }));
                    RowOutcome::Repeated
                }
                None => {
                    seen.insert(login.key().to_string(), row.line);
                    candidates.push((outcomes.len(), login.key().to_string(), matches!(login, LoginId::Email(_))));
                    RowOutcome::New
                }
            },
            None => RowOutcome::Invalid,
        };
        let problems = request.problems.into_iter().map(|(column, msg)| RowProblem { line: row.line, column: column_name(column), msg }).collect();
        visit(&row, outcome, problems);
        outcomes.push(outcome);
    }

    let (active, invited) = existing(db, &candidates).await?;
    for (index, key, _) in &candidates {
        if active.contains(key) {
            outcomes[*index] = RowOutcome::ActiveAccount;
        } else if invited.contains(key) {
            outcomes[*index] = RowOutcome::AlreadyInvited;
        }
    }
    Ok(FileCheck { unknown_columns: header.unknown.clone(), outcomes, headers, delimiter: file.delimiter })
}

/// The preview (R36): counts per outcome and the first problems; nothing written.
pub async fn preview(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, request: Request<'_>) -> Result<ImportPreview, AppError> {
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
    let mut writer = csv::WriterBuilder::new().delimiter(checked.delimiter).terminator(csv::Terminator::CRLF).flexible(true).from_writer(Vec::new());
    let header = checked.headers.iter().cloned().chain([T::RejectReason.in_lang(lang).to_string()]);
    let failed = |e: csv::Error| AppError::internal(format!("rejected rows: {e}"));
    writer.write_record(header.map(|cell| batch::neutralised(&cell))).map_err(failed)?;
    for row in rejected {
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
        for chunk in keys.chunks(LOOKUP_CHUNK) {
            let mut statement = Statement::new(select);
            statement.push_in(column, chunk);
            let found = statement.query_scalar::<String>().fetch_all(&db.pool).await?;
            if pending { invited.extend(found) } else { active.extend(found) }
        }
    }
    Ok((active, invited))
}
