//! Inviting (R20–R22): a list of addresses, each with its own outcome, in one transaction that
//! also queues the invitation emails. The token travels only in the email; the database keeps its
//! SHA-256. An expired invitation is renewed (R73).

use crate::backend::audit::{self, Who};
use crate::backend::auth::new_token;
use crate::backend::db::{now_ms, Db, Tx};
use crate::backend::mail::{self, OutgoingEmail};
use crate::backend::principal::Principal;
use crate::backend::{Permit, Settings};
use crate::domain::address_list::{Entry, ListError, MAX_ADDRESSES, self};
use crate::domain::capability::{AddToGroup, InviteFromSession};
use crate::domain::group_tree::GroupId;
use crate::domain::identity::Email;
use crate::domain::invitation::InviteResult;
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::emails;
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, Msg};
use crate::wire::details::UserDetails;
use crate::wire::invitations::InviteOutcome;

/// Under which permit addresses are invited: into a group with roles (R1–R3, R6), or from a
/// program session (R4, R30: the learner role on the session's group, and the session at
/// registration).
#[derive(Clone, Copy)]
pub enum Inviting<'a, 'p> {
    ToGroup(&'a Permit<'p, AddToGroup>),
    FromSession(&'a Permit<'p, InviteFromSession>),
}

struct InviteRequest<'a> {
    group: GroupId,
    /// The Emails field as typed.
    emails: &'a str,
    roles: &'a [Role],
    /// Default language, deletion date, labels, custom-field values (R20).
    details: &'a UserDetails,
    /// Invited from this program session (R4, R30): enrolled in it at acceptance.
    session: Option<i64>,
}

/// Invites each address of the list `emails` (the Emails field as typed), with the optional
/// `details` (R20).
pub async fn invite(db: &Db, settings: &Settings, inviting: Inviting<'_, '_>, who: &Who, emails: &str, details: &UserDetails) -> Result<Vec<InviteOutcome>, AppError> {
    let (inviter, request) = match inviting {
        Inviting::ToGroup(permit) => (permit.by(), InviteRequest { group: permit.what().group(), emails, roles: permit.what().roles(), details, session: None }),
        Inviting::FromSession(permit) => {
            let InviteFromSession(session) = *permit.what();
            (permit.by(), InviteRequest { group: session.group, emails, roles: &[Role::Learner], details, session: Some(session.id) })
        }
    };
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
    let details = crate::backend::details::check(db, request.details, &mut errors).await?;
    let request = InviteRequest { details: &details, ..request };
    let Some(entries) = entries.filter(|_| errors.is_empty()) else { return Err(AppError::Invalid(errors)) };
    // At most one email per valid address: counted against the limits first (issue 9), the part
    // not sent given back after.
    let at_most = entries.iter().filter(|e| matches!(e, Entry::Valid(_))).count() as i64;
    crate::backend::settings::take_invitation_emails(db, inviter, at_most, "emails").await?;
    let outcomes = invite_entries(db, settings, inviter, who, &request, entries).await;
    let sent = outcomes.as_ref().map(|o| o.iter().filter(|o| o.result == InviteResult::Invited).count() as i64).unwrap_or(0);
    crate::backend::settings::give_back_invitation_emails(db, inviter, at_most - sent).await?;
    outcomes
}

async fn invite_entries(db: &Db, settings: &Settings, inviter: &Principal, who: &Who, request: &InviteRequest<'_>, entries: Vec<Entry>) -> Result<Vec<InviteOutcome>, AppError> {
    let mut tx = db.begin().await?;
    // In one order, so that two lists sharing addresses cannot deadlock.
    let mut addresses: Vec<&str> = entries.iter().filter_map(|e| if let Entry::Valid(email) = e { Some(email.key()) } else { None }).collect();
    addresses.sort_unstable();
    for address in addresses {
        crate::backend::db::serialize_on_address(&mut tx, db.backend, address).await?;
    }
    let platform = platform_facts(&mut tx).await?;
    let mut outcomes = Vec::with_capacity(entries.len());
    for entry in entries {
        let outcome = match entry {
            Entry::Invalid(typed) => InviteOutcome { address: typed, result: InviteResult::Invalid },
            Entry::Repeated { typed, .. } => InviteOutcome { address: typed, result: InviteResult::Repeated },
            Entry::Valid(email) => {
                let result = invite_one(&mut tx, settings, inviter, who, &platform, request, &email).await?;
                InviteOutcome { address: email.as_str().to_string(), result }
            }
        };
        outcomes.push(outcome);
    }
    tx.commit().await?;
    Ok(outcomes)
}

pub(super) struct PlatformFacts {
    pub(super) name: String,
    pub(super) language: Lang,
    pub(super) lifetime_ms: i64,
}

pub(super) async fn platform_facts(tx: &mut Tx) -> Result<PlatformFacts, AppError> {
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
    // The emails speak the invitee's language; the account keeps none unless one was chosen,
    // and then follows the platform's (R44).
    let language = request.details.language.unwrap_or(platform.language);
    // The partial unique index (one pending invitation per address) decides between two
    // inviters racing on the same address: the loser finds the winner's invitation below.
    let created: Option<i64> = sqlx::query_scalar(
        "INSERT INTO invitations (email, email_key, token_hash, status, language, deletion_date, invited_by, origin_group_id, origin_session_id,
                                  created_at, expires_at, last_sent_at, send_count)
         VALUES ($1, $2, $3, 'pending', $4, $10, $5, $6, $9, $7, $8, $7, 1)
         ON CONFLICT (email_key) WHERE status = 'pending' DO NOTHING RETURNING id",
    )
    .bind(email.as_str())
    .bind(email.key())
    .bind(&token_hash)
    .bind(request.details.language.map(Lang::code))
    .bind(inviter.user_id)
    .bind(request.group)
    .bind(now)
    .bind(now + platform.lifetime_ms)
    .bind(request.session)
    .bind(request.details.deletion_date.as_deref())
    .fetch_optional(&mut **tx)
    .await?;
    let (invitation, result, send) = match created {
        Some(id) => (id, InviteResult::Invited, 1),
        None => {
            // R21, R22: a pending invitation gains the grants; an expired one is renewed as if new
            // — a new link (the old one dies), a new expiry, the email sent again.
            let renewed: Option<(i64, i64)> = sqlx::query_as(
                "UPDATE invitations SET token_hash = $1, expires_at = $2, last_sent_at = $3, send_count = send_count + 1
                 WHERE email_key = $4 AND status = 'pending' AND expires_at <= $3 RETURNING id, send_count",
            )
            .bind(&token_hash)
            .bind(now + platform.lifetime_ms)
            .bind(now)
            .bind(email.key())
            .fetch_optional(&mut **tx)
            .await?;
            match renewed {
                Some((id, send)) => (id, InviteResult::Invited, send),
                None => {
                    let id: i64 = sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = $1 AND status = 'pending'")
                        .bind(email.key())
                        .fetch_one(&mut **tx)
                        .await?;
                    (id, InviteResult::AlreadyInvited, 0)
                }
            }
        }
    };
    // Each grant remembers who made it and under which right (R24 checks it again at registration).
    for role in request.roles {
        sqlx::query(
            "INSERT INTO invitation_grants (invitation_id, group_id, role, granted_by, via_session) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(invitation)
        .bind(request.group)
        .bind(role.as_str())
        .bind(inviter.user_id)
        .bind(request.session)
        .execute(&mut **tx)
        .await?;
    }
    // R30, R57: every session the address was invited from enrolls the user at registration.
    if let Some(session) = request.session {
        sqlx::query("INSERT INTO invitation_sessions (invitation_id, session_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(invitation)
            .bind(session)
            .execute(&mut **tx)
            .await?;
    }
    crate::backend::details::keep_on_invitation(tx, invitation, request.details).await?;
    if result == InviteResult::Invited {
        let sent = SentInvitation { id: invitation, send, to: email.as_str(), token: &token, expires_at: now + platform.lifetime_ms, language };
        queue_invitation_email(tx, settings, platform, &inviter.display_name(), sent).await?;
    }
    let action = match (result == InviteResult::Invited, send) {
        (true, 1) => "invitation_created",
        (true, _) => "invitation_renewed",
        _ => "invitation_extended",
    };
    audit::record(tx, who, action, "invitation", invitation, &serde_json::json!({ "group": request.group, "roles": request.roles })).await?;
    Ok(result)
}

/// One sending of an invitation: its link carries `token`; `send` numbers the sendings, so that
/// a sending never queues two emails.
pub(super) struct SentInvitation<'a> {
    pub(super) id: i64,
    pub(super) send: i64,
    pub(super) to: &'a str,
    pub(super) token: &'a str,
    pub(super) expires_at: i64,
    pub(super) language: Lang,
}

pub(super) async fn queue_invitation_email(tx: &mut Tx, settings: &Settings, platform: &PlatformFacts, inviter: &str, sent: SentInvitation<'_>) -> Result<(), AppError> {
    // The link's token is the email's secret: stored apart, forgotten once sent (mail::SECRET).
    let link = format!("{}/invitation/{}", settings.public_url, mail::SECRET);
    let expires_on = chrono::DateTime::from_timestamp_millis(sent.expires_at).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let rendered = emails::Invitation { platform: &platform.name, inviter, link: &link, expires_on: &expires_on }.render(sent.language);
    let outgoing = OutgoingEmail {
        invitation_id: Some(sent.id),
        secret: Some(sent.token.to_string()),
        ..OutgoingEmail::new(format!("invitation:{}:send:{}", sent.id, sent.send), "invitation", sent.to, sent.language, rendered)
    };
    // Earlier emails of this invitation not sent yet carry a dead link: withdrawn.
    sqlx::query("UPDATE outbox_emails SET secret = NULL WHERE invitation_id = $1 AND status IN ('queued', 'failed')").bind(sent.id).execute(&mut **tx).await?;
    mail::enqueue(tx, &outgoing).await?;
    Ok(())
}
