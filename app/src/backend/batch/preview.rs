//! The preview of a file (R36): every row checked as the panels check a form, against the
//! platform as it is now and the rights of the person importing (row by row, R1–R6), and the
//! outcome each row would have (R21, R28). Nothing is written.

use std::collections::{HashMap, HashSet};

use super::file::CsvFile;

use crate::backend::db::Db;
use crate::backend::statement::Statement;
use crate::backend::Permit;
use crate::domain::batch::{self, Checks, Column, Defaults, GroupNames, Header, Mode};
use crate::domain::capability::AddUsersSomewhere;
use crate::domain::custom_field::FieldType;
use crate::domain::identity::LoginId;
use crate::domain::policy::Action;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::wire::batch::{ImportPreview, RowOutcome, RowProblem, PROBLEMS_SHOWN};

/// A file and what the panel chose for all of it.
pub struct Request<'a> {
    pub file: &'a [u8],
    pub mode: Mode,
    pub defaults: &'a Defaults,
}

/// How many logins one lookup statement names.
const LOOKUP_CHUNK: usize = 500;

pub async fn preview(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, request: Request<'_>) -> Result<ImportPreview, AppError> {
    let principal = permit.by();
    let file = CsvFile::open(request.file)?;
    let mut rows = file.rows();
    let headers = rows.next().transpose()?.ok_or_else(|| AppError::field("file", Msg::FileEmpty))?.cells;
    let fields: Vec<(i64, String, String, Option<String>)> = sqlx::query_as("SELECT id, name, kind, options FROM custom_fields").fetch_all(&db.pool).await?;
    let field_names: Vec<(i64, &str)> = fields.iter().map(|(id, name, _, _)| (*id, name.as_str())).collect();
    let header = Header::read(&headers.iter().map(String::as_str).collect::<Vec<_>>(), &field_names);
    let column_name = |column: Column| match header.position(column) {
        Some(i) => headers[i].clone(),
        None => column.header().map(|t| t.in_lang(principal.lang).to_string()).unwrap_or_default(),
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

    let mut preview = ImportPreview { unknown_columns: header.unknown.clone(), ..ImportPreview::default() };
    let mut outcomes: Vec<RowOutcome> = Vec::new();
    // The rows still to look up, by login key: (row index, is an email).
    let mut candidates: Vec<(usize, String, bool)> = Vec::new();
    let mut seen = HashSet::new();
    for row in rows {
        let row = row?;
        let mut request = batch::check_row(&checks, &row.cells);
        if request.deletion_date.as_deref().is_some_and(|date| *date <= *today) {
            request.problems.push((Column::DeletionDate, Msg::DateNotInFuture));
        }
        let outcome = match &request.login {
            _ if !request.problems.is_empty() => RowOutcome::Invalid,
            Some(login) if !seen.insert(login.key().to_string()) => RowOutcome::Repeated,
            Some(login) => {
                candidates.push((outcomes.len(), login.key().to_string(), matches!(login, LoginId::Email(_))));
                RowOutcome::New
            }
            None => RowOutcome::Invalid,
        };
        for (column, msg) in request.problems {
            if preview.problems.len() < PROBLEMS_SHOWN {
                let column = match column {
                    Column::Field(id) => field_names.iter().find(|(f, _)| *f == id).map(|(_, name)| name.to_string()).unwrap_or_default(),
                    fixed => column_name(fixed),
                };
                preview.problems.push(RowProblem { line: row.line, column, msg });
            }
        }
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
    preview.rows = outcomes.len() as u64;
    let mut counts: HashMap<RowOutcome, u64> = HashMap::new();
    for outcome in outcomes {
        *counts.entry(outcome).or_default() += 1;
    }
    preview.counts = counts.into_iter().collect();
    preview.counts.sort();
    Ok(preview)
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
