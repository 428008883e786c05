//! Managing invitations (R38): cancel, resend, and the Invitations list — each by the
//! invitation's own grants, asked inside the change's transaction by the holder of the permit to
//! add users somewhere.

use std::collections::HashMap;

use super::grants::grant_standings_of;
use super::invite::{platform_facts, queue_invitation_email, SentInvitation};

use crate::backend::audit::{self, Who};
use crate::backend::auth::new_token;
use crate::backend::db::{minute_of, now_ms, Backend, Db, Tx};
use crate::backend::statement::{Statement, Value};
use crate::backend::principal::Principal;
use crate::backend::{Permit, Settings};
use crate::domain::group_tree::GroupId;
use crate::domain::capability::{AddUsersSomewhere, ManageInvitation};
use crate::domain::policy::Action;
use crate::domain::visibility;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::wire::invitations::{InvitationList, InvitationRow, InvitationsColumn, InvitationsSort};

/// Checks that this person may manage the invitation (R3, R38) against its grants as they are
/// in this transaction: the invitation's address is held first, as an invite that adds grants
/// holds it, so no grant can slip in between the check and the change. An unknown invitation has
/// no grants: "not allowed", as for one of someone else's.
pub(crate) async fn require_manage(tx: &mut Tx, backend: crate::backend::db::Backend, principal: &Principal, invitation: i64) -> Result<(), AppError> {
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

/// A pending invitation as the list reads it.
#[derive(sqlx::FromRow)]
struct PendingRow {
    id: i64,
    email: String,
    email_key: String,
    created_at: i64,
    last_sent_at: Option<i64>,
    expires_at: i64,
    invited_by: i64,
    inviter_name: String,
}

/// One page of the Invitations list (R38, R84, R87): pending and expired invitations the
/// principal may manage, in `sort`'s order, optionally searched by the start of their address;
/// `after` is the previous page's `next` (keyset pagination: the last row's key and id). Which
/// invitations one may manage is asked of the database (`visibility::invitation_scope`), then of
/// the policy for each row shown.
pub async fn list(
    db: &Db,
    permit: &Permit<'_, AddUsersSomewhere>,
    search: &str,
    sort: InvitationsSort,
    after: Option<&str>,
    page: usize,
) -> Result<InvitationList, AppError> {
    if search.chars().count() > crate::wire::invitations::SEARCH_MAX {
        return Err(AppError::field("search", crate::i18n::Msg::TooLong { max: crate::wire::invitations::SEARCH_MAX }));
    }
    let principal = permit.by();
    let now = now_ms();
    // The page's ids first, from indexes alone (the rows of a search are sorted by date before
    // the page is cut: only their ids, not the rows, are read for that); then the page's rows.
    let mut ids = Statement::new("SELECT p.id FROM invitations p WHERE p.status = 'pending'");
    let term = search.trim().to_lowercase();
    if !term.is_empty() {
        // A prefix is a range in byte order, which the pending addresses' index serves.
        let collate = if db.backend == Backend::Postgres { " COLLATE \"C\"" } else { "" };
        let (from, to) = (ids.param(term.clone()), ids.param(format!("{term}{}", char::MAX)));
        ids.push(&format!(" AND p.email_key{collate} >= {from} AND p.email_key{collate} < {to}"));
    }
    // The order's column, then the invitation, both read the same way, each order on an index
    // (migrations 0013, 0016).
    let key = match sort.column {
        InvitationsColumn::Invited => "created_at",
        InvitationsColumn::Email => "email_key",
        InvitationsColumn::Expiry => "expires_at",
    };
    let (compare, direction) = if sort.descending { ("<", " DESC") } else { (">", "") };
    // A cursor that does not read as this order's starts at the beginning.
    let cursor = after.and_then(|cursor| cursor.rsplit_once('.')).and_then(|(at, id)| {
        let at: Value = match sort.column {
            InvitationsColumn::Email => at.into(),
            InvitationsColumn::Invited | InvitationsColumn::Expiry => at.parse::<i64>().ok()?.into(),
        };
        Some((at, id.parse::<i64>().ok()?))
    });
    if let Some((at, id)) = cursor {
        // A row value, which both databases compare on the order's index.
        ids.push(&format!(" AND (p.{key}, p.id) {compare} (")).bind(at).push(", ").bind(id).push(")");
    }
    if let Some((any_role, learners)) = visibility::invitation_scope(&principal.tree, &principal.actor()) {
        // Each grant in a group where one grants any role, or a learner grant where one grants
        // that; and at least one grant.
        ids.push(" AND EXISTS (SELECT 1 FROM invitation_grants g WHERE g.invitation_id = p.id)");
        ids.push(" AND NOT EXISTS (SELECT 1 FROM invitation_grants g WHERE g.invitation_id = p.id AND NOT (");
        ids.push_in("g.group_id", &any_role).push(" OR (g.role = 'learner' AND ").push_in("g.group_id", &learners).push(")))");
    }
    ids.push(&format!(" ORDER BY p.{key}{direction}, p.id{direction} LIMIT ")).bind(page as i64 + 1);
    let mut s = Statement::new(
        "SELECT i.id, i.email, i.email_key, i.created_at, i.last_sent_at, i.expires_at, i.invited_by, u.first_name || ' ' || u.last_name AS inviter_name
         FROM invitations i JOIN users u ON u.id = i.invited_by
         WHERE i.id IN (",
    );
    s.append(&ids).push(&format!(") ORDER BY i.{key}{direction}, i.id{direction}"));
    // One snapshot for the rows, their grants' standing and their emails.
    let mut tx = db.snapshot().await?;
    let mut found: Vec<PendingRow> = s.query_as().fetch_all(&mut *tx).await?;
    let more = found.len() > page;
    found.truncate(page);
    let inviters: Vec<(i64, i64)> = found.iter().map(|r| (r.id, r.invited_by)).collect();
    let mut standings = grant_standings_of(&mut tx, &principal.tree, &inviters).await?;
    // The delivery of each one's latest email, read for the page's rows only.
    let ids: Vec<i64> = inviters.iter().map(|&(id, _)| id).collect();
    let mut latest = Statement::new("SELECT invitation_id, status, last_error FROM outbox_emails WHERE id IN (SELECT MAX(id) FROM outbox_emails WHERE ");
    latest.push_in("invitation_id", &ids).push(" GROUP BY invitation_id)");
    let mut deliveries: HashMap<i64, (String, Option<String>)> =
        latest.query_as::<(i64, String, Option<String>)>().fetch_all(&mut *tx).await?.into_iter().map(|(id, status, error)| (id, (status, error))).collect();
    tx.commit().await?;
    let next = found.last().filter(|_| more).map(|r| match sort.column {
        InvitationsColumn::Invited => format!("{}.{}", r.created_at, r.id),
        InvitationsColumn::Email => format!("{}.{}", r.email_key, r.id),
        InvitationsColumn::Expiry => format!("{}.{}", r.expires_at, r.id),
    });
    let mut rows = Vec::new();
    for PendingRow { id, email, email_key: _, created_at, last_sent_at, expires_at, invited_by: _, inviter_name } in found {
        let (delivery, delivery_error) = deliveries.remove(&id).unwrap_or_default();
        let standings = standings.remove(&id).unwrap_or_default();
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
            invited_at: minute_of(created_at, principal.zone),
            last_sent_at: last_sent_at.map(|ms| minute_of(ms, principal.zone)),
            expires_at: minute_of(expires_at, principal.zone),
            is_expired: expires_at <= now,
            delivery,
            delivery_error,
        });
    }
    Ok(InvitationList { rows, next, time_zone: principal.zone.name().to_string() })
}
