//! Setting up users (R25–R28, R31, R40): accounts that are active at once, in the groups and with
//! the roles chosen, with either the administrator's password or generated credentials sent by
//! email; one transaction creates the user, the memberships (learners climb, R10), the
//! enrollments and their session emails, the credentials email and, without one, the billing.

use crate::backend::audit::{self, Who};
use crate::backend::auth::PasswordHasher;
use crate::backend::billing;
use crate::backend::db::{now_ms, Backend, Db, Tx};
use crate::backend::mail::{self, OutgoingEmail};
use crate::backend::Permit;
use crate::domain::capability::AddUsersSomewhere;
use crate::backend::Settings;
use crate::domain::billing::BillingReason;
use crate::backend::tree::Current;
use crate::domain::group_tree::GroupId;
use crate::domain::identity::{Email, LoginId, Username};
use crate::backend::Principal;
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::emails;
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, Msg};
use crate::wire::details::UserDetails;
use crate::wire::users::{AddableGroup, GroupChoices, NewUser, SetUpDone};

/// The groups where this person may set up or invite users, with the roles they may grant in
/// each (R1–R3, R6), for the group-selection modal. Parents come before their children.
pub fn addable_groups(permit: &Permit<'_, AddUsersSomewhere>) -> GroupChoices {
    let principal = permit.by();
    let tree = &principal.tree;
    let mut seen = std::collections::BTreeSet::new();
    let mut addable = GroupChoices::default();
    for top in principal.overseen_groups() {
        for id in tree.subtree(top) {
            if !seen.insert(id) {
                continue;
            }
            let roles: Vec<Role> = Role::ALL.into_iter().filter(|&role| principal.may(&Action::AddUsers(&[(id, role)]))).collect();
            let (false, Some(node)) = (roles.is_empty(), tree.get(id)) else { continue };
            let role_set = match addable.role_sets.iter().position(|set| *set == roles) {
                Some(index) => index,
                None => {
                    addable.role_sets.push(roles);
                    addable.role_sets.len() - 1
                }
            };
            addable.groups.push(AddableGroup { id, parent: node.parent_id, name: node.name.clone(), role_set });
        }
    }
    addable
}

/// Checks the form field by field; every message is returned at once, nothing is written.
fn validate(form: &NewUser) -> Result<(String, String, LoginId, Option<String>), AppError> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, msg: Msg| errors.push(FieldError { field: field.to_string(), msg });
    let first = crate::domain::names::tidy(&form.first_name, 100).map_err(|m| fail("first_name", m)).ok();
    let last = crate::domain::names::tidy(&form.last_name, 100).map_err(|m| fail("last_name", m)).ok();
    let login = if form.without_email {
        Username::parse(&form.username).map(LoginId::Username).map_err(|_| fail("username", Msg::InvalidUsername)).ok()
    } else if form.email.trim().is_empty() {
        fail("email", Msg::Required);
        None
    } else {
        Email::parse(&form.email).map(LoginId::Email).map_err(|_| fail("email", Msg::InvalidEmail)).ok()
    };
    let password = if form.send_credentials && form.without_email {
        fail("send_credentials", Msg::NoEmailForCredentials);
        None
    } else if form.send_credentials {
        None
    } else if form.password.is_empty() {
        fail("password", Msg::Required);
        None
    } else {
        let identity = [form.first_name.as_str(), form.last_name.as_str(), login.as_ref().map(LoginId::as_str).unwrap_or("")];
        crate::domain::password::check(&form.password, &identity).map_err(|m| fail("password", m)).ok();
        Some(form.password.clone())
    };
    if form.groups.is_empty() {
        fail("groups", Msg::ChooseAGroup);
    }
    if let Err(msg) = crate::domain::names::at_most(&form.groups, crate::domain::names::MAX_GROUPS) {
        fail("groups", msg);
    }
    if form.roles.is_empty() {
        fail("roles", Msg::ChooseARole);
    }
    if let Err(msg) = crate::domain::names::at_most(&form.roles, crate::domain::names::MAX_ROLES) {
        fail("roles", msg);
    }
    match (first, last, login) {
        (Some(first), Some(last), Some(login)) if errors.is_empty() => Ok((first, last, login, password)),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Sets up one user (R25–R28). The caller has checked that the principal may add users
/// somewhere; here every (group, role) pair is checked, and refused pairs name their groups at
/// the Group(s) field.
pub async fn set_up(db: &Db, settings: &Settings, hasher: &PasswordHasher, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, form: &NewUser) -> Result<SetUpDone, AppError> {
    set_up_known_as(db, settings, hasher, permit, who, form, None).await
}

/// `set_up`, for an identity provider that knows the user as `external_id` (R92).
pub(crate) async fn set_up_known_as(
    db: &Db,
    settings: &Settings,
    hasher: &PasswordHasher,
    permit: &Permit<'_, AddUsersSomewhere>,
    who: &Who,
    form: &NewUser,
    external_id: Option<&str>,
) -> Result<SetUpDone, AppError> {
    let principal = permit.by();
    let mut detail_errors = Vec::new();
    let details = crate::backend::details::check(db, &form.details, &mut detail_errors).await?;
    let (first, last, login, password) = match validate(form) {
        Err(AppError::Invalid(mut errors)) => {
            errors.extend(detail_errors);
            return Err(AppError::Invalid(errors));
        }
        Err(other) => return Err(other),
        Ok(_) if !detail_errors.is_empty() => return Err(AppError::Invalid(detail_errors)),
        Ok(valid) => valid,
    };
    let refused: Vec<String> = form
        .groups
        .iter()
        .filter(|&&group| !form.roles.iter().all(|&role| principal.may(&Action::AddUsers(&[(group, role)]))))
        .map(|&group| principal.tree.get(group).map(|g| g.name.clone()).unwrap_or_else(|| format!("#{group}")))
        .collect();
    if !refused.is_empty() {
        return Err(AppError::field("groups", Msg::MayNotAddIn { groups: refused.join(", ") }));
    }
    let send_credentials = password.is_none();
    // R71: a credentials email goes to an outside address like an invitation, under the same limits.
    let created = async {
        let (password, password_hash) = hasher.given_or_generated(password).await?;
        let mut tx = db.begin().await?;
        let current = crate::backend::tree::current_in(&mut tx, &principal.tree).await?;
        let account = Account { first: &first, last: &last, login: &login, password: &password, password_hash, send_credentials, groups: &form.groups, roles: &form.roles, details: &details, external_id };
        let user = create_account(&mut tx, db.backend, settings, &current, principal, who, &account).await?;
        tx.commit().await?;
        Ok(SetUpDone { user_id: user, name: format!("{first} {last}"), login: login.as_str().to_string(), credentials_sent: send_credentials })
    };
    crate::backend::settings::sending_invitation_emails(db, principal, i64::from(send_credentials), "send_credentials", created).await
}

/// An account to create, checked: by whom is the caller's business (R1–R6 for each group and
/// role); the password is hashed before the transaction (hashing is slow on purpose).
pub(crate) struct Account<'a> {
    pub(crate) first: &'a str,
    pub(crate) last: &'a str,
    pub(crate) login: &'a LoginId,
    /// The password as given, or generated to be sent (R27).
    pub(crate) password: &'a str,
    pub(crate) password_hash: String,
    pub(crate) send_credentials: bool,
    pub(crate) groups: &'a [GroupId],
    /// Granted in every group.
    pub(crate) roles: &'a [Role],
    pub(crate) details: &'a UserDetails,
    /// What an identity provider knows the user as (R92).
    pub(crate) external_id: Option<&'a str>,
}

/// Creates one active account in the caller's transaction (R25–R28): the user, the memberships
/// (learners climb, R10), the details, the credentials email or, without one, the billing (R26),
/// the session emails (R31), the audit entry. Refused, writing nothing: an address with a pending
/// invitation (R28), a login already taken, a group that no longer exists.
pub(crate) async fn create_account(tx: &mut Tx, backend: Backend, settings: &Settings, current: &Current, principal: &Principal, who: &Who, account: &Account<'_>) -> Result<i64, AppError> {
    let tree = &current.tree;
    let now = now_ms();
    let login = account.login;
    crate::backend::db::serialize_on_address(tx, backend, login.key()).await?;
    if let Some(&missing) = account.groups.iter().find(|&&group| tree.get(group).is_none()) {
        return Err(AppError::field("groups", Msg::MayNotAddIn { groups: format!("#{missing}") }));
    }
    let (column, email, email_key, username, username_key) = match login {
        LoginId::Email(e) => ("email", Some(e.as_str()), Some(e.key()), None, None),
        LoginId::Username(u) => ("username", None, None, Some(u.as_str()), Some(u.key())),
    };
    let details = account.details;
    // Not over a pending invitation (R28: the address is serialised above); the unique index
    // decides between two submissions of the same form: the second one finds the account the
    // first created.
    let user: Option<i64> = sqlx::query_scalar(&format!(
        "INSERT INTO users (email, email_key, username, username_key, first_name, last_name, language, status, password_hash,
                            must_change_password, password_expires_at, deletion_date, created_at, activated_at, external_id)
         SELECT $1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $12, $10, $11, $11, $13
         WHERE NOT EXISTS (SELECT 1 FROM invitations WHERE email_key = $2 AND status = 'pending')
         ON CONFLICT ({column}_key) WHERE {column}_key IS NOT NULL DO NOTHING RETURNING id"
    ))
    .bind(email)
    .bind(email_key)
    .bind(username)
    .bind(username_key)
    .bind(account.first)
    .bind(account.last)
    .bind(details.language.map(Lang::code))
    .bind(&account.password_hash)
    .bind(i64::from(account.send_credentials))
    .bind(details.deletion_date.as_deref())
    .bind(now)
    .bind(account.send_credentials.then_some(now + crate::backend::auth::ONE_TIME_PASSWORD_LIFETIME_MS))
    .bind(account.external_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(user) = user else {
        return Err(match login {
            LoginId::Email(email) => {
                let pending: Option<i64> = sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = $1 AND status = 'pending'").bind(email.key()).fetch_optional(&mut **tx).await?;
                match pending {
                    Some(_) => AppError::field("email", Msg::PendingInvitation { email: email.as_str().to_string() }),
                    None => AppError::field("email", Msg::ActiveAccountExists),
                }
            }
            LoginId::Username(_) => AppError::field("username", Msg::UsernameTaken),
        });
    };

    let mut enrolled = Vec::new();
    for &group in account.groups {
        enrolled.extend(crate::backend::groups::insert_memberships(tx, tree, user, group, account.roles).await?);
    }
    crate::backend::details::apply_to_user(tx, user, details).await?;
    let language = details.language.or(current.default_language).unwrap_or_default();
    match login {
        LoginId::Email(email) if account.send_credentials => {
            // Billed when this email is sent (R26): see the outbox worker.
            let sent = Credentials { user, to: email.as_str(), password: account.password, language, cause: "set_up" };
            queue_credentials(tx, settings, &current.platform_name, &principal.display_name(), sent).await?;
        }
        LoginId::Email(_) => billing::bill(tx, user, BillingReason::SetUp, now).await?,
        // R40: no email, ever; billed at creation.
        LoginId::Username(_) => billing::bill(tx, user, BillingReason::SetUp, now).await?,
    }
    // R31: set-up users get their session emails at once.
    crate::backend::enrollment::email_enrollments(tx, settings, user, &enrolled).await?;
    let summary = serde_json::json!({ "groups": account.groups, "roles": account.roles, "credentials_sent": account.send_credentials });
    audit::record(tx, who, "user_set_up", "user", user, &summary).await?;
    Ok(user)
}

/// A credentials email to queue: `cause` tells it from other sendings to the same user.
pub(super) struct Credentials<'a> {
    pub(super) user: i64,
    pub(super) to: &'a str,
    pub(super) password: &'a str,
    pub(super) language: Lang,
    pub(super) cause: &'a str,
}

/// Earlier credentials not sent yet carry a password that no longer works: withdrawn (before new
/// ones are queued to an account that had some).
pub(super) async fn withdraw_unsent_credentials(tx: &mut Tx, user: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE outbox_emails SET secret = NULL WHERE user_id = $1 AND kind = $2 AND status IN ('queued', 'failed')")
        .bind(user)
        .bind(mail::CREDENTIALS_KIND)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn queue_credentials(tx: &mut Tx, settings: &Settings, platform: &str, inviter: &str, sent: Credentials<'_>) -> Result<(), AppError> {
    let link = format!("{}/login", settings.public_url);
    // The password is the email's secret: stored apart, forgotten once sent (mail::SECRET).
    let rendered = emails::Credentials { platform, inviter, login: sent.to, password: mail::SECRET, link: &link }.render(sent.language);
    let key = format!("credentials:user:{}:{}", sent.user, sent.cause);
    let email = OutgoingEmail { user_id: Some(sent.user), secret: Some(sent.password.to_string()), ..OutgoingEmail::new(key, mail::CREDENTIALS_KIND, sent.to, sent.language, rendered) };
    mail::enqueue(tx, &email).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> NewUser {
        NewUser {
            first_name: "Grace".into(),
            last_name: "Hopper".into(),
            email: "grace@example.com".into(),
            without_email: false,
            username: String::new(),
            password: "correct horse battery".into(),
            send_credentials: false,
            groups: vec![1],
            roles: vec![Role::Learner],
            details: Default::default(),
        }
    }

    fn fields(result: Result<(String, String, LoginId, Option<String>), AppError>) -> Vec<(String, Msg)> {
        match result {
            Err(AppError::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.msg)).collect(),
            Err(other) => panic!("unexpected {other:?}"),
            Ok(_) => vec![],
        }
    }

    #[test]
    fn a_complete_form_passes() {
        assert!(validate(&form()).is_ok());
        assert!(validate(&NewUser { password: String::new(), send_credentials: true, ..form() }).is_ok());
        assert!(validate(&NewUser { without_email: true, username: "ghopper".into(), email: "ignored".into(), ..form() }).is_ok());
    }

    #[test]
    fn every_field_at_fault_gets_its_message_at_once() {
        let bad = NewUser { first_name: " ".into(), last_name: String::new(), email: "not-an-email".into(), password: "short".into(), groups: vec![], roles: vec![], ..form() };
        let got = fields(validate(&bad));
        let at: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(at, ["first_name", "last_name", "email", "password", "groups", "roles"]);
        assert_eq!(got[2].1, Msg::InvalidEmail);
        assert_eq!(got[4].1, Msg::ChooseAGroup);
    }

    #[test]
    fn r47_the_password_may_not_contain_the_name_and_is_required_without_credentials() {
        assert_eq!(fields(validate(&NewUser { password: "GraceHopper2026!".into(), ..form() })), [("password".to_string(), Msg::PasswordLikeIdentity)]);
        assert_eq!(fields(validate(&NewUser { password: String::new(), ..form() })), [("password".to_string(), Msg::Required)]);
    }

    #[test]
    fn r40_a_user_without_email_needs_a_valid_username_and_cannot_receive_credentials() {
        let no_email = NewUser { without_email: true, username: "a b".into(), send_credentials: true, ..form() };
        let at: Vec<String> = fields(validate(&no_email)).into_iter().map(|(f, _)| f).collect();
        assert_eq!(at, ["username", "send_credentials"]);
    }
}
