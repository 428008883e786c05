//! A statement put together from parts — optional filters, lists of ids — with every value bound
//! as `$n`, never written into the SQL text. (sqlx's `QueryBuilder` writes `?` through the Any
//! driver, which PostgreSQL refuses.) Statements whose parts are all fixed are written whole, as
//! literals: `app/tests/service/statements.rs` prepares those on both databases.

use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::query::{Query, QueryAs, QueryScalar};

/// Rows a multi-row `INSERT` writes at most. A kept statement is prepared once per shape and
/// pooled connection, and SQLite takes ~17 ms to prepare one of 250 rows of 13 values (measured
/// in the import benchmark); 50 rows keep that small while each statement still writes many.
pub const ROWS_PER_INSERT: usize = 50;

/// Values an `IN` list names at most (far below either database's limit on parameters).
pub const IN_LIST_MAX: usize = 500;

/// A value a statement binds.
#[derive(Clone, Debug)]
pub enum Value {
    /// An integer, or NULL in an integer column (PostgreSQL wants a NULL's type).
    Int(Option<i64>),
    /// A text, or NULL in a text column.
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Int(Some(value))
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Value {
        Value::Int(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Text(Some(value.to_string()))
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::Text(Some(value))
    }
}

impl From<Option<&str>> for Value {
    fn from(value: Option<&str>) -> Value {
        Value::Text(value.map(str::to_string))
    }
}

/// `query` with each of `values` bound in turn (sqlx's three query types share no trait).
macro_rules! bound {
    ($query:expr, $values:expr) => {
        $values.iter().fold($query, |query, value| match value {
            Value::Int(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.as_deref()),
        })
    };
}

/// `IN` lists up to this long keep their statement prepared (see `query`).
const KEPT_LIST: usize = 32;

#[derive(Clone, Debug, Default)]
pub struct Statement {
    sql: String,
    values: Vec<Value>,
    /// Holds an `IN` list (`push_in`) longer than `KEPT_LIST`.
    has_long_list: bool,
}

impl Statement {
    pub fn new(sql: &str) -> Statement {
        Statement { sql: sql.to_string(), values: Vec::new(), has_long_list: false }
    }

    /// Appends SQL text (no values in it: those go through `bind` or `param`).
    pub fn push(&mut self, sql: &str) -> &mut Statement {
        self.sql.push_str(sql);
        self
    }

    /// Appends another statement, its placeholders renumbered after this one's (its text holds
    /// no `$` but in placeholders).
    pub fn append(&mut self, other: &Statement) -> &mut Statement {
        let offset = self.values.len();
        let mut rest = other.sql.as_str();
        while let Some(at) = rest.find('$') {
            self.sql.push_str(&rest[..=at]);
            let digits = rest[at + 1..].chars().take_while(char::is_ascii_digit).count();
            let n: usize = rest[at + 1..at + 1 + digits].parse().expect("a placeholder after $");
            self.sql.push_str(&(n + offset).to_string());
            rest = &rest[at + 1 + digits..];
        }
        self.sql.push_str(rest);
        self.values.extend(other.values.iter().cloned());
        self.has_long_list |= other.has_long_list;
        self
    }

    /// Adds a value and returns its placeholder, for text that names it more than once.
    pub fn param(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    /// Appends the placeholder of a new value.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Statement {
        let placeholder = self.param(value);
        self.push(&placeholder)
    }

    /// Appends `column IN ($n, …)`; for an empty list, a condition nothing meets.
    pub fn push_in<V: Into<Value> + Copy>(&mut self, column: &str, values: &[V]) -> &mut Statement {
        if values.is_empty() {
            return self.push("1 = 0");
        }
        self.has_long_list |= values.len() > KEPT_LIST;
        self.push(column).push(" IN (");
        for (i, &value) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self.push(")")
    }

    /// Appends one row of a multi-row `VALUES`: `($n, …)`, after a comma unless it is the first.
    pub fn push_row(&mut self, first: bool, values: impl IntoIterator<Item = Value>) -> &mut Statement {
        self.push(if first { "(" } else { ", (" });
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self.push(")")
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    // A statement with a long `IN` list is planned for its values each time, not kept prepared:
    // PostgreSQL switches a kept statement to a generic plan after five runs, in which a long
    // `IN ($1, …)` list can no longer be hashed (measured: a preview's lookups of 10,000
    // addresses went from 0.03 s to 2.2 s once the table had grown since the plan). Short lists
    // (a page's rows) and the others (the multi-row inserts) stay prepared: preparing USERS'
    // memberships-and-labels statement anew was ~5% of the page's server time, and SQLite takes
    // ~20 ms to prepare a 3,000-value insert.
    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        bound!(sqlx::query(&self.sql), self.values).persistent(!self.has_long_list)
    }

    pub fn query_as<T: for<'r> sqlx::FromRow<'r, AnyRow>>(&self) -> QueryAs<'_, Any, T, AnyArguments<'_>> {
        bound!(sqlx::query_as(&self.sql), self.values).persistent(!self.has_long_list)
    }

    pub fn query_scalar<T>(&self) -> QueryScalar<'_, Any, T, AnyArguments<'_>>
    where
        (T,): for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        bound!(sqlx::query_scalar(&self.sql), self.values).persistent(!self.has_long_list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_numbered_in_order_and_never_written_into_the_text() {
        let mut s = Statement::new("SELECT id FROM users u WHERE u.deleted_at IS NULL");
        let pattern = s.param("%o'brien%");
        s.push(&format!(" AND (u.first_name LIKE {pattern} OR u.last_name LIKE {pattern}) AND ")).push_in("u.id", &[7, 9]).push(" LIMIT ").bind(25);
        assert_eq!(s.sql(), "SELECT id FROM users u WHERE u.deleted_at IS NULL AND (u.first_name LIKE $1 OR u.last_name LIKE $1) AND u.id IN ($2, $3) LIMIT $4");
        assert!(!s.sql().contains("brien"));
        assert_eq!(Statement::new("x ").push_in::<i64>("id", &[]).sql(), "x 1 = 0", "an empty list matches nothing");
        let mut rows = Statement::new("INSERT INTO t (a, b) VALUES ");
        rows.push_row(true, [Value::from(1), Value::from(None::<&str>)]).push_row(false, [Value::from(2), Value::from("x")]);
        assert_eq!(rows.sql(), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
    }

    #[test]
    fn an_appended_statement_numbers_its_values_after_the_first_ones() {
        let mut set = Statement::new(" FROM memberships WHERE ");
        set.push_in("group_id", &[4, 5]).push(" AND role = ").bind("coach");
        let mut s = Statement::new("SELECT 1 FROM users u WHERE u.id > ");
        s.bind(10).push(" AND u.id IN (SELECT user_id").append(&set).push(") LIMIT ").bind(26);
        assert_eq!(s.sql(), "SELECT 1 FROM users u WHERE u.id > $1 AND u.id IN (SELECT user_id FROM memberships WHERE group_id IN ($2, $3) AND role = $4) LIMIT $5");
        assert_eq!(s.values.len(), 5);
        assert!(!s.has_long_list, "a short list is kept prepared");
        let long: Vec<i64> = (0..=KEPT_LIST as i64).collect();
        s.append(Statement::new(" OR ").push_in("id", &long));
        assert!(s.has_long_list, "a long list, appended, is planned each time");
    }
}
