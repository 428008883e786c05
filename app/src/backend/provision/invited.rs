//! Users a token that invites provisions (R99): the provider's create invites the address into
//! the token's group as a learner, as + > User > Invite users does (R20–R22: the email, the
//! person's own form at first login; active, and billed, only then). The provider knows the
//! invitation as `i<id>`, and the account it becomes by the same id, its externalId carried over.
//! Until the person registers, the provider may read the invitation, cancel it (DELETE, or
//! `active: false`), change its externalId, and add it to groups or take it out (grants of the
//! invitation, R21): the names and the password are the person's to type.

use super::users::{checked_external_id, get, Account, Provisioned};
use crate::backend::audit::Who;
use crate::backend::db::Db;
use crate::backend::invitations::{invite_many, require_manage, Batch, Invitee};
use crate::backend::{Permit, Settings};
use crate::domain::capability::{AddToGroup, AddUsersSomewhere, RemoveRole};
use crate::domain::group_tree::GroupId;
use crate::domain::identity::LoginId;
use crate::domain::invitation::InviteResult;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Msg;

/// A pending invitation made through SCIM, as the provider sees it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Invited {
    pub id: i64,
    pub email: String,
    pub external_id: Option<String>,
    pub language: Option<String>,
    pub created_at: i64,
}

/// What an invitation's SCIM id names: the invitation while it is pending, then the account it
/// became.
pub enum Named {
    Pending(Invited),
    User(Provisioned),
}

/// Invites `account`'s address into `group` as a learner (R20, R21: a pending invitation made in
/// the panels gains the grant, and the provider knows it from then on), with its language, labels
/// and custom values. An address with an account, or one the provider already invited, is taken
/// (SCIM's uniqueness). The names given are not kept: the person types theirs (R22).
pub async fn invite(db: &Db, settings: &Settings, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, account: &Account, group: GroupId) -> Result<Invited, AppError> {
    let principal = permit.by();
    let in_group = principal.require(AddToGroup::new(group, &[Role::Learner]))?;
    let external_id = checked_external_id(account.external_id.as_deref())?;
    let Some(LoginId::Email(email)) = LoginId::parse(&account.login) else {
        // An invitation is an email: a username cannot be invited (R40).
        return Err(AppError::field("login", Msg::InvalidEmail));
    };
    let mut errors = Vec::new();
    let said = account.new_details(db, &mut errors).await?;
    let details = crate::backend::details::check(db, &said, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    crate::backend::settings::take_invitation_emails(db, principal, 1, "login").await?;
    let invited = async {
        let mut tx = db.begin().await?;
        let batch = Batch { backend: db.backend, settings, inviter: in_group.by(), who, session: None };
        let grants = [(group, Role::Learner)];
        let result = invite_many(&mut tx, &batch, &[Invitee { email: &email, grants: &grants, details: &details }]).await?;
        let sent = match result.first() {
            Some(InviteResult::Invited) => true,
            Some(InviteResult::AlreadyInvited) => false,
            Some(InviteResult::ActiveAccount { .. }) => return Err(AppError::field("login", Msg::ActiveAccountExists)),
            _ => return Err(AppError::internal(format!("inviting {} through SCIM gave {result:?}", email.as_str()))),
        };
        let (id, scim): (i64, i64) = sqlx::query_as("SELECT id, scim FROM invitations WHERE email_key = $1 AND status = 'pending'").bind(email.key()).fetch_one(&mut *tx).await?;
        if scim != 0 && !sent {
            // The provider invited this address already (the transaction's extra grant undone).
            return Err(AppError::field("login", Msg::PendingInvitation { email: email.as_str().to_string() }));
        }
        sqlx::query("UPDATE invitations SET scim = 1, external_id = $1 WHERE id = $2").bind(external_id).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok::<_, AppError>((id, sent))
    }
    .await;
    let sent = matches!(invited, Ok((_, true)));
    crate::backend::settings::give_back_invitation_emails(db, principal, if sent { 0 } else { 1 }).await?;
    let (id, _) = invited?;
    read(db, id).await?.ok_or(AppError::NotFound)
}

/// What the SCIM id `i<invitation>` names, for this caller: the pending invitation if they may
/// manage it (R3, R38), or the account it became if they see it (R62). A cancelled or expired
/// one, or one not made through SCIM, is not found.
pub async fn named(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, invitation: i64) -> Result<Named, AppError> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT status, accepted_user_id FROM invitations WHERE id = $1 AND scim = 1").bind(invitation).fetch_optional(&db.pool).await?;
    match row {
        Some((status, Some(user))) if status == "accepted" => Ok(Named::User(get(db, permit, user).await?)),
        Some((status, _)) if status == "pending" => {
            let mut tx = db.begin().await?;
            pending_in(&mut tx, db, permit.by(), invitation).await?;
            tx.commit().await?;
            Ok(Named::Pending(read(db, invitation).await?.ok_or(AppError::NotFound)?))
        }
        _ => Err(AppError::NotFound),
    }
}

/// What a provider may look a pending invitation up by, before it creates the person again.
pub enum Lookup<'a> {
    /// The address (`userName` or `emails.value`), case aside.
    Email(&'a str),
    /// `externalId`, exactly.
    ExternalId(&'a str),
}

/// The pending invitation the provider made (R99) with this address or externalId, if this
/// caller may manage it: what an identity provider's lookup before a create must find, else it
/// would create the person again and be told the address is taken.
pub async fn pending_by(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, lookup: Lookup<'_>) -> Result<Option<Invited>, AppError> {
    let found: Option<i64> = match lookup {
        Lookup::Email(email) => sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = $1 AND status = 'pending' AND scim = 1").bind(email.trim().to_lowercase()),
        Lookup::ExternalId(external_id) => sqlx::query_scalar("SELECT id FROM invitations WHERE external_id = $1 AND status = 'pending' AND scim = 1").bind(external_id),
    }
    .fetch_optional(&db.pool)
    .await?;
    let Some(invitation) = found else { return Ok(None) };
    let mut tx = db.begin().await?;
    // One this caller may not manage is not there for them (R3, R38).
    if pending_in(&mut tx, db, permit.by(), invitation).await.is_err() {
        return Ok(None);
    }
    tx.commit().await?;
    read(db, invitation).await
}

/// Changes a pending invitation's externalId (the provider's identifier of the person).
pub async fn set_external_id(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, invitation: i64, external_id: Option<&str>) -> Result<Invited, AppError> {
    let external_id = checked_external_id(external_id)?;
    let mut tx = db.begin().await?;
    require_manage(&mut tx, db.backend, permit.by(), invitation).await?;
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT external_id FROM invitations WHERE id = $1 AND scim = 1 AND status = 'pending'").bind(invitation).fetch_optional(&mut *tx).await?;
    let Some(stored) = stored else { return Err(AppError::NotFound) };
    if stored.as_deref() != external_id {
        sqlx::query("UPDATE invitations SET external_id = $1 WHERE id = $2").bind(external_id).bind(invitation).execute(&mut *tx).await?;
        crate::backend::audit::record(&mut tx, who, "invitation_changed", "invitation", invitation, &serde_json::json!({ "fields": ["external_id"] })).await?;
    }
    tx.commit().await?;
    read(db, invitation).await?.ok_or(AppError::NotFound)
}

/// Adds the permit's group and role to these pending invitations made through SCIM, as a second
/// invitation of the address would (R21): a provider's group push before the person registers.
/// Each must be one the caller may manage (R3, R38); any other is "not found".
pub async fn grant(db: &Db, adding: &Permit<'_, AddToGroup>, who: &Who, invitations: &[i64]) -> Result<(), AppError> {
    let group = adding.what().group();
    for &invitation in invitations {
        let mut tx = db.begin().await?;
        pending_in(&mut tx, db, adding.by(), invitation).await?;
        let mut added = 0;
        for role in adding.what().roles() {
            added += sqlx::query("INSERT INTO invitation_grants (invitation_id, group_id, role, granted_by, via_session) VALUES ($1, $2, $3, $4, NULL) ON CONFLICT DO NOTHING")
                .bind(invitation)
                .bind(group)
                .bind(role.as_str())
                .bind(adding.by().user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        if added > 0 {
            crate::backend::audit::record(&mut tx, who, "invitation_extended", "invitation", invitation, &serde_json::json!({ "groups": [group], "roles": adding.what().roles() })).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Takes the permit's group and role from these pending invitations made through SCIM (a
/// provider's group push); each must be one the caller may manage.
pub async fn ungrant(db: &Db, removing: &Permit<'_, RemoveRole>, who: &Who, invitations: &[i64]) -> Result<(), AppError> {
    let RemoveRole(group, role) = *removing.what();
    for &invitation in invitations {
        let mut tx = db.begin().await?;
        pending_in(&mut tx, db, removing.by(), invitation).await?;
        let removed = sqlx::query("DELETE FROM invitation_grants WHERE invitation_id = $1 AND group_id = $2 AND role = $3")
            .bind(invitation)
            .bind(group)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if removed > 0 {
            crate::backend::audit::record(&mut tx, who, "invitation_grant_removed", "invitation", invitation, &serde_json::json!({ "group": group, "role": role })).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Checks, in the caller's transaction, that the invitation is a pending one made through SCIM
/// that this person may manage; "not found" otherwise.
async fn pending_in(tx: &mut crate::backend::db::Tx, db: &Db, principal: &crate::backend::Principal, invitation: i64) -> Result<(), AppError> {
    require_manage(tx, db.backend, principal, invitation).await.map_err(|_| AppError::NotFound)?;
    let pending: Option<i64> = sqlx::query_scalar("SELECT id FROM invitations WHERE id = $1 AND scim = 1 AND status = 'pending'").bind(invitation).fetch_optional(&mut **tx).await?;
    pending.map(|_| ()).ok_or(AppError::NotFound)
}

async fn read(db: &Db, invitation: i64) -> Result<Option<Invited>, AppError> {
    Ok(sqlx::query_as("SELECT id, email, external_id, language, created_at FROM invitations WHERE id = $1 AND scim = 1 AND status = 'pending'")
        .bind(invitation)
        .fetch_optional(&db.pool)
        .await?)
}
