//! Billing (R26, R45): an account becomes billable once — when it is activated by registration,
//! when its credentials email is sent, or at set-up when no email is asked for — and the owner
//! sees who is billed and since when.

use super::db::{date_of, minute_of, Db, Tx};
use super::statement::Statement;
use super::Permit;
use crate::domain::capability::SeeBilling;

use crate::domain::billing::BillingReason;
use crate::error::AppError;
use crate::wire::billing::{BILLING_PER_PAGE, BillingHistory, BillingRow};

/// Records that a user became billable, once per user whatever the races.
pub async fn bill(tx: &mut Tx, user: i64, reason: BillingReason, at: i64) -> Result<(), AppError> {
    bill_all(tx, &[user], reason, at).await
}

/// `bill` for many users in one statement (the outbox worker's credentials emails sent together);
/// at most `IN_LIST_MAX` of them.
pub async fn bill_all(tx: &mut Tx, users: &[i64], reason: BillingReason, at: i64) -> Result<(), AppError> {
    if users.is_empty() {
        return Ok(());
    }
    let mut statement = Statement::new("INSERT INTO billing_events (user_id, reason, billed_at) SELECT id, ");
    statement.bind(reason.as_str()).push(", ").bind(at).push(" FROM users WHERE ").push_in("id", users).push(" ON CONFLICT (user_id) DO NOTHING");
    statement.query().execute(&mut **tx).await?;
    Ok(())
}

/// A billed account as the history reads it.
#[derive(sqlx::FromRow)]
struct BilledRow {
    id: i64,
    first_name: String,
    last_name: String,
    login: Option<String>,
    reason: String,
    billed_at: i64,
    deleted_at: Option<i64>,
}

/// One page of billed accounts, the latest first, and how many are billed and active now
/// (a deleted account was billed, but is no more: R42).
pub async fn page(db: &Db, permit: &Permit<'_, SeeBilling>, page: u32) -> Result<BillingHistory, AppError> {
    let (billed, active): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(CASE WHEN u.deleted_at IS NULL AND u.deactivated_at IS NULL THEN 1 END) FROM billing_events b JOIN users u ON u.id = b.user_id",
    )
    .fetch_one(&db.pool)
    .await?;
    let pages = (billed as u64).div_ceil(u64::from(BILLING_PER_PAGE)).max(1) as u32;
    let page = page.clamp(1, pages);
    let rows: Vec<BilledRow> = sqlx::query_as(
        "SELECT u.id, u.first_name, u.last_name, COALESCE(u.email, u.username) AS login, b.reason, b.billed_at, u.deleted_at
         FROM billing_events b JOIN users u ON u.id = b.user_id
         ORDER BY b.billed_at DESC, b.id DESC LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(BILLING_PER_PAGE))
    .bind(i64::from((page - 1) * BILLING_PER_PAGE))
    .fetch_all(&db.pool)
    .await?;
    let zone = permit.by().zone;
    let rows = rows
        .into_iter()
        .map(|BilledRow { id, first_name: first, last_name: last, login, reason, billed_at, deleted_at }| BillingRow {
            // A deleted account keeps its row, without a name or a page.
            user_id: deleted_at.is_none().then_some(id),
            name: format!("{first} {last}").trim().to_string(),
            login: if deleted_at.is_none() { login.unwrap_or_default() } else { String::new() },
            reason: BillingReason::parse(&reason),
            billed_at: minute_of(billed_at, zone),
            deleted_on: deleted_at.map(|ms| date_of(ms, zone)),
        })
        .collect();
    Ok(BillingHistory { active, billed, rows, page, pages, time_zone: zone.name().to_string() })
}
