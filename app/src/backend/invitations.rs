//! Invitations (R20–R24): inviting a list of addresses, each with its own outcome, in one
//! transaction that also queues the invitation emails. The token travels only in the email; the
//! database keeps its SHA-256.

use super::audit::{self, Who};
use super::auth::new_token;
use super::db::{minute_of, now_ms, Db, Tx};
use super::mail::{self, OutgoingEmail};
use super::principal::Principal;
use super::Settings;

use crate::domain::address_list::{Entry, ListError, MAX_ADDRESSES, self};
use crate::domain::billing::BillingReason;
use crate::domain::group_tree::GroupId;
use crate::domain::identity::Email;
use crate::domain::invitation::InviteResult;
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::emails;
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, Msg};
use crate::wire::details::UserDetails;
use crate::wire::invitations::{InvitationList, InvitationRow, InviteOutcome};

pub struct InviteRequest<'a> {
    pub group: GroupId,
    /// The Emails field as typed.
    pub emails: &'a str,
    pub roles: &'a [Role],
    /// Default language, deletion date, labels, custom-field values (R20).
    pub details: &'a UserDetails,
    /// Invited from this program session (R4, R30): enrolled in it at acceptance.
    pub session: Option<i64>,
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
    let details = super::details::check(db, request.details, &mut errors).await?;
    let request = InviteRequest { details: &details, ..request };
    let Some(entries) = entries.filter(|_| errors.is_empty()) else { return Err(AppError::Invalid(errors)) };
    // At most one email per valid address: counted against the limits first (issue 9), the part
    // not sent given back after.
    let at_most = entries.iter().filter(|e| matches!(e, Entry::Valid(_))).count() as i64;
    super::settings::take_invitation_emails(db, inviter, at_most, "emails").await?;
    let outcomes = invite_entries(db, settings, inviter, who, &request, entries).await;
    let sent = outcomes.as_ref().map(|o| o.iter().filter(|o| o.result == InviteResult::Invited).count() as i64).unwrap_or(0);
    super::settings::give_back_invitation_emails(db, inviter, at_most - sent).await?;
    outcomes
}

async fn invite_entries(db: &Db, settings: &Settings, inviter: &Principal, who: &Who, request: &InviteRequest<'_>, entries: Vec<Entry>) -> Result<Vec<InviteOutcome>, AppError> {
    let mut tx = db.begin().await?;
    // In one order, so that two lists sharing addresses cannot deadlock.
    let mut addresses: Vec<&str> = entries.iter().filter_map(|e| if let Entry::Valid(email) = e { Some(email.key()) } else { None }).collect();
    addresses.sort_unstable();
    for address in addresses {
        super::db::serialize_on_address(&mut tx, db.backend, address).await?;
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
    super::details::keep_on_invitation(tx, invitation, request.details).await?;
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
struct SentInvitation<'a> {
    id: i64,
    send: i64,
    to: &'a str,
    token: &'a str,
    expires_at: i64,
    language: Lang,
}

async fn queue_invitation_email(tx: &mut Tx, settings: &Settings, platform: &PlatformFacts, inviter: &str, sent: SentInvitation<'_>) -> Result<(), AppError> {
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
        .bind(super::auth::token_hash(token))
        .bind(now_ms())
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// The language an invitation chose (R44), for the page its link opens; `None` for a link that
/// is not pending or chose none (the platform's then).
pub async fn language_of_link(db: &Db, token: &str) -> Result<Option<Lang>, AppError> {
    let language: Option<Option<String>> = sqlx::query_scalar("SELECT language FROM invitations WHERE token_hash = $1 AND status = 'pending'")
        .bind(super::auth::token_hash(token))
        .fetch_optional(&db.pool)
        .await?;
    Ok(language.flatten().as_deref().and_then(Lang::parse))
}

/// Accepts an invitation, atomically (R22): the account becomes active with its memberships
/// (R10), is billed once, is enrolled in its groups' sessions and gets one email per session
/// (R31), the invitation is used up, and a session is opened. Grants the inviter may no longer
/// make are dropped (R24); with none left, the link is invalid.
pub async fn accept(db: &Db, settings: &Settings, hasher: &super::auth::PasswordHasher, form: Registration<'_>) -> Result<Registered, AppError> {
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
    let row: Option<(i64, String, String, Option<String>, Option<String>, i64)> = sqlx::query_as(
        "SELECT id, email, email_key, language, deletion_date, invited_by FROM invitations WHERE token_hash = $1 AND status = 'pending' AND expires_at > $2",
    )
    .bind(super::auth::token_hash(form.token))
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((invitation, email, email_key, language, deletion_date, inviter)) = row else { return Err(AppError::NotFound) };
    // R42: an account whose deletion date has come is not created (nor billed).
    if super::deletion::has_come(deletion_date.as_deref(), super::deletion::today(&mut *tx).await?) {
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
        .bind(super::auth::token_hash(form.token))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if won != 1 {
        return Err(AppError::NotFound);
    }
    let user: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (email, email_key, first_name, last_name, language, status, password_hash, created_at, activated_at, deletion_date)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $7, $8) ON CONFLICT (email_key) WHERE email_key IS NOT NULL DO NOTHING RETURNING id",
    )
    .bind(&email)
    .bind(&email_key)
    .bind(&first)
    .bind(&last)
    .bind(&language)
    .bind(password_hash)
    .bind(now)
    .bind(&deletion_date)
    .fetch_optional(&mut *tx)
    .await?;
    // An account was set up for this address meanwhile: this link has no account to create.
    let Some(user) = user else { return Err(AppError::NotFound) };
    sqlx::query("UPDATE invitations SET accepted_user_id = $1 WHERE id = $2").bind(user).bind(invitation).execute(&mut *tx).await?;
    let tree = super::directory::group_tree_in(&mut tx).await?;
    let mut by_group: Vec<(GroupId, Vec<Role>)> = Vec::new();
    for (group, role) in grants {
        match by_group.iter_mut().find(|(g, _)| *g == group) {
            Some((_, roles)) => roles.push(role),
            None => by_group.push((group, vec![role])),
        }
    }
    let mut enrolled = Vec::new();
    for (group, roles) in &by_group {
        enrolled.extend(super::groups::insert_memberships(&mut tx, &tree, user, *group, roles).await?);
    }
    enrolled.extend(super::programs::enroll(&mut tx, user, &sessions).await?);
    super::billing::bill(&mut tx, user, BillingReason::InvitationAccepted, now).await?;
    super::details::apply_invitation(&mut tx, invitation, user).await?;
    super::programs::email_enrollments(&mut tx, settings, user, &enrolled).await?;
    let who = Who { actor: Some(user), ip: form.ip.map(str::to_string) };
    audit::record(&mut tx, &who, "invitation_accepted", "invitation", invitation, &serde_json::json!({ "user": user })).await?;
    let session_token = super::auth::open_session(&mut tx, user, form.ip, form.user_agent, form.previous_session).await?;
    tx.commit().await?;
    Ok(Registered { user_id: user, session_token })
}

/// A grant of an invitation, who made it and under which right, and whether they may still make
/// it (R24, R72).
struct Standing {
    group: GroupId,
    role: Role,
    granter: i64,
    via_session: Option<i64>,
    stands: bool,
}

/// Each grant of the invitation, checked against the person who made it, as they are now, under
/// the right it was made under — adding users (R1–R3), or inviting from a program session (R4)
/// — not against the first inviter (`inviter` made the grants that do not say who made them).
async fn grant_standings(tx: &mut Tx, invitation: i64, inviter: i64) -> Result<Vec<Standing>, AppError> {
    let rows: Vec<(GroupId, String, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT group_id, role, granted_by, via_session FROM invitation_grants WHERE invitation_id = $1").bind(invitation).fetch_all(&mut **tx).await?;
    let tree = super::directory::group_tree_in(tx).await?;
    let mut granters: Vec<(i64, Granter)> = Vec::new();
    let mut standings = Vec::new();
    for (group, role, granted_by, via_session) in rows {
        let Some(role) = Role::parse(&role) else { continue };
        let granter = granted_by.unwrap_or(inviter);
        if !granters.iter().any(|(id, _)| *id == granter) {
            granters.push((granter, Granter::load(tx, granter).await?));
        }
        let facts = &granters.iter().find(|(id, _)| *id == granter).expect("loaded above").1;
        let actor = crate::domain::policy::Actor { is_owner: facts.is_owner, memberships: &facts.memberships, instructs: &facts.instructs };
        let stands = match via_session {
            // From a session: the learner role on the session's group, by R4's right.
            Some(session) => {
                let session_group: Option<GroupId> = sqlx::query_scalar("SELECT group_id FROM program_sessions WHERE id = $1").bind(session).fetch_optional(&mut **tx).await?;
                session_group == Some(group)
                    && role == Role::Learner
                    && crate::domain::policy::decide(&tree, &actor, &Action::InviteFromSession(crate::domain::policy::SessionRef { id: session, group })).allowed
            }
            None => crate::domain::policy::decide(&tree, &actor, &Action::AddUsers(&[(group, role)])).allowed,
        };
        standings.push(Standing { group, role, granter, via_session, stands });
    }
    Ok(standings)
}

/// R24 at registration: the grants that still stand; the others are dropped, and written in the
/// audit log with who had made them.
async fn grants_still_allowed(tx: &mut Tx, invitation: i64, inviter: i64) -> Result<Vec<(GroupId, Role)>, AppError> {
    let mut allowed = Vec::new();
    for Standing { group, role, granter, via_session, stands } in grant_standings(tx, invitation, inviter).await? {
        if stands {
            allowed.push((group, role));
        } else {
            tracing::warn!(invitation, group, role = role.as_str(), granter, "R24: grant dropped at acceptance, its granter lost the right");
            let dropped = serde_json::json!({ "group": group, "role": role, "granted_by": granter, "via_session": via_session });
            audit::record(tx, &Who::default(), "invitation_grant_dropped", "invitation", invitation, &dropped).await?;
        }
    }
    Ok(allowed)
}

/// What the policy needs to know of the person who made a grant, as they are now.
struct Granter {
    is_owner: bool,
    memberships: Vec<(GroupId, Role)>,
    instructs: Vec<i64>,
}

impl Granter {
    async fn load(tx: &mut Tx, user: i64) -> Result<Granter, AppError> {
        let memberships = sqlx::query_as::<_, (i64, String)>("SELECT group_id, role FROM memberships WHERE user_id = $1")
            .bind(user)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .filter_map(|(g, r)| Role::parse(&r).map(|r| (g, r)))
            .collect();
        let instructs = sqlx::query_scalar("SELECT session_id FROM session_instructors WHERE user_id = $1").bind(user).fetch_all(&mut **tx).await?;
        let owners: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM platform WHERE owner_id = $1").bind(user).fetch_one(&mut **tx).await?;
        Ok(Granter { is_owner: owners > 0, memberships, instructs })
    }
}

/// Checks that this person may manage the invitation (R3, R38) against its grants as they are
/// in this transaction: the invitation's address is held first, as an invite that adds grants
/// holds it, so no grant can slip in between the check and the change. An unknown invitation has
/// no grants: "not allowed", as for one of someone else's.
async fn require_manage(tx: &mut Tx, backend: super::db::Backend, principal: &Principal, invitation: i64) -> Result<(), AppError> {
    let address: Option<String> = sqlx::query_scalar("SELECT email_key FROM invitations WHERE id = $1").bind(invitation).fetch_optional(&mut **tx).await?;
    if let Some(address) = &address {
        super::db::serialize_on_address(tx, backend, address).await?;
    }
    principal.require(&Action::ManageInvitation(&grants_of(&mut **tx, invitation).await?))?;
    Ok(())
}

/// The (group, role) grants of an invitation.
async fn grants_of<'e>(executor: impl sqlx::Executor<'e, Database = sqlx::Any>, invitation: i64) -> Result<Vec<(GroupId, Role)>, AppError> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT group_id, role FROM invitation_grants WHERE invitation_id = $1").bind(invitation).fetch_all(executor).await?;
    Ok(rows.into_iter().filter_map(|(g, r)| Role::parse(&r).map(|r| (g, r))).collect())
}

/// Cancels a pending invitation: its link stops working at once (R23, R38).
pub async fn cancel(db: &Db, principal: &Principal, who: &Who, invitation: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    require_manage(&mut tx, db.backend, principal, invitation).await?;
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
pub async fn resend(db: &Db, settings: &Settings, principal: &Principal, who: &Who, invitation: i64) -> Result<(), AppError> {
    super::settings::sending_invitation_emails(db, principal, 1, "emails", resend_once(db, settings, principal, who, invitation)).await
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

/// One page of the Invitations list (R38): pending and expired invitations the principal may
/// manage, newest first, optionally searched by email; `after` is the last row of the previous
/// page (keyset pagination).
pub async fn list(db: &Db, principal: &Principal, search: &str, after: Option<(i64, i64)>, page: usize) -> Result<InvitationList, AppError> {
    let pattern = format!("%{}%", search.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let (mut cursor_at, mut cursor_id) = after.unwrap_or((i64::MAX, i64::MAX));
    let now = now_ms();
    let mut rows = Vec::new();
    // One snapshot for the rows and their grants' standing.
    let mut tx = db.begin().await?;
    // Rows the principal may not manage are skipped, so a page may take several batches.
    for _ in 0..50 {
        let batch: Vec<(i64, String, i64, Option<i64>, i64, i64, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT i.id, i.email, i.created_at, i.last_sent_at, i.expires_at, i.invited_by, u.first_name || ' ' || u.last_name,
                    (SELECT status FROM outbox_emails o WHERE o.invitation_id = i.id ORDER BY o.id DESC LIMIT 1),
                    (SELECT last_error FROM outbox_emails o WHERE o.invitation_id = i.id ORDER BY o.id DESC LIMIT 1)
             FROM invitations i JOIN users u ON u.id = i.invited_by
             WHERE i.status = 'pending' AND i.email_key LIKE $1 ESCAPE '\\' AND (i.created_at < $2 OR (i.created_at = $2 AND i.id < $3))
             ORDER BY i.created_at DESC, i.id DESC LIMIT 100",
        )
        .bind(&pattern)
        .bind(cursor_at)
        .bind(cursor_id)
        .fetch_all(&mut *tx)
        .await?;
        let exhausted = batch.len() < 100;
        for (id, email, created_at, last_sent_at, expires_at, inviter, invited_by, delivery, delivery_error) in batch {
            (cursor_at, cursor_id) = (created_at, id);
            let standings = grant_standings(&mut tx, id, inviter).await?;
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
                invited_by,
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

