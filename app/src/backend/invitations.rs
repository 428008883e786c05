//! Invitations (R20–R24): inviting a list of addresses, each with its own outcome, in one
//! transaction that also queues the invitation emails. The token travels only in the email; the
//! database keeps its SHA-256.

use super::audit::{self, Who};
use super::auth::new_token;
use super::db::{now_ms, Db, Tx};
use super::mail::{self, OutgoingEmail};
use super::principal::Principal;
use super::Settings;
use crate::api::invitations::{InviteOutcome, InviteResult};
use crate::domain::address_list::{self, Entry, ListError, MAX_ADDRESSES};
use crate::domain::group_tree::GroupId;
use crate::domain::identity::Email;
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::emails;
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, Msg};

pub struct InviteRequest<'a> {
    pub group: GroupId,
    /// The Emails field as typed.
    pub emails: &'a str,
    pub roles: &'a [Role],
    /// The invitees' language; the platform's when `None`.
    pub language: Option<Lang>,
}

/// Invites each address of the list. The caller has checked that the principal may grant these
/// roles in this group (R1–R6).
pub async fn invite(db: &Db, settings: &Settings, inviter: &Principal, who: &Who, request: InviteRequest<'_>) -> Result<Vec<InviteOutcome>, AppError> {
    let mut errors = Vec::new();
    let entries = match address_list::parse(request.emails) {
        Ok(entries) => Some(entries),
        Err(ListError::Empty) => {
            errors.push(FieldError { field: "emails".into(), msg: Msg::Required });
            None
        }
        Err(ListError::TooMany { count }) => {
            errors.push(FieldError { field: "emails".into(), msg: Msg::TooManyAddresses { max: MAX_ADDRESSES, count } });
            None
        }
    };
    if request.roles.is_empty() {
        errors.push(FieldError { field: "roles".into(), msg: Msg::ChooseARole });
    }
    let Some(entries) = entries.filter(|_| errors.is_empty()) else { return Err(AppError::Invalid(errors)) };

    let mut tx = db.begin().await?;
    let platform = platform_facts(&mut tx).await?;
    let mut outcomes = Vec::with_capacity(entries.len());
    for entry in entries {
        let outcome = match entry {
            Entry::Invalid(typed) => InviteOutcome { address: typed, result: InviteResult::Invalid },
            Entry::Repeated { typed, .. } => InviteOutcome { address: typed, result: InviteResult::Repeated },
            Entry::Valid(email) => {
                let result = invite_one(&mut tx, settings, inviter, who, &platform, &request, &email).await?;
                InviteOutcome { address: email.as_str().to_string(), result }
            }
        };
        outcomes.push(outcome);
    }
    tx.commit().await?;
    Ok(outcomes)
}

struct PlatformFacts {
    name: String,
    language: Lang,
    lifetime_ms: i64,
}

async fn platform_facts(tx: &mut Tx) -> Result<PlatformFacts, AppError> {
    let (name, language, days): (String, String, i64) =
        sqlx::query_as("SELECT name, default_language, invitation_lifetime_days FROM platform WHERE id = 1").fetch_one(&mut **tx).await?;
    Ok(PlatformFacts { name, language: Lang::parse(&language).unwrap_or_default(), lifetime_ms: days * 24 * 3600 * 1000 })
}

async fn invite_one(
    tx: &mut Tx,
    settings: &Settings,
    inviter: &Principal,
    who: &Who,
    platform: &PlatformFacts,
    request: &InviteRequest<'_>,
    email: &Email,
) -> Result<InviteResult, AppError> {
    let active: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1").bind(email.key()).fetch_optional(&mut **tx).await?;
    if let Some(user_id) = active {
        let grants: Vec<(GroupId, Role)> = request.roles.iter().map(|&r| (request.group, r)).collect();
        return Ok(InviteResult::ActiveAccount { user_id, may_add_here: inviter.may(&Action::AddUsers(&grants)) });
    }
    let now = now_ms();
    let (token, token_hash) = new_token();
    let language = request.language.unwrap_or(platform.language);
    // The partial unique index (one pending invitation per address) decides between two
    // inviters racing on the same address: the loser finds the winner's invitation below.
    let created: Option<i64> = sqlx::query_scalar(
        "INSERT INTO invitations (email, email_key, token_hash, status, language, invited_by, origin_group_id, created_at, expires_at, last_sent_at, send_count)
         VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $7, 1)
         ON CONFLICT (email_key) WHERE status = 'pending' DO NOTHING RETURNING id",
    )
    .bind(email.as_str())
    .bind(email.key())
    .bind(&token_hash)
    .bind(language.code())
    .bind(inviter.user_id)
    .bind(request.group)
    .bind(now)
    .bind(now + platform.lifetime_ms)
    .fetch_optional(&mut **tx)
    .await?;
    let (invitation, result) = match created {
        Some(id) => (id, InviteResult::Invited),
        None => {
            let id: i64 = sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = $1 AND status = 'pending'")
                .bind(email.key())
                .fetch_one(&mut **tx)
                .await?;
            (id, InviteResult::AlreadyInvited)
        }
    };
    for role in request.roles {
        sqlx::query("INSERT INTO invitation_grants (invitation_id, group_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(invitation)
            .bind(request.group)
            .bind(role.as_str())
            .execute(&mut **tx)
            .await?;
    }
    if result == InviteResult::Invited {
        let link = format!("{}/invitation/{token}", settings.public_url);
        let expires_on = chrono::DateTime::from_timestamp_millis(now + platform.lifetime_ms).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let rendered = emails::Invitation { platform: &platform.name, inviter: &inviter.display_name(), link: &link, expires_on: &expires_on }.render(language);
        let outgoing = OutgoingEmail {
            dedupe_key: format!("invitation:{invitation}:send:1"),
            kind: "invitation",
            to: email.as_str().to_string(),
            user_id: None,
            invitation_id: Some(invitation),
            language,
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        };
        mail::enqueue(tx, &outgoing).await?;
    }
    let action = if result == InviteResult::Invited { "invitation_created" } else { "invitation_extended" };
    audit::record(tx, who, action, "invitation", invitation, &serde_json::json!({ "group": request.group, "roles": request.roles })).await?;
    Ok(result)
}
