//! Registering from an invitation's link (R22–R24, R30): the page's address, then the account —
//! active, billed once, in the groups its grants still give, enrolled, logged in.

use super::grants::grants_still_allowed;

use crate::backend::audit::{self, Who};
use crate::backend::db::{now_ms, Db};
use crate::backend::Settings;
use crate::domain::billing::BillingReason;
use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;

/// What the invitee types on the registration page (R22).
pub struct Registration<'a> {
    pub token: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub password: &'a str,
    /// Where from, for the new session.
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub previous_session: Option<&'a str>,
}

pub struct Registered {
    pub user_id: i64,
    /// The new session's token, for the cookie.
    pub session_token: String,
}

impl std::fmt::Debug for Registered {
    // Never prints the session token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registered").field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

/// The pending, unexpired invitation of a link, with its address (for the registration form).
/// Expired, cancelled, used and unknown links are all `NotFound` (R23).
pub async fn pending_address(db: &Db, token: &str) -> Result<String, AppError> {
    sqlx::query_scalar("SELECT email FROM invitations WHERE token_hash = $1 AND status = 'pending' AND expires_at > $2")
        .bind(crate::backend::auth::token_hash(token))
        .bind(now_ms())
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// The language an invitation chose (R44), for the page its link opens; `None` for a link that
/// is not pending or chose none (the platform's then).
pub async fn language_of_link(db: &Db, token: &str) -> Result<Option<Lang>, AppError> {
    let language: Option<Option<String>> = sqlx::query_scalar("SELECT language FROM invitations WHERE token_hash = $1 AND status = 'pending'")
        .bind(crate::backend::auth::token_hash(token))
        .fetch_optional(&db.pool)
        .await?;
    Ok(language.flatten().as_deref().and_then(Lang::parse))
}

/// The invitation a link opens, as registration reads it.
#[derive(sqlx::FromRow)]
struct AcceptedRow {
    id: i64,
    email: String,
    email_key: String,
    language: Option<String>,
    deletion_date: Option<String>,
    invited_by: i64,
    /// The provider's identifier of the person, for an invitation made through SCIM (R99).
    external_id: Option<String>,
}

/// Accepts an invitation, atomically (R22): the account becomes active with its memberships
/// (R10), is billed once, is enrolled in its groups' sessions and gets one email per session
/// (R31), the invitation is used up, and a session is opened. Grants the inviter may no longer
/// make are dropped (R24); with none left, the link is invalid.
pub async fn accept(db: &Db, settings: &Settings, hasher: &crate::backend::auth::PasswordHasher, form: Registration<'_>) -> Result<Registered, AppError> {
    let email = pending_address(db, form.token).await?;
    let mut errors = Vec::new();
    let first = crate::domain::names::tidy(form.first_name, 100).map_err(|msg| errors.push(FieldError { field: "first_name".into(), msg }));
    let last = crate::domain::names::tidy(form.last_name, 100).map_err(|msg| errors.push(FieldError { field: "last_name".into(), msg }));
    if let Err(msg) = crate::domain::password::check(form.password, &[&email, form.first_name, form.last_name]) {
        errors.push(FieldError { field: "password".into(), msg });
    }
    let (Ok(first), Ok(last)) = (first, last) else { return Err(AppError::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let password_hash = hasher.hash(form.password).await?;

    let now = now_ms();
    let mut tx = db.begin().await?;
    let row: Option<AcceptedRow> = sqlx::query_as(
        "SELECT id, email, email_key, language, deletion_date, invited_by, external_id FROM invitations WHERE token_hash = $1 AND status = 'pending' AND expires_at > $2",
    )
    .bind(crate::backend::auth::token_hash(form.token))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(AcceptedRow { id: invitation, email, email_key, language, deletion_date, invited_by: inviter, external_id }) = row else { return Err(AppError::NotFound) };
    // R42: an account whose deletion date has come is not created (nor billed).
    if crate::backend::deletion::has_come(deletion_date.as_deref(), crate::backend::deletion::today(&mut *tx).await?) {
        return Err(AppError::NotFound);
    }
    let grants = grants_still_allowed(&mut tx, invitation, inviter).await?;
    if grants.is_empty() {
        return Err(AppError::NotFound);
    }
    // R30: enrolled in the sessions whose learner grant still stands.
    let sessions: Vec<i64> = sqlx::query_as::<_, (i64, GroupId)>(
        "SELECT s.id, s.group_id FROM invitation_sessions v JOIN program_sessions s ON s.id = v.session_id WHERE v.invitation_id = $1",
    )
    .bind(invitation)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .filter(|(_, group)| grants.contains(&(*group, Role::Learner)))
    .map(|(session, _)| session)
    .collect();
    // The conditional update decides between two submissions racing on the same link, and
    // against a cancellation or a resend (which changes the token) committed meanwhile.
    let won = sqlx::query("UPDATE invitations SET status = 'accepted', accepted_at = $1 WHERE id = $2 AND status = 'pending' AND token_hash = $3")
        .bind(now)
        .bind(invitation)
        .bind(crate::backend::auth::token_hash(form.token))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if won != 1 {
        return Err(AppError::NotFound);
    }
    let user: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (email, email_key, first_name, last_name, language, status, password_hash, created_at, activated_at, deletion_date, external_id)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $7, $8, $9) ON CONFLICT (email_key) WHERE email_key IS NOT NULL DO NOTHING RETURNING id",
    )
    .bind(&email)
    .bind(&email_key)
    .bind(&first)
    .bind(&last)
    .bind(&language)
    .bind(password_hash)
    .bind(now)
    .bind(&deletion_date)
    .bind(&external_id)
    .fetch_optional(&mut *tx)
    .await?;
    // An account was set up for this address meanwhile: this link has no account to create.
    let Some(user) = user else { return Err(AppError::NotFound) };
    sqlx::query("UPDATE invitations SET accepted_user_id = $1 WHERE id = $2").bind(user).bind(invitation).execute(&mut *tx).await?;
    let tree = crate::backend::tree::group_tree_in(&mut tx).await?;
    let mut by_group: Vec<(GroupId, Vec<Role>)> = Vec::new();
    for (group, role) in grants {
        match by_group.iter_mut().find(|(g, _)| *g == group) {
            Some((_, roles)) => roles.push(role),
            None => by_group.push((group, vec![role])),
        }
    }
    let mut enrolled = Vec::new();
    for (group, roles) in &by_group {
        enrolled.extend(crate::backend::groups::insert_memberships(&mut tx, &tree, user, *group, roles).await?);
    }
    enrolled.extend(crate::backend::enrollment::enroll(&mut tx, user, &sessions).await?);
    crate::backend::billing::bill(&mut tx, user, BillingReason::InvitationAccepted, now).await?;
    crate::backend::details::apply_invitation(&mut tx, invitation, user).await?;
    crate::backend::enrollment::email_enrollments(&mut tx, settings, user, &enrolled).await?;
    let who = Who { actor: Some(user), token: None, ip: form.ip.map(str::to_string) };
    audit::record(&mut tx, &who, "invitation_accepted", "invitation", invitation, &serde_json::json!({ "user": user })).await?;
    let session_token = crate::backend::auth::open_session(&mut tx, user, form.ip, form.user_agent, form.previous_session).await?;
    tx.commit().await?;
    Ok(Registered { user_id: user, session_token })
}
