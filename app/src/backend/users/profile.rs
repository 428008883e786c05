//! A user's page (R41, R54): details, memberships, enrollments and emails; changing their
//! details, their password (R40), new credentials (R58), resending an email — each by R54's
//! rule of who manages whom.

use super::set_up::{queue_credentials, withdraw_unsent_credentials, Credentials};

use crate::backend::audit::{self, Who};
use crate::backend::auth::{generated_password, PasswordHasher};
use crate::backend::db::{date_of, minute_of, now_ms, Db, Tx};
use crate::backend::mail::{self};
use crate::backend::principal::Principal;
use crate::backend::Permit;
use crate::domain::capability::{AddUsersSomewhere, ManageUser};
use crate::backend::Settings;
use crate::domain::account::UserStatus;
use crate::domain::group_tree::GroupId;
use crate::domain::policy::{Action, Handling, Person};
use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, Msg};
use crate::wire::details::{FieldValue, UserDetails};
use crate::wire::users::{SentEmail, UserMembership, UserProfile};

/// A user's memberships: (group, role, the group a propagated learner came from).
type Memberships = Vec<(GroupId, String, Option<GroupId>)>;

/// The (group, role) pairs a user holds directly (R54 decides on them).
fn direct_grants(memberships: &Memberships) -> Vec<(GroupId, Role)> {
    memberships.iter().filter(|(_, _, from)| from.is_none()).filter_map(|(g, role, _)| Some((*g, Role::parse(role)?))).collect()
}

/// Refuses unless this person sees the user (R62) and may manage them so (R54); returns the
/// user's memberships.
pub(crate) async fn require_manage(db: &Db, principal: &Principal, user: i64, handling: Handling) -> Result<Memberships, AppError> {
    let memberships = require_sight(db, principal, user).await?;
    let is_owner = is_owner(db, user).await?;
    principal.require(ManageUser { user, is_owner, direct: direct_grants(&memberships), handling })?;
    Ok(memberships)
}

async fn is_owner(db: &Db, user: i64) -> Result<bool, AppError> {
    let owner: Option<i64> = sqlx::query_scalar("SELECT owner_id FROM platform WHERE id = 1").fetch_one(&db.pool).await?;
    Ok(owner == Some(user))
}

/// Whether this person sees this user: a platform administrator, or someone who may add users
/// to one of the user's groups. Others get `NotFound`, as for a user that does not exist.
/// Returns the user's memberships, read once for the callers' own decisions.
pub(crate) async fn require_sight(db: &Db, principal: &Principal, user: i64) -> Result<Memberships, AppError> {
    // R42: a deleted account is gone for everyone.
    let alive: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL").bind(user).fetch_optional(&db.pool).await?;
    if alive.is_none() {
        return Err(AppError::NotFound);
    }
    let memberships: Memberships = sqlx::query_as("SELECT group_id, role, propagated_from FROM memberships WHERE user_id = $1").bind(user).fetch_all(&db.pool).await?;
    match principal.user_scope() {
        Some(scope) if !memberships.iter().any(|(g, _, _)| scope.contains(g)) => Err(AppError::NotFound),
        _ => Ok(memberships),
    }
}

/// A user's account as their page reads it.
#[derive(sqlx::FromRow)]
struct AccountRow {
    first_name: String,
    last_name: String,
    email: Option<String>,
    username: Option<String>,
    language: Option<String>,
    must_change_password: i64,
    deactivated_at: Option<i64>,
    deletion_date: Option<String>,
    created_at: i64,
    activated_at: Option<i64>,
}

/// An email sent to a user, as their page reads it.
#[derive(sqlx::FromRow)]
struct EmailRow {
    id: i64,
    kind: String,
    subject: String,
    created_at: i64,
    sent_at: Option<i64>,
    status: String,
    attempts: i64,
    last_error: Option<String>,
}

/// A user's page: details, memberships, enrollments and the emails sent to them (R41).
pub async fn detail(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, user: i64) -> Result<UserProfile, AppError> {
    let principal = permit.by();
    let memberships = require_sight(db, principal, user).await?;
    let person = Person { is_owner: is_owner(db, user).await?, direct: &direct_grants(&memberships) };
    let may_manage = principal.may(&Action::ManageUser(person, Handling::Details));
    let may_manage_access = principal.may(&Action::ManageUser(person, Handling::Access));
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT first_name, last_name, email, username, language, must_change_password, deactivated_at, deletion_date, created_at, activated_at FROM users WHERE id = $1",
    )
    .bind(user)
    .fetch_optional(&db.pool)
    .await?;
    let Some(AccountRow { first_name, last_name, email, username, language, must_change_password, deactivated_at, deletion_date, created_at, activated_at }) = row else {
        return Err(AppError::NotFound);
    };
    let must_change = must_change_password != 0;
    let tree = &principal.tree;
    let name_of = |g: GroupId| tree.get(g).map(|n| n.name.clone()).unwrap_or_default();
    let mut memberships: Vec<UserMembership> = memberships
        .into_iter()
        .filter_map(|(group, role, from)| Some(UserMembership { group_id: group, group: name_of(group), role: Role::parse(&role)?, from: from.map(name_of) }))
        .collect();
    memberships.sort_by(|a, b| (tree.path_to(a.group_id).len(), a.group.to_lowercase(), a.role).cmp(&(tree.path_to(b.group_id).len(), b.group.to_lowercase(), b.role)));
    let enrollments: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT s.id, s.name, p.name FROM enrollments e JOIN program_sessions s ON s.id = e.session_id JOIN programs p ON p.id = s.program_id
         WHERE e.user_id = $1 ORDER BY s.id",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    // Sent to the user, or to their address by an invitation they accepted.
    let emails: Vec<EmailRow> = sqlx::query_as(
        "SELECT id, kind, subject, created_at, sent_at, status, attempts, last_error FROM outbox_emails
         WHERE user_id = $1 OR invitation_id IN (SELECT id FROM invitations WHERE accepted_user_id = $1) ORDER BY id DESC",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    let latest_credentials = emails.iter().filter(|e| e.kind == mail::CREDENTIALS_KIND).map(|e| e.id).max();
    let emails = emails
        .into_iter()
        .map(|EmailRow { id, kind, subject, created_at, sent_at, status, attempts, last_error: error }| SentEmail {
            resendable: status == "failed" && still_works(&kind, id, latest_credentials, must_change),
            id,
            kind,
            subject,
            queued_at: minute_of(created_at, principal.zone),
            sent_at: sent_at.map(|ms| minute_of(ms, principal.zone)),
            status,
            attempts,
            error,
        })
        .collect();
    let labels: Vec<(i64, String)> =
        sqlx::query_as("SELECT lb.id, lb.name FROM user_labels ul JOIN labels lb ON lb.id = ul.label_id WHERE ul.user_id = $1 ORDER BY lb.name_key")
            .bind(user)
            .fetch_all(&db.pool)
            .await?;
    let values: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT f.id, f.name, v.value FROM user_custom_values v JOIN custom_fields f ON f.id = v.field_id WHERE v.user_id = $1 ORDER BY f.name_key",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    let details = UserDetails {
        language: language.as_deref().and_then(Lang::parse),
        deletion_date,
        labels: labels.iter().map(|(id, _)| *id).collect(),
        values: values.iter().map(|(field, _, value)| FieldValue { field: *field, value: value.clone() }).collect(),
    };
    Ok(UserProfile {
        id: user,
        first_name,
        last_name,
        has_email: email.is_some(),
        login: email.or(username).unwrap_or_default(),
        status: UserStatus::of(must_change, deactivated_at.is_some()),
        created_on: date_of(created_at, principal.zone),
        activated_on: activated_at.map(|ms| date_of(ms, principal.zone)),
        time_zone: principal.zone.name().to_string(),
        memberships,
        labels: labels.into_iter().map(|(_, name)| name).collect(),
        values: values.into_iter().map(|(_, field, value)| (field, value)).collect(),
        details,
        enrollments,
        emails,
        may_manage,
        may_manage_access,
        emails_held: false,
    })
}

/// Changes a user's default language, deletion date (R42), labels and custom values (R43), by
/// R54's rule: all four are replaced by what the form holds; a new deletion date needs the right
/// to manage the user's access. A changed deletion date drops the warnings queued for the old one
/// (the new date gets its own). Never a deletion date on the owner.
pub async fn set_details(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, user: i64, details: &UserDetails) -> Result<(), AppError> {
    let principal = permit.by();
    require_manage(db, principal, user, Handling::Details).await?;
    let mut errors = Vec::new();
    let details = &crate::backend::details::check(db, details, &mut errors).await?;
    let stored: Option<String> = sqlx::query_scalar("SELECT deletion_date FROM users WHERE id = $1").bind(user).fetch_one(&db.pool).await?;
    if stored != details.deletion_date {
        require_manage(db, principal, user, Handling::Access).await?;
    }
    if details.deletion_date.is_some() && is_owner(db, user).await? {
        errors.push(FieldError { field: "deletion_date".into(), msg: Msg::OwnerNeverDeleted });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    // The update comes first: it holds the row, so the deletion job cannot erase it meanwhile
    // nor queue a warning for the old date.
    let changed = sqlx::query("UPDATE users SET language = $1, deletion_date = $2 WHERE id = $3 AND deleted_at IS NULL")
        .bind(details.language.map(Lang::code))
        .bind(details.deletion_date.as_deref())
        .bind(user)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed != 1 {
        return Err(AppError::NotFound);
    }
    // Warnings not sent (queued, or failed and resendable) for another date than this one.
    let keep = details.deletion_date.as_deref().map(|date| crate::backend::deletion::warnings_for(user, date)).unwrap_or_default();
    sqlx::query("DELETE FROM outbox_emails WHERE user_id = $1 AND kind = $2 AND status IN ('queued', 'failed') AND dedupe_key NOT LIKE $3")
        .bind(user)
        .bind(crate::backend::deletion::WARNING_KIND)
        .bind(keep)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM user_labels WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM user_custom_values WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    crate::backend::details::apply_to_user(&mut tx, user, details).await?;
    // Which fields changed, not their values (those go with the person if the account is deleted).
    let fields: Vec<i64> = details.values.iter().map(|v| v.field).collect();
    let summary = serde_json::json!({ "language": details.language, "deletion_date": details.deletion_date, "labels": details.labels, "fields": fields });
    audit::record(&mut tx, who, "user_details_set", "user", user, &summary).await?;
    tx.commit().await?;
    Ok(())
}

/// R40: an administrator sets the password of a user without email (R54 decides who). The
/// user's sessions end.
pub async fn set_password(db: &Db, hasher: &PasswordHasher, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, user: i64, password: &str) -> Result<(), AppError> {
    let principal = permit.by();
    require_manage(db, principal, user, Handling::Access).await?;
    let row: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT first_name, last_name, username FROM users WHERE id = $1 AND email IS NULL").bind(user).fetch_optional(&db.pool).await?;
    let Some((first, last, username)) = row else { return Err(AppError::NotAllowed) };
    crate::domain::password::check(password, &[&first, &last, username.as_deref().unwrap_or("")]).map_err(|m| AppError::field("password", m))?;
    let hash = hasher.hash(password).await?;
    let mut tx = db.begin().await?;
    store_password(&mut tx, who, user, &hash).await?;
    tx.commit().await?;
    Ok(())
}

/// R93: deactivates an account (no login, its sessions end, not counted as active by billing)
/// or reactivates it, by whoever may manage its access (R54); never one's own, never the owner's.
pub async fn set_active(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, user: i64, active: bool) -> Result<(), AppError> {
    require_manage(db, permit.by(), user, Handling::Access).await?;
    refuse_own_deactivation(permit.by(), user, active)?;
    store_active(db, who, user, active).await
}

/// Nobody deactivates their own account (nor a token its maker's, which would stop it, R90).
pub(crate) fn refuse_own_deactivation(principal: &Principal, user: i64, active: bool) -> Result<(), AppError> {
    if !active && user == principal.user_id { Err(AppError::NotAllowed) } else { Ok(()) }
}

/// Deactivates or reactivates an account, audited; nothing when it already is so. The caller
/// has checked who may.
pub(crate) async fn store_active(db: &Db, who: &Who, user: i64, active: bool) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let changed = if active {
        sqlx::query("UPDATE users SET deactivated_at = NULL WHERE id = $1 AND deactivated_at IS NOT NULL AND deleted_at IS NULL").bind(user).execute(&mut *tx).await?
    } else {
        sqlx::query("UPDATE users SET deactivated_at = $1 WHERE id = $2 AND deactivated_at IS NULL AND deleted_at IS NULL").bind(now_ms()).bind(user).execute(&mut *tx).await?
    }
    .rows_affected();
    if changed == 1 {
        if !active {
            sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
        }
        audit::record(&mut tx, who, if active { "user_reactivated" } else { "user_deactivated" }, "user", user, &serde_json::json!({})).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Stores a password someone else set for a user without email (R40, R61; a provider's, R92):
/// it works at once, and the user's sessions end. `NotFound` for an erased account.
pub(crate) async fn store_password(tx: &mut Tx, who: &Who, user: i64, hash: &str) -> Result<(), AppError> {
    let set = sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0, password_expires_at = NULL WHERE id = $2 AND deleted_at IS NULL")
        .bind(hash)
        .bind(user)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if set != 1 {
        return Err(AppError::NotFound);
    }
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1").bind(user).execute(&mut **tx).await?;
    audit::record(tx, who, "password_set", "user", user, &serde_json::json!({})).await
}

/// R41: a failed email is queued again, from its first attempt.
pub async fn resend_email(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, email: i64) -> Result<(), AppError> {
    let principal = permit.by();
    let user: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT COALESCE(e.user_id, i.accepted_user_id) FROM outbox_emails e LEFT JOIN invitations i ON i.id = e.invitation_id WHERE e.id = $1",
    )
    .bind(email)
    .fetch_optional(&db.pool)
    .await?;
    let Some(Some(user)) = user else { return Err(AppError::NotFound) };
    require_sight(db, principal, user).await?;
    let mut tx = db.begin().await?;
    let (kind, latest_credentials, must_change): (String, Option<i64>, i64) = sqlx::query_as(
        "SELECT e.kind,
                (SELECT MAX(c.id) FROM outbox_emails c WHERE c.user_id = $2 AND c.kind = $3),
                (SELECT must_change_password FROM users WHERE id = $2)
         FROM outbox_emails e WHERE e.id = $1",
    )
    .bind(email)
    .bind(user)
    .bind(mail::CREDENTIALS_KIND)
    .fetch_one(&mut *tx)
    .await?;
    if !still_works(&kind, email, latest_credentials, must_change != 0) {
        return Err(AppError::field("email", Msg::EmailNoLongerWorks));
    }
    let queued = sqlx::query("UPDATE outbox_emails SET status = 'queued', attempts = 0, next_attempt_at = $1, last_error = NULL WHERE id = $2 AND status = 'failed'")
        .bind(now_ms())
        .bind(email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if queued == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(&mut tx, who, "email_requeued", "user", user, &serde_json::json!({ "email": email })).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether an email of a user's would still work if sent again. Not an invitation's (the user
/// page shows only those of the invitation the user accepted: its link is used up), nor
/// credentials that newer ones replaced or that were used already (the user chose a password).
fn still_works(kind: &str, email: i64, latest_credentials: Option<i64>, must_change_password: bool) -> bool {
    match kind {
        "invitation" => false,
        mail::CREDENTIALS_KIND => latest_credentials == Some(email) && must_change_password,
        _ => true,
    }
}


/// How often an administrator may send a user new credentials.
const NEW_CREDENTIALS_INTERVAL_MS: i64 = 60_000;

/// Sends a user with email a new one-time password (R58), for one who lost theirs or never got
/// the first email; their sessions end. Whoever may manage the user's access may (R54), once a
/// minute per user, so that a double click sends one email.
pub async fn send_new_credentials(db: &Db, settings: &Settings, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, user: i64) -> Result<(), AppError> {
    let principal = permit.by();
    require_manage(db, principal, user, Handling::Access).await?;
    crate::backend::settings::sending_invitation_emails(db, principal, 1, "credentials", send_credentials_now(db, settings, principal, who, user)).await
}

async fn send_credentials_now(db: &Db, settings: &Settings, principal: &Principal, who: &Who, user: i64) -> Result<(), AppError> {
    let (password, hash) = generated_password();
    let now = now_ms();
    let mut tx = db.begin().await?;
    crate::backend::db::serialize_on_address(&mut tx, db.backend, &format!("user:{user}")).await?;
    let email: Option<Option<String>> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(user).fetch_optional(&mut *tx).await?;
    let Some(Some(email)) = email else { return Err(AppError::NotAllowed) };
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(created_at) FROM outbox_emails WHERE user_id = $1 AND kind = $2")
        .bind(user)
        .bind(mail::CREDENTIALS_KIND)
        .fetch_one(&mut *tx)
        .await?;
    if let Some(at) = last.filter(|at| now - at < NEW_CREDENTIALS_INTERVAL_MS) {
        return Err(AppError::TooManyAttempts { retry_after_secs: ((at + NEW_CREDENTIALS_INTERVAL_MS - now).max(1000) / 1000) as u64 });
    }
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1, password_expires_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now + crate::backend::auth::ONE_TIME_PASSWORD_LIFETIME_MS)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    let platform: String = sqlx::query_scalar("SELECT name FROM platform WHERE id = 1").fetch_one(&mut *tx).await?;
    let cause = format!("new:{now}");
    let sent = Credentials { user, to: &email, password: &password, language: mail::language_of(&mut tx, user).await?, cause: &cause };
    withdraw_unsent_credentials(&mut tx, user).await?;
    queue_credentials(&mut tx, settings, &platform, &principal.display_name(), sent).await?;
    audit::record(&mut tx, who, "credentials_sent_again", "user", user, &serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r64_only_emails_whose_link_or_password_still_works_are_resent() {
        assert!(still_works("session_invitation", 3, None, false));
        assert!(still_works(mail::CREDENTIALS_KIND, 7, Some(7), true), "the newest credentials, unused");
        assert!(!still_works(mail::CREDENTIALS_KIND, 5, Some(7), true), "replaced by newer ones");
        assert!(!still_works(mail::CREDENTIALS_KIND, 7, Some(7), false), "used: the user chose a password");
        assert!(!still_works("invitation", 2, None, true), "an accepted invitation's link is used up");
    }
}
