//! Issue 11.4: sqlx's Any driver cannot check queries at compile time, so this test reads every
//! SQL statement written as a literal in `app/src/` (`sqlx::query("…")`, `query_as`,
//! `query_scalar`) and prepares it on a migrated SQLite and PostgreSQL: a misspelt column or a
//! dialect slip fails here, even on a path no other test walks. Statements put together from
//! parts (`backend::statement::Statement`: optional filters, lists) and those naming a table
//! chosen among fixed ones (`format!`) are not literals; the tests of their services cover them.

use std::path::Path;

use app::backend::testing::TestDb;
use sqlx::Executor;

app::on_both_databases!(every_literal_sql_statement_prepares, a_migrated_database_starts_at_once_and_an_edited_migration_is_still_refused,);

/// `Db::migrate` on an up-to-date database only reads the applied list (no migrator lock, R83),
/// yet a migration file edited after it was applied is refused as the migrator would.
async fn a_migrated_database_starts_at_once_and_an_edited_migration_is_still_refused(db: TestDb) {
    db.migrate().await.expect("nothing to do");
    sqlx::query("UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 1").bind(vec![0u8; 48]).execute(&db.pool).await.unwrap();
    let refused = db.migrate().await.expect_err("an edited migration");
    assert!(refused.to_string().contains("cannot migrate the database"), "{refused}");
}

/// The string literal that opens `text` (after spaces): its content, unescaped.
fn literal(text: &str) -> Option<String> {
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix("r#\"") {
        return rest.find("\"#").map(|end| rest[..end].to_string());
    }
    let rest = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                // A line continuation: the next line's leading spaces are skipped.
                '\n' => {
                    while chars.next_if(|c| c.is_whitespace()).is_some() {}
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Every literal statement of the sources, with where it stands.
fn statements() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in ["sqlx::query(", "sqlx::query_as(", "sqlx::query_scalar(", "sqlx::query_as::<"] {
                for (at, _) in text.match_indices(call) {
                    let after = &text[at + call.len()..];
                    // `query_as::<_, (…)>(`: the arguments start after the turbofish.
                    let after = if call.ends_with('<') { &after[after.find(">(").map(|i| i + 2).unwrap_or(0)..] } else { after };
                    if let Some(sql) = literal(after) {
                        let line = text[..at].lines().count() + 1;
                        found.push((format!("{}:{line}", path.strip_prefix(&src).unwrap().display()), sql));
                    }
                }
            }
        }
    }
    found
}

async fn every_literal_sql_statement_prepares(db: TestDb) {
    let statements = statements();
    assert!(statements.len() > 150, "the reader finds the statements: {}", statements.len());
    let mut failed = Vec::new();
    // PostgreSQL's own functions, in statements its code runs only there (`db::serialize_on_address`).
    let postgres_only = |sql: &str| sql.contains("pg_advisory");
    for (place, sql) in statements.iter().filter(|(_, sql)| db.backend == app::backend::db::Backend::Postgres || !postgres_only(sql)) {
        if let Err(error) = db.pool.prepare(sql.as_str()).await {
            failed.push(format!("{place}: {error}\n    {}", sql.split_whitespace().collect::<Vec<_>>().join(" ")));
        }
    }
    assert!(failed.is_empty(), "{} of {} statements do not prepare on {:?}:\n{}", failed.len(), statements.len(), db.backend, failed.join("\n"));
}
