//! Managing invitations (R38): cancel, resend, and the Invitations list — each by the
//! invitation's own grants, asked inside the change's transaction by the holder of the permit to
//! add users somewhere.

use super::grants::grant_standings;
use super::invite::{platform_facts, queue_invitation_email, SentInvitation};

use crate::backend::audit::{self, Who};
use crate::backend::auth::new_token;
use crate::backend::db::{like_pattern, minute_of, now_ms, Db, Tx};
use crate::backend::principal::Principal;
use crate::backend::{Permit, Settings};
use crate::domain::group_tree::GroupId;
use crate::domain::capability::{AddUsersSomewhere, ManageInvitation};
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::wire::invitations::{InvitationList, InvitationRow};

/// Checks that this person may manage the invitation (R3, R38) against its grants as they are
/// in this transaction: the invitation's address is held first, as an invite that adds grants
/// holds it, so no grant can slip in between the check and the change. An unknown invitation has
/// no grants: "not allowed", as for one of someone else's.
async fn require_manage(tx: &mut Tx, backend: crate::backend::db::Backend, principal: &Principal, invitation: i64) -> Result<(), AppError> {
    let address: Option<String> = sqlx::query_scalar("SELECT email_key FROM invitations WHERE id = $1").bind(invitation).fetch_optional(&mut **tx).await?;
    if let Some(address) = &address {
        crate::backend::db::serialize_on_address(tx, backend, address).await?;
    }
    principal.require(ManageInvitation { id: invitation, grants: grants_of(&mut **tx, invitation).await? })?;
    Ok(())
}

/// The (group, role) grants of an invitation.
async fn grants_of<'e>(executor: impl sqlx::Executor<'e, Database = sqlx::Any>, invitation: i64) -> Result<Vec<(GroupId, Role)>, AppError> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT group_id, role FROM invitation_grants WHERE invitation_id = $1").bind(invitation).fetch_all(executor).await?;
    Ok(rows.into_iter().filter_map(|(g, r)| Role::parse(&r).map(|r| (g, r))).collect())
}

/// Cancels a pending invitation: its link stops working at once (R23, R38).
pub async fn cancel(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, invitation: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    require_manage(&mut tx, db.backend, permit.by(), invitation).await?;
    let cancelled = sqlx::query("UPDATE invitations SET status = 'cancelled', cancelled_at = $1, cancelled_by = $2 WHERE id = $3 AND status = 'pending'")
        .bind(now_ms())
        .bind(who.actor)
        .bind(invitation)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if cancelled != 1 {
        return Err(AppError::NotFound);
    }
    // Its emails not sent yet would carry a dead link: withdrawn, and their secret forgotten.
    sqlx::query("UPDATE outbox_emails SET secret = NULL WHERE invitation_id = $1").bind(invitation).execute(&mut *tx).await?;
    audit::record(&mut tx, who, "invitation_cancelled", "invitation", invitation, &serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// How soon an invitation may be sent again.
pub const RESEND_INTERVAL_MS: i64 = 60_000;

/// Resends a pending (or expired) invitation (R38): a new link (the old one stops working), the
/// expiry restarted, a new email; at most once a minute.
pub async fn resend(db: &Db, settings: &Settings, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, invitation: i64) -> Result<(), AppError> {
    let principal = permit.by();
    crate::backend::settings::sending_invitation_emails(db, principal, 1, "emails", resend_once(db, settings, principal, who, invitation)).await
}

async fn resend_once(db: &Db, settings: &Settings, principal: &Principal, who: &Who, invitation: i64) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    require_manage(&mut tx, db.backend, principal, invitation).await?;
    let platform = platform_facts(&mut tx).await?;
    let (token, token_hash) = new_token();
    let row: Option<(i64, String, Option<String>, String, String)> = sqlx::query_as(
        "UPDATE invitations SET token_hash = $1, expires_at = $2, last_sent_at = $3, send_count = send_count + 1
         WHERE id = $4 AND status = 'pending' AND (last_sent_at IS NULL OR last_sent_at <= $5)
         RETURNING send_count, email, language,
                   (SELECT first_name FROM users WHERE users.id = invitations.invited_by),
                   (SELECT last_name FROM users WHERE users.id = invitations.invited_by)",
    )
    .bind(&token_hash)
    .bind(now + platform.lifetime_ms)
    .bind(now)
    .bind(invitation)
    .bind(now - RESEND_INTERVAL_MS)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((send_count, email, language, first, last)) = row else {
        let last_sent: Option<Option<i64>> =
            sqlx::query_scalar("SELECT last_sent_at FROM invitations WHERE id = $1 AND status = 'pending'").bind(invitation).fetch_optional(&mut *tx).await?;
        return Err(match last_sent {
            Some(Some(at)) => AppError::TooManyAttempts { retry_after_secs: ((at + RESEND_INTERVAL_MS - now).max(1000) / 1000) as u64 },
            _ => AppError::NotFound,
        });
    };
    let language = language.as_deref().and_then(Lang::parse).unwrap_or(platform.language);
    let sent = SentInvitation { id: invitation, send: send_count, to: &email, token: &token, expires_at: now + platform.lifetime_ms, language };
    queue_invitation_email(&mut tx, settings, &platform, &format!("{first} {last}"), sent).await?;
    audit::record(&mut tx, who, "invitation_resent", "invitation", invitation, &serde_json::json!({ "send": send_count })).await?;
    tx.commit().await?;
    Ok(())
}

/// A pending invitation as the list reads it, with its latest email's delivery.
#[derive(sqlx::FromRow)]
struct PendingRow {
    id: i64,
    email: String,
    created_at: i64,
    last_sent_at: Option<i64>,
    expires_at: i64,
    invited_by: i64,
    inviter_name: String,
    delivery: Option<String>,
    delivery_error: Option<String>,
}

/// One page of the Invitations list (R38): pending and expired invitations the principal may
/// manage, newest first, optionally searched by email; `after` is the last row of the previous
/// page (keyset pagination).
pub async fn list(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, search: &str, after: Option<(i64, i64)>, page: usize) -> Result<InvitationList, AppError> {
    let principal = permit.by();
    let pattern = like_pattern(search);
    let (mut cursor_at, mut cursor_id) = after.unwrap_or((i64::MAX, i64::MAX));
    let now = now_ms();
    let mut rows = Vec::new();
    // One snapshot for the rows and their grants' standing.
    let mut tx = db.begin().await?;
    // Rows the principal may not manage are skipped, so a page may take several batches.
    for _ in 0..50 {
        let batch: Vec<PendingRow> = sqlx::query_as(
            "SELECT i.id, i.email, i.created_at, i.last_sent_at, i.expires_at, i.invited_by, u.first_name || ' ' || u.last_name AS inviter_name,
                    (SELECT status FROM outbox_emails o WHERE o.invitation_id = i.id ORDER BY o.id DESC LIMIT 1) AS delivery,
                    (SELECT last_error FROM outbox_emails o WHERE o.invitation_id = i.id ORDER BY o.id DESC LIMIT 1) AS delivery_error
             FROM invitations i JOIN users u ON u.id = i.invited_by
             WHERE i.status = 'pending' AND ($1 = '' OR i.email_key LIKE $1 ESCAPE '\\') AND (i.created_at < $2 OR (i.created_at = $2 AND i.id < $3))
             ORDER BY i.created_at DESC, i.id DESC LIMIT 100",
        )
        .bind(&pattern)
        .bind(cursor_at)
        .bind(cursor_id)
        .fetch_all(&mut *tx)
        .await?;
        let exhausted = batch.len() < 100;
        for PendingRow { id, email, created_at, last_sent_at, expires_at, invited_by, inviter_name, delivery, delivery_error } in batch {
            (cursor_at, cursor_id) = (created_at, id);
            let standings = grant_standings(&mut tx, id, invited_by).await?;
            let grants: Vec<(GroupId, Role)> = standings.iter().map(|s| (s.group, s.role)).collect();
            if !principal.may(&Action::ManageInvitation(&grants)) {
                continue;
            }
            let named = |keep: bool| -> Vec<(String, Role)> {
                standings.iter().filter(|s| s.stands == keep).map(|s| (principal.tree.get(s.group).map(|n| n.name.clone()).unwrap_or_default(), s.role)).collect()
            };
            rows.push(InvitationRow {
                id,
                email,
                grants: named(true),
                lapsed: named(false),
                invited_by: inviter_name,
                invited_at: minute_of(created_at),
                last_sent_at: last_sent_at.map(minute_of),
                expires_at: minute_of(expires_at),
                is_expired: expires_at <= now,
                delivery: delivery.unwrap_or_default(),
                delivery_error,
            });
            if rows.len() == page {
                return Ok(InvitationList { next: Some(format!("{created_at}.{id}")), rows });
            }
        }
        if exhausted {
            break;
        }
    }
    Ok(InvitationList { rows, next: None })
}
