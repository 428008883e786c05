//! Inviting (R20–R22): a list of addresses, each with its own outcome, in one transaction that
//! also queues the invitation emails. The token travels only in the email; the database keeps its
//! SHA-256. An expired invitation is renewed (R73).

use std::collections::HashMap;

use crate::backend::audit::{self, Who};
use crate::backend::auth::new_token;
use crate::backend::db::{now_ms, Db, Tx};
use crate::backend::statement::{Statement, Value, IN_LIST_MAX, ROWS_PER_INSERT};
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
    } else if let Err(msg) = crate::domain::names::at_most(request.roles, crate::domain::names::MAX_ROLES) {
        errors.push(FieldError { field: "roles".into(), msg });
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
    let grants: Vec<(GroupId, Role)> = request.roles.iter().map(|&role| (request.group, role)).collect();
    let valid: Vec<Invitee> = entries.iter().filter_map(|e| if let Entry::Valid(email) = e { Some(email) } else { None }).map(|email| Invitee { email, grants: &grants, details: request.details }).collect();
    let mut tx = db.begin().await?;
    let batch = Batch { backend: db.backend, settings, inviter, who, session: request.session };
    let mut results = invite_many(&mut tx, &batch, &valid).await?.into_iter();
    tx.commit().await?;
    Ok(entries
        .into_iter()
        .map(|entry| match entry {
            Entry::Invalid(typed) => InviteOutcome { address: typed, result: InviteResult::Invalid },
            Entry::Repeated { typed, .. } => InviteOutcome { address: typed, result: InviteResult::Repeated },
            Entry::Valid(email) => {
                let result = match results.next() {
                    Some(InviteResult::ActiveAccount { user_id, .. }) => InviteResult::ActiveAccount { user_id, may_add_here: inviter.may(&Action::AddUsers(&grants)) },
                    Some(result) => result,
                    None => InviteResult::Invalid,
                };
                InviteOutcome { address: email.as_str().to_string(), result }
            }
        })
        .collect())
}

pub(super) struct PlatformFacts {
    pub(super) name: String,
    pub(super) language: Lang,
    pub(super) lifetime_ms: i64,
    /// Where the invitation's expiry day is reckoned (R86: emails speak the platform's zone).
    pub(super) zone: chrono_tz::Tz,
}

pub(super) async fn platform_facts(tx: &mut Tx) -> Result<PlatformFacts, AppError> {
    let (name, language, days, zone): (String, String, i64, String) =
        sqlx::query_as("SELECT name, default_language, invitation_lifetime_days, time_zone FROM platform WHERE id = 1").fetch_one(&mut **tx).await?;
    let zone = crate::backend::deletion::platform_zone(&zone);
    Ok(PlatformFacts { name, language: Lang::parse(&language).unwrap_or_default(), lifetime_ms: days * 24 * 3600 * 1000, zone })
}

/// Who invites, under which settings, and from which session if any: what the addresses of one
/// submission (or of one part of an import) share.
pub(crate) struct Batch<'a> {
    pub(crate) backend: crate::backend::db::Backend,
    pub(crate) settings: &'a Settings,
    pub(crate) inviter: &'a Principal,
    pub(crate) who: &'a Who,
    /// Invited from this program session (R4, R30): enrolled in it at registration.
    pub(crate) session: Option<i64>,
}

/// One address to invite, with its grants and details (checked).
pub(crate) struct Invitee<'a> {
    pub(crate) email: &'a Email,
    /// Each (group, role) the invitation grants; the first group is the one it came from.
    pub(crate) grants: &'a [(GroupId, Role)],
    pub(crate) details: &'a UserDetails,
}

/// Invites each of `invitees` (distinct addresses) in the caller's transaction, with a handful of
/// statements for the whole list rather than a handful per address; returns each one's result,
/// in order. An address with an account is `ActiveAccount` (`may_add_here` left to the caller);
/// with a pending invitation, that invitation gains the grants (R21), or is renewed if it has
/// expired (R73); any other address gets a new invitation and its email.
pub(crate) async fn invite_many(tx: &mut Tx, batch: &Batch<'_>, invitees: &[Invitee<'_>]) -> Result<Vec<InviteResult>, AppError> {
    if invitees.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<&str> = invitees.iter().map(|i| i.email.key()).collect();
    crate::backend::db::serialize_on_addresses(tx, batch.backend, &keys).await?;
    let platform = platform_facts(tx).await?;
    let now = now_ms();
    let inviter = batch.inviter;

    let mut accounts: HashMap<String, i64> = HashMap::new();
    for chunk in keys.chunks(IN_LIST_MAX) {
        let mut statement = Statement::new("SELECT email_key, id FROM users WHERE ");
        statement.push_in("email_key", chunk);
        accounts.extend(statement.query_as::<(String, i64)>().fetch_all(&mut **tx).await?);
    }
    // The partial unique index (one pending invitation per address) decides between two
    // inviters racing on the same address: the loser finds the winner's invitation below.
    let newcomers: Vec<(usize, String, String)> = invitees
        .iter()
        .enumerate()
        .filter(|(_, i)| !accounts.contains_key(i.email.key()))
        .map(|(index, _)| {
            let (token, hash) = new_token();
            (index, token, hash)
        })
        .collect();
    let mut created: HashMap<String, i64> = HashMap::new();
    for chunk in newcomers.chunks(ROWS_PER_INSERT) {
        let mut statement = Statement::new(
            "INSERT INTO invitations (email, email_key, token_hash, status, language, deletion_date, invited_by, origin_group_id, origin_session_id,
                                      created_at, expires_at, last_sent_at, send_count) VALUES ",
        );
        for (i, (index, _, hash)) in chunk.iter().enumerate() {
            let invitee = &invitees[*index];
            statement.push_row(i == 0, [
                Value::from(invitee.email.as_str()),
                invitee.email.key().into(),
                hash.as_str().into(),
                "pending".into(),
                invitee.details.language.map(Lang::code).into(),
                invitee.details.deletion_date.as_deref().into(),
                inviter.user_id.into(),
                invitee.grants.first().map(|g| g.0).into(),
                batch.session.into(),
                now.into(),
                (now + platform.lifetime_ms).into(),
                now.into(),
                1.into(),
            ]);
        }
        statement.push(" ON CONFLICT (email_key) WHERE status = 'pending' DO NOTHING RETURNING email_key, id");
        created.extend(statement.query_as::<(String, i64)>().fetch_all(&mut **tx).await?);
    }
    // The others have a pending invitation: it gains the grants (R21), or, expired, is renewed as
    // if new — a new link (the old one dies), a new expiry, the email sent again (R73).
    let others: Vec<&str> = newcomers.iter().map(|(index, _, _)| invitees[*index].email.key()).filter(|key| !created.contains_key(*key)).collect();
    let mut pending: HashMap<String, (i64, i64, i64)> = HashMap::new();
    for chunk in others.chunks(IN_LIST_MAX) {
        let mut statement = Statement::new("SELECT email_key, id, expires_at, send_count FROM invitations WHERE status = 'pending' AND ");
        statement.push_in("email_key", chunk);
        let found = statement.query_as::<(String, i64, i64, i64)>().fetch_all(&mut **tx).await?;
        pending.extend(found.into_iter().map(|(key, id, expires_at, send)| (key, (id, expires_at, send))));
    }

    let mut results = Vec::with_capacity(invitees.len());
    // (invitation, invitee, send number, token) of each email to queue.
    let mut sendings: Vec<(i64, usize, i64, &str)> = Vec::new();
    let mut invited: Vec<(i64, usize, InviteResult)> = Vec::new();
    for (index, token, hash) in &newcomers {
        let key = invitees[*index].email.key();
        let (id, result, send) = match (created.get(key), pending.get(key)) {
            (Some(&id), _) => (id, InviteResult::Invited, 1),
            (None, Some(&(id, expires_at, send))) if expires_at <= now => {
                sqlx::query("UPDATE invitations SET token_hash = $1, expires_at = $2, last_sent_at = $3, send_count = $4 WHERE id = $5")
                    .bind(hash.as_str())
                    .bind(now + platform.lifetime_ms)
                    .bind(now)
                    .bind(send + 1)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                (id, InviteResult::Invited, send + 1)
            }
            (None, Some(&(id, _, _))) => (id, InviteResult::AlreadyInvited, 0),
            (None, None) => return Err(AppError::internal(format!("invitation of {key} neither created nor pending"))),
        };
        if result == InviteResult::Invited {
            sendings.push((id, *index, send, token.as_str()));
        }
        invited.push((id, *index, result));
    }
    let mut by_index: HashMap<usize, InviteResult> = invited.iter().map(|(_, index, result)| (*index, result.clone())).collect();
    for (index, invitee) in invitees.iter().enumerate() {
        results.push(match accounts.get(invitee.email.key()) {
            Some(&user_id) => InviteResult::ActiveAccount { user_id, may_add_here: false },
            None => by_index.remove(&index).unwrap_or(InviteResult::Invalid),
        });
    }

    // Each grant remembers who made it and under which right (R24 checks it again at registration).
    let grants: Vec<[Value; 5]> = invited
        .iter()
        .flat_map(|(id, index, _)| {
            invitees[*index].grants.iter().map(move |(group, role)| [Value::from(*id), (*group).into(), role.as_str().into(), inviter.user_id.into(), batch.session.into()])
        })
        .collect();
    insert_rows(tx, "INSERT INTO invitation_grants (invitation_id, group_id, role, granted_by, via_session) VALUES ", &grants, " ON CONFLICT DO NOTHING").await?;
    // R30, R57: every session the address was invited from enrolls the user at registration.
    if let Some(session) = batch.session {
        let sessions: Vec<[Value; 2]> = invited.iter().map(|(id, _, _)| [Value::from(*id), session.into()]).collect();
        insert_rows(tx, "INSERT INTO invitation_sessions (invitation_id, session_id) VALUES ", &sessions, " ON CONFLICT DO NOTHING").await?;
    }
    // The labels and values wait on the invitation (one extended by a second inviter gains them too).
    let labels: Vec<[Value; 2]> = invited.iter().flat_map(|(id, index, _)| invitees[*index].details.labels.iter().map(move |label| [Value::from(*id), (*label).into()])).collect();
    insert_rows(tx, "INSERT INTO invitation_labels (invitation_id, label_id) VALUES ", &labels, " ON CONFLICT DO NOTHING").await?;
    let values: Vec<[Value; 3]> =
        invited.iter().flat_map(|(id, index, _)| invitees[*index].details.values.iter().map(move |v| [Value::from(*id), v.field.into(), v.value.as_str().into()])).collect();
    insert_rows(tx, "INSERT INTO invitation_custom_values (invitation_id, field_id, value) VALUES ", &values, " ON CONFLICT (invitation_id, field_id) DO UPDATE SET value = excluded.value").await?;

    let inviter_name = inviter.display_name();
    let mut emails = Vec::with_capacity(sendings.len());
    for &(id, index, send, token) in &sendings {
        let invitee = &invitees[index];
        // The emails speak the invitee's language; the account keeps none unless one was chosen,
        // and then follows the platform's (R44).
        let language = invitee.details.language.unwrap_or(platform.language);
        let sent = SentInvitation { id, send, to: invitee.email.as_str(), token, expires_at: now + platform.lifetime_ms, language };
        if send > 1 {
            withdraw_earlier_links(tx, id).await?;
        }
        emails.push(invitation_email(batch.settings, &platform, &inviter_name, sent));
    }
    mail::enqueue_many(tx, &emails).await?;
    let entries: Vec<(&str, &str, i64, serde_json::Value)> = invited
        .iter()
        .map(|(id, index, result)| {
            let send = sendings.iter().find(|s| s.0 == *id).map(|s| s.2);
            let action = match (result, send) {
                (InviteResult::Invited, Some(1)) => "invitation_created",
                (InviteResult::Invited, _) => "invitation_renewed",
                _ => "invitation_extended",
            };
            // As a set-up user's entry says it: the groups, and the roles granted in each.
            let grants = invitees[*index].grants;
            let mut groups: Vec<GroupId> = grants.iter().map(|g| g.0).collect();
            groups.dedup();
            let mut roles: Vec<Role> = grants.iter().map(|g| g.1).collect();
            roles.sort();
            roles.dedup();
            (action, "invitation", *id, serde_json::json!({ "groups": groups, "roles": roles }))
        })
        .collect();
    audit::record_many(tx, batch.who, &entries).await?;
    Ok(results)
}

/// Inserts `rows` with `head` and `tail` around their `VALUES`, `ROWS_PER_INSERT` a statement.
async fn insert_rows<const N: usize>(tx: &mut Tx, head: &str, rows: &[[Value; N]], tail: &str) -> Result<(), AppError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut statement = Statement::new(head);
        for (i, row) in chunk.iter().enumerate() {
            statement.push_row(i == 0, row.iter().cloned());
        }
        statement.push(tail);
        statement.query().execute(&mut **tx).await?;
    }
    Ok(())
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
    withdraw_earlier_links(tx, sent.id).await?;
    mail::enqueue(tx, &invitation_email(settings, platform, inviter, sent)).await?;
    Ok(())
}

/// Earlier emails of this invitation not sent yet carry a dead link: withdrawn.
async fn withdraw_earlier_links(tx: &mut Tx, invitation: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE outbox_emails SET secret = NULL WHERE invitation_id = $1 AND status IN ('queued', 'failed')").bind(invitation).execute(&mut **tx).await?;
    Ok(())
}

fn invitation_email(settings: &Settings, platform: &PlatformFacts, inviter: &str, sent: SentInvitation<'_>) -> OutgoingEmail {
    // The link's token is the email's secret: stored apart, forgotten once sent (mail::SECRET).
    let link = format!("{}/invitation/{}", settings.public_url, mail::SECRET);
    let expires_on = crate::backend::db::date_of(sent.expires_at, platform.zone);
    let rendered = emails::Invitation { platform: &platform.name, inviter, link: &link, expires_on: &expires_on }.render(sent.language);
    OutgoingEmail {
        invitation_id: Some(sent.id),
        secret: Some(sent.token.to_string()),
        ..OutgoingEmail::new(format!("invitation:{}:send:{}", sent.id, sent.send), "invitation", sent.to, sent.language, rendered)
    }
}
