//! The rows of a file as the panels would check them (R36): what the file's header names, what
//! each row asks, and what is wrong with it, against the platform as it is now and the rights of
//! the person importing (row by row, R1–R6). Shared by the preview and the import itself, which
//! checks every row again as it writes it.

use std::collections::HashMap;

use super::file::{CsvFile, Row};

use crate::backend::db::Db;
use crate::backend::Principal;
use crate::domain::batch::{self, Checks, Column, Defaults, GroupNames, Header, Mode, RowRequest};
use crate::domain::custom_field::FieldType;
use crate::domain::policy::Action;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::wire::batch::{RowOutcome, RowProblem};

/// What a file's rows are checked against, read once per file.
pub struct RowChecker<'a> {
    /// The header row as the file writes it.
    pub headers: Vec<String>,
    header: Header,
    field_names: Vec<(i64, String)>,
    fields: HashMap<i64, FieldType>,
    labels: HashMap<String, i64>,
    groups: GroupNames,
    mode: Mode,
    defaults: &'a Defaults,
    principal: &'a Principal,
    /// Today in the platform's time zone, `YYYY-MM-DD`: a deletion date must come after it (R42).
    today: String,
    /// Each login's first line, to name it on the rows that repeat it.
    seen: HashMap<String, u64>,
}

/// One row as checked: what it asks, its first outcome (new, repeated or invalid: existing
/// accounts and invitations are looked up by the caller), and its problems as the file names
/// the columns.
pub struct Checked {
    pub request: RowRequest,
    pub outcome: RowOutcome,
    pub problems: Vec<RowProblem>,
}

/// Opens `bytes` and reads its header; refuses a file without a login column. The rows below
/// the header are `data_rows(&file)`, each checked in turn by the checker.
pub async fn open<'a>(db: &Db, principal: &'a Principal, bytes: &'a [u8], mode: Mode, defaults: &'a Defaults) -> Result<(CsvFile<'a>, RowChecker<'a>), AppError> {
        let file = CsvFile::open(bytes)?;
        let headers = file.rows().next().transpose()?.ok_or_else(|| AppError::field("file", Msg::FileEmpty))?.cells;
        let stored: Vec<(i64, String, String, Option<String>)> = sqlx::query_as("SELECT id, name, kind, options FROM custom_fields").fetch_all(&db.pool).await?;
        let field_names: Vec<(i64, String)> = stored.iter().map(|(id, name, _, _)| (*id, name.clone())).collect();
        let names: Vec<(i64, &str)> = field_names.iter().map(|(id, name)| (*id, name.as_str())).collect();
        let header = Header::read(&headers.iter().map(String::as_str).collect::<Vec<_>>(), &names);
        let labels: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM labels").fetch_all(&db.pool).await?;
        let checker = RowChecker {
            headers,
            header,
            fields: stored.iter().map(|(id, _, kind, options)| (*id, FieldType::from_stored(kind, options.as_deref()))).collect(),
            field_names,
            labels: labels.into_iter().map(|(id, name)| (batch::key(&name), id)).collect(),
            groups: GroupNames::new(&principal.tree),
            mode,
            defaults,
            principal,
            today: crate::backend::deletion::today(&db.pool).await?.format("%Y-%m-%d").to_string(),
            seen: HashMap::new(),
        };
        if checker.header.position(Column::Login).is_none() {
            return Err(AppError::field("file", Msg::MissingColumn { name: checker.column_name(Column::Login) }));
        }
        Ok((file, checker))
}

/// The rows below the header, read one at a time (100,000 rows are never all held as objects).
pub fn data_rows<'f>(file: &'f CsvFile<'_>) -> impl Iterator<Item = Result<Row, AppError>> + 'f {
    file.rows().skip(1)
}

impl RowChecker<'_> {
    /// Headers Roster does not know (1-based column, as typed).
    pub fn unknown_columns(&self) -> &[(usize, String)] {
        &self.header.unknown
    }

    /// A column as the file names it (or as the template would, if the file has no such column).
    pub fn column_name(&self, column: Column) -> String {
        match (column, self.header.position(column)) {
            (_, Some(i)) => self.headers[i].clone(),
            (Column::Field(id), None) => self.field_names.iter().find(|(f, _)| *f == id).map(|(_, name)| name.clone()).unwrap_or_default(),
            (fixed, None) => fixed.header().map(|t| t.in_lang(self.principal.lang).to_string()).unwrap_or_default(),
        }
    }

    /// Checks the next row of the file (rows must come in the file's order: a login on an
    /// earlier row makes this one `Repeated`).
    pub fn check(&mut self, row: &Row) -> Checked {
        let principal = self.principal;
        let may_grant = |group, role| principal.may(&Action::AddUsers(&[(group, role)]));
        let checks = Checks { mode: self.mode, header: &self.header, groups: &self.groups, labels: &self.labels, fields: &self.fields, defaults: self.defaults, may_grant: &may_grant };
        let mut request = batch::check_row(&checks, &row.cells);
        if request.deletion_date.as_deref().is_some_and(|date| *date <= *self.today) {
            request.problems.push((Column::DeletionDate, Msg::DateNotInFuture));
        }
        let outcome = match &request.login {
            _ if !request.problems.is_empty() => RowOutcome::Invalid,
            Some(login) => match self.seen.get(login.key()) {
                Some(&first) => {
                    request.problems.push((Column::Login, Msg::RepeatedRow { line: first }));
                    RowOutcome::Repeated
                }
                None => {
                    self.seen.insert(login.key().to_string(), row.line);
                    RowOutcome::New
                }
            },
            None => RowOutcome::Invalid,
        };
        let problems = request.problems.iter().map(|(column, msg)| RowProblem { line: row.line, column: self.column_name(*column), msg: msg.clone() }).collect();
        Checked { request, outcome, problems }
    }
}
