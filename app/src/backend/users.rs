//! Users. Setting them up (R25–R28, R31, R40): accounts that are active at once, in the groups
//! and with the roles chosen, with either the administrator's password or generated credentials
//! sent by email; one transaction creates the user, the memberships (learners climb, R10), the
//! enrollments and their session emails, the credentials email and, without one, the billing.
//! Then Dashboard > USERS and the user page (R39–R41), within what each administrator sees.

use super::audit::{self, Who};
use super::auth::{random_password, PasswordHasher};
use super::billing;
use super::db::{date_of, in_list, minute_of, now_ms, Db, Tx};
use super::mail::{self, OutgoingEmail};
use super::principal::Principal;
use super::Settings;

use crate::domain::account::UserStatus;
use crate::domain::billing::BillingReason;
use crate::domain::group_tree::GroupId;
use crate::domain::identity::{Email, LoginId, Username};
use crate::domain::policy::{Action, Handling, Person};
use crate::domain::role::Role;
use crate::emails;
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, Msg};
use crate::wire::details::{FieldValue, UserDetails};
use crate::wire::users::{AddableGroup, GroupChoices, NewUser, SentEmail, SetUpDone, USERS_PER_PAGE, UserFilter, UserGroupRoles, UserList, UserMembership, UserProfile, UserRow};

/// How the new user signs in: by email, or by username for users without email (R40).
enum Login {
    Email(Email),
    Username(Username),
}

impl Login {
    fn as_str(&self) -> &str {
        match self {
            Login::Email(e) => e.as_str(),
            Login::Username(u) => u.as_str(),
        }
    }
}

/// The groups where this person may set up or invite users, with the roles they may grant in
/// each (R1–R3, R6), for the group-selection modal. Parents come before their children.
pub fn addable_groups(principal: &Principal) -> GroupChoices {
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
fn validate(form: &NewUser) -> Result<(String, String, Login, Option<String>), AppError> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, msg: Msg| errors.push(FieldError { field: field.to_string(), msg });
    let first = crate::domain::names::tidy(&form.first_name, 100).map_err(|m| fail("first_name", m)).ok();
    let last = crate::domain::names::tidy(&form.last_name, 100).map_err(|m| fail("last_name", m)).ok();
    let login = if form.without_email {
        Username::parse(&form.username).map(Login::Username).map_err(|_| fail("username", Msg::InvalidUsername)).ok()
    } else if form.email.trim().is_empty() {
        fail("email", Msg::Required);
        None
    } else {
        Email::parse(&form.email).map(Login::Email).map_err(|_| fail("email", Msg::InvalidEmail)).ok()
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
        let identity = [form.first_name.as_str(), form.last_name.as_str(), login.as_ref().map(Login::as_str).unwrap_or("")];
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
pub async fn set_up(db: &Db, settings: &Settings, hasher: &PasswordHasher, principal: &Principal, who: &Who, form: &NewUser) -> Result<SetUpDone, AppError> {
    let mut detail_errors = Vec::new();
    let details = super::details::check(db, &form.details, &mut detail_errors).await?;
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
        let password = password.unwrap_or_else(random_password);
        let password_hash = hasher.hash(&password).await?;

        let now = now_ms();
        let mut tx = db.begin().await?;
        let (column, key) = match &login {
            Login::Email(e) => ("email", e.key()),
            Login::Username(u) => ("username", u.key()),
        };
        super::db::serialize_on_address(&mut tx, db.backend, key).await?;
        if let Login::Email(email) = &login {
            let pending: Option<i64> =
                sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = $1 AND status = 'pending'").bind(email.key()).fetch_optional(&mut *tx).await?;
            if pending.is_some() {
                return Err(AppError::field("email", Msg::PendingInvitation { email: email.as_str().to_string() }));
            }
        }
        let (email, email_key, username, username_key) = match &login {
            Login::Email(e) => (Some(e.as_str()), Some(e.key()), None, None),
            Login::Username(u) => (None, None, Some(u.as_str()), Some(u.key())),
        };
        // The unique index decides between two submissions of the same form: the second one finds
        // the account the first created.
        let user: Option<i64> = sqlx::query_scalar(&format!(
            "INSERT INTO users (email, email_key, username, username_key, first_name, last_name, language, status, password_hash,
                                must_change_password, password_expires_at, deletion_date, created_at, activated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $12, $10, $11, $11)
             ON CONFLICT ({column}_key) WHERE {column}_key IS NOT NULL DO NOTHING RETURNING id"
        ))
        .bind(email)
        .bind(email_key)
        .bind(username)
        .bind(username_key)
        .bind(&first)
        .bind(&last)
        .bind(details.language.map(Lang::code))
        .bind(password_hash)
        .bind(i64::from(send_credentials))
        .bind(details.deletion_date.as_deref())
        .bind(now)
        .bind(send_credentials.then_some(now + super::auth::ONE_TIME_PASSWORD_LIFETIME_MS))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user) = user else {
            let msg = match login {
                Login::Email(_) => ("email", Msg::ActiveAccountExists),
                Login::Username(_) => ("username", Msg::UsernameTaken),
            };
            return Err(AppError::field(msg.0, msg.1));
        };

        let tree = super::directory::group_tree_in(&mut tx).await?;
        let mut enrolled = Vec::new();
        for &group in &form.groups {
            if tree.get(group).is_none() {
                return Err(AppError::field("groups", Msg::MayNotAddIn { groups: format!("#{group}") }));
            }
            enrolled.extend(super::groups::insert_memberships(&mut tx, &tree, user, group, &form.roles).await?);
        }
        super::details::apply_to_user(&mut tx, user, &details).await?;
        let platform: (String, String) = sqlx::query_as("SELECT name, default_language FROM platform WHERE id = 1").fetch_one(&mut *tx).await?;
        let language = details.language.or_else(|| Lang::parse(&platform.1)).unwrap_or_default();
        match &login {
            Login::Email(email) => {
                if send_credentials {
                    // Billed when this email is sent (R26): see the outbox worker.
                    let sent = Credentials { user, to: email.as_str(), password: &password, language, cause: "set_up" };
                    queue_credentials(&mut tx, settings, &platform.0, &principal.display_name(), sent).await?;
                } else {
                    billing::bill(&mut tx, user, BillingReason::SetUp, now).await?;
                }
            }
            // R40: no email, ever; billed at creation.
            Login::Username(_) => billing::bill(&mut tx, user, BillingReason::SetUp, now).await?,
        }
        // R31: set-up users get their session emails at once.
        super::programs::email_enrollments(&mut tx, settings, user, &enrolled).await?;
        let summary = serde_json::json!({ "groups": form.groups, "roles": form.roles, "credentials_sent": send_credentials });
        audit::record(&mut tx, who, "user_set_up", "user", user, &summary).await?;
        tx.commit().await?;
        Ok(SetUpDone { user_id: user, name: format!("{first} {last}"), login: login.as_str().to_string(), credentials_sent: send_credentials })
    };
    super::settings::sending_invitation_emails(db, principal, i64::from(send_credentials), "send_credentials", created).await
}

/// A credentials email to queue: `cause` tells it from other sendings to the same user.
struct Credentials<'a> {
    user: i64,
    to: &'a str,
    password: &'a str,
    language: Lang,
    cause: &'a str,
}

async fn queue_credentials(tx: &mut Tx, settings: &Settings, platform: &str, inviter: &str, sent: Credentials<'_>) -> Result<(), AppError> {
    let link = format!("{}/login", settings.public_url);
    // The password is the email's secret: stored apart, forgotten once sent (mail::SECRET).
    let rendered = emails::Credentials { platform, inviter, login: sent.to, password: mail::SECRET, link: &link }.render(sent.language);
    let key = format!("credentials:user:{}:{}", sent.user, sent.cause);
    // Earlier credentials not sent yet carry a password that no longer works: withdrawn.
    sqlx::query("UPDATE outbox_emails SET secret = NULL WHERE user_id = $1 AND kind = $2 AND status IN ('queued', 'failed')")
        .bind(sent.user)
        .bind(mail::CREDENTIALS_KIND)
        .execute(&mut **tx)
        .await?;
    let email = OutgoingEmail { user_id: Some(sent.user), secret: Some(sent.password.to_string()), ..OutgoingEmail::new(key, mail::CREDENTIALS_KIND, sent.to, sent.language, rendered) };
    mail::enqueue(tx, &email).await?;
    Ok(())
}

/// How often an administrator may send a user new credentials.
const NEW_CREDENTIALS_INTERVAL_MS: i64 = 60_000;

/// Sends a user with email a new one-time password (R58), for one who lost theirs or never got
/// the first email; their sessions end. Whoever may manage the user's access may (R54), once a
/// minute per user, so that a double click sends one email.
pub async fn send_new_credentials(db: &Db, settings: &Settings, hasher: &PasswordHasher, principal: &Principal, who: &Who, user: i64) -> Result<(), AppError> {
    require_manage(db, principal, user, Handling::Access).await?;
    super::settings::sending_invitation_emails(db, principal, 1, "credentials", send_credentials_now(db, settings, hasher, principal, who, user)).await
}

async fn send_credentials_now(db: &Db, settings: &Settings, hasher: &PasswordHasher, principal: &Principal, who: &Who, user: i64) -> Result<(), AppError> {
    let password = random_password();
    let hash = hasher.hash(&password).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    super::db::serialize_on_address(&mut tx, db.backend, &format!("user:{user}")).await?;
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
        .bind(now + super::auth::ONE_TIME_PASSWORD_LIFETIME_MS)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    let platform: String = sqlx::query_scalar("SELECT name FROM platform WHERE id = 1").fetch_one(&mut *tx).await?;
    let cause = format!("new:{now}");
    let sent = Credentials { user, to: &email, password: &password, language: language_of(&mut tx, user).await?, cause: &cause };
    queue_credentials(&mut tx, settings, &platform, &principal.display_name(), sent).await?;
    audit::record(&mut tx, who, "credentials_sent_again", "user", user, &serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// The language a user's emails speak: theirs, else the platform's (R44).
pub async fn language_of(tx: &mut Tx, user: i64) -> Result<Lang, AppError> {
    let code: String = sqlx::query_scalar("SELECT COALESCE(u.language, p.default_language) FROM users u CROSS JOIN platform p WHERE u.id = $1")
        .bind(user)
        .fetch_one(&mut **tx)
        .await?;
    Ok(Lang::parse(&code).unwrap_or_default())
}

/// Finds an existing user by email or username, for "add an existing user" (groups, sessions),
/// among those this person sees in `scope` (`None`: everyone); anyone else is answered as an
/// unknown user (R62).
pub async fn find_seen(db: &Db, scope: Option<&[GroupId]>, login: &str) -> Result<i64, AppError> {
    let not_found = || AppError::field("login", Msg::NoSuchUser);
    let id = LoginId::parse(login).ok_or_else(not_found)?;
    let (column, key) = match &id {
        LoginId::Email(e) => ("email_key", e.key()),
        LoginId::Username(u) => ("username_key", u.key()),
    };
    let user: Option<i64> = sqlx::query_scalar(&format!("SELECT id FROM users WHERE {column} = $1 AND deleted_at IS NULL")).bind(key).fetch_optional(&db.pool).await?;
    let user = user.ok_or_else(not_found)?;
    if let Some(scope) = scope {
        let groups: Vec<GroupId> = sqlx::query_scalar("SELECT group_id FROM memberships WHERE user_id = $1").bind(user).fetch_all(&db.pool).await?;
        if !groups.iter().any(|g| scope.contains(g)) {
            return Err(not_found());
        }
    }
    Ok(user)
}

/// The groups whose members those who run sessions or coach may pick as instructors or learners
/// of a session: `None` for a platform administrator (everyone); else the subtrees where they are
/// admin, user admin or coach.
pub fn session_scope(principal: &Principal) -> Option<Vec<GroupId>> {
    (!principal.is_platform_admin()).then(|| overseen_subtrees(principal))
}

/// The groups whose users this person sees in Dashboard > USERS and on user pages: `None` for a
/// platform administrator (everyone); else where they may add users (R2, R3: their subtree).
pub fn user_scope(principal: &Principal) -> Option<Vec<GroupId>> {
    (!principal.is_platform_admin()).then(|| {
        let mut groups = overseen_subtrees(principal);
        // Wherever any role may be granted, the learner role may (R2, R3).
        groups.retain(|&g| principal.may(&Action::AddUsers(&[(g, Role::Learner)])));
        groups
    })
}

/// Every group at or below one where this person is admin, user admin or coach, once each.
fn overseen_subtrees(principal: &Principal) -> Vec<GroupId> {
    let mut groups: Vec<GroupId> = principal.overseen_groups().into_iter().flat_map(|top| principal.tree.subtree(top)).collect();
    groups.sort_unstable();
    groups.dedup();
    groups
}

/// One page of Dashboard > USERS (R39): the users this person sees, in name order, searched by
/// name, email or username, filtered by groups (any of them), role and status.
pub async fn list(db: &Db, principal: &Principal, filter: &UserFilter, page: u32) -> Result<UserList, AppError> {
    let mut conditions = vec![SEARCH.to_string(), "u.deleted_at IS NULL".to_string()];
    let scope = user_scope(principal);
    if let Some(scope) = &scope {
        conditions.push(format!("EXISTS (SELECT 1 FROM memberships s WHERE s.user_id = u.id AND {})", in_list("s.group_id", scope)));
    }
    let role = filter.role.map(Role::as_str).unwrap_or("");
    if !filter.groups.is_empty() || filter.role.is_some() {
        let groups = if filter.groups.is_empty() { "1 = 1".to_string() } else { in_list("f.group_id", &filter.groups) };
        conditions.push(format!("EXISTS (SELECT 1 FROM memberships f WHERE f.user_id = u.id AND {groups} AND ($2 = '' OR f.role = $2))"));
    } else {
        // $2 (the role) is bound either way: PostgreSQL refuses a parameter the text never uses.
        conditions.push("$2 = ''".to_string());
    }
    if let Some(label) = filter.label {
        conditions.push(format!("EXISTS (SELECT 1 FROM user_labels l WHERE l.user_id = u.id AND l.label_id = {label})"));
    }
    match filter.status {
        Some(UserStatus::Active) => conditions.push("u.must_change_password = 0".into()),
        Some(UserStatus::FirstLoginPending) => conditions.push("u.must_change_password = 1".into()),
        None => {}
    }
    let filter_sql = conditions.join(" AND ");
    let pattern = super::directory::like_pattern(&filter.search);
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM users u WHERE {filter_sql}")).bind(&pattern).bind(role).fetch_one(&db.pool).await?;
    let pages = ((total as u64).div_ceil(USERS_PER_PAGE as u64)).max(1) as u32;
    let page = page.clamp(1, pages);
    let rows: Vec<(i64, String, String, String, i64, i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT u.id, u.first_name, u.last_name, COALESCE(u.email, u.username), u.must_change_password, u.created_at, u.activated_at
         FROM users u WHERE {filter_sql}
         ORDER BY lower(u.last_name), lower(u.first_name), u.id LIMIT $3 OFFSET $4"
    ))
    .bind(&pattern)
    .bind(role)
    .bind(i64::from(USERS_PER_PAGE))
    .bind(i64::from((page - 1) * USERS_PER_PAGE))
    .fetch_all(&db.pool)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let memberships: Vec<(i64, GroupId, String)> = if ids.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(&format!("SELECT user_id, group_id, role FROM memberships WHERE propagated_from IS NULL AND {} ORDER BY group_id", in_list("user_id", &ids)))
            .fetch_all(&db.pool)
            .await?
    };
    let labels: Vec<(i64, String)> = if ids.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(&format!(
            "SELECT ul.user_id, lb.name FROM user_labels ul JOIN labels lb ON lb.id = ul.label_id WHERE {} ORDER BY lb.name_key",
            in_list("ul.user_id", &ids)
        ))
        .fetch_all(&db.pool)
        .await?
    };
    let tree = &principal.tree;
    let rows = rows
        .into_iter()
        .map(|(id, first_name, last_name, login, must_change, created_at, activated_at)| {
            let mut groups: Vec<UserGroupRoles> = Vec::new();
            for (_, group, role) in memberships.iter().filter(|m| m.0 == id) {
                let Some(role) = Role::parse(role) else { continue };
                match groups.iter_mut().find(|g| g.group_id == *group) {
                    Some(g) => g.roles.push(role),
                    None => groups.push(UserGroupRoles { group_id: *group, group: tree.get(*group).map(|g| g.name.clone()).unwrap_or_default(), roles: vec![role] }),
                }
            }
            for g in &mut groups {
                g.roles.sort();
            }
            UserRow {
                id,
                first_name,
                last_name,
                login,
                status: if must_change != 0 { UserStatus::FirstLoginPending } else { UserStatus::Active },
                groups,
                labels: labels.iter().filter(|(u, _)| *u == id).map(|(_, name)| name.clone()).collect(),
                created_on: date_of(created_at),
                activated_on: activated_at.map(date_of),
            }
        })
        .collect();
    let filter_groups = filter.groups.iter().filter_map(|&g| tree.get(g).map(|n| (g, n.name.clone()))).collect();
    Ok(UserList { rows, total: total as u64, page, pages, filter_groups })
}

const SEARCH: &str = "($1 = '' OR lower(u.first_name || ' ' || u.last_name) LIKE $1 ESCAPE '\\'
                      OR lower(u.last_name || ' ' || u.first_name) LIKE $1 ESCAPE '\\'
                      OR u.email_key LIKE $1 ESCAPE '\\' OR u.username_key LIKE $1 ESCAPE '\\')";

/// A user's memberships: (group, role, the group a propagated learner came from).
type Memberships = Vec<(GroupId, String, Option<GroupId>)>;

/// The (group, role) pairs a user holds directly (R54 decides on them).
fn direct_grants(memberships: &Memberships) -> Vec<(GroupId, Role)> {
    memberships.iter().filter(|(_, _, from)| from.is_none()).filter_map(|(g, role, _)| Some((*g, Role::parse(role)?))).collect()
}

/// Refuses unless this person sees the user (R62) and may manage them so (R54); returns the
/// user's memberships.
async fn require_manage(db: &Db, principal: &Principal, user: i64, handling: Handling) -> Result<Memberships, AppError> {
    let memberships = require_sight(db, principal, user).await?;
    let is_owner = is_owner(db, user).await?;
    principal.require(&Action::ManageUser(Person { is_owner, direct: &direct_grants(&memberships) }, handling))?;
    Ok(memberships)
}

async fn is_owner(db: &Db, user: i64) -> Result<bool, AppError> {
    let owner: Option<i64> = sqlx::query_scalar("SELECT owner_id FROM platform WHERE id = 1").fetch_one(&db.pool).await?;
    Ok(owner == Some(user))
}

/// Whether this person sees this user: a platform administrator, or someone who may add users
/// to one of the user's groups. Others get `NotFound`, as for a user that does not exist.
/// Returns the user's memberships, read once for the callers' own decisions.
async fn require_sight(db: &Db, principal: &Principal, user: i64) -> Result<Memberships, AppError> {
    // R42: a deleted account is gone for everyone.
    let alive: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL").bind(user).fetch_optional(&db.pool).await?;
    if alive.is_none() {
        return Err(AppError::NotFound);
    }
    let memberships: Memberships = sqlx::query_as("SELECT group_id, role, propagated_from FROM memberships WHERE user_id = $1").bind(user).fetch_all(&db.pool).await?;
    match user_scope(principal) {
        Some(scope) if !memberships.iter().any(|(g, _, _)| scope.contains(g)) => Err(AppError::NotFound),
        _ => Ok(memberships),
    }
}

/// A user's page: details, memberships, enrollments and the emails sent to them (R41).
pub async fn detail(db: &Db, principal: &Principal, user: i64) -> Result<UserProfile, AppError> {
    let memberships = require_sight(db, principal, user).await?;
    let person = Person { is_owner: is_owner(db, user).await?, direct: &direct_grants(&memberships) };
    let may_manage = principal.may(&Action::ManageUser(person, Handling::Details));
    let may_manage_access = principal.may(&Action::ManageUser(person, Handling::Access));
    let row: Option<(String, String, Option<String>, Option<String>, Option<String>, i64, Option<String>, i64, Option<i64>)> = sqlx::query_as(
        "SELECT first_name, last_name, email, username, language, must_change_password, deletion_date, created_at, activated_at FROM users WHERE id = $1",
    )
    .bind(user)
    .fetch_optional(&db.pool)
    .await?;
    let Some((first_name, last_name, email, username, language, must_change, deletion_date, created_at, activated_at)) = row else { return Err(AppError::NotFound) };
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
    let emails: Vec<(i64, String, String, i64, Option<i64>, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, kind, subject, created_at, sent_at, status, attempts, last_error FROM outbox_emails
         WHERE user_id = $1 OR invitation_id IN (SELECT id FROM invitations WHERE accepted_user_id = $1) ORDER BY id DESC",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    let latest_credentials = emails.iter().filter(|e| e.1 == mail::CREDENTIALS_KIND).map(|e| e.0).max();
    let emails = emails
        .into_iter()
        .map(|(id, kind, subject, created_at, sent_at, status, attempts, error)| SentEmail {
            resendable: status == "failed" && still_works(&kind, id, latest_credentials, must_change != 0),
            id,
            kind,
            subject,
            queued_at: minute_of(created_at),
            sent_at: sent_at.map(minute_of),
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
        status: if must_change != 0 { UserStatus::FirstLoginPending } else { UserStatus::Active },
        created_on: date_of(created_at),
        activated_on: activated_at.map(date_of),
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
pub async fn set_details(db: &Db, principal: &Principal, who: &Who, user: i64, details: &UserDetails) -> Result<(), AppError> {
    require_manage(db, principal, user, Handling::Details).await?;
    let mut errors = Vec::new();
    let details = &super::details::check(db, details, &mut errors).await?;
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
    let keep = details.deletion_date.as_deref().map(|date| super::deletion::warnings_for(user, date)).unwrap_or_default();
    sqlx::query("DELETE FROM outbox_emails WHERE user_id = $1 AND kind = $2 AND status IN ('queued', 'failed') AND dedupe_key NOT LIKE $3")
        .bind(user)
        .bind(super::deletion::WARNING_KIND)
        .bind(keep)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM user_labels WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM user_custom_values WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    super::details::apply_to_user(&mut tx, user, details).await?;
    // Which fields changed, not their values (those go with the person if the account is deleted).
    let fields: Vec<i64> = details.values.iter().map(|v| v.field).collect();
    let summary = serde_json::json!({ "language": details.language, "deletion_date": details.deletion_date, "labels": details.labels, "fields": fields });
    audit::record(&mut tx, who, "user_details_set", "user", user, &summary).await?;
    tx.commit().await?;
    Ok(())
}

/// R40: an administrator sets the password of a user without email (R54 decides who). The
/// user's sessions end.
pub async fn set_password(db: &Db, hasher: &PasswordHasher, principal: &Principal, who: &Who, user: i64, password: &str) -> Result<(), AppError> {
    require_manage(db, principal, user, Handling::Access).await?;
    let row: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT first_name, last_name, username FROM users WHERE id = $1 AND email IS NULL").bind(user).fetch_optional(&db.pool).await?;
    let Some((first, last, username)) = row else { return Err(AppError::NotAllowed) };
    crate::domain::password::check(password, &[&first, &last, username.as_deref().unwrap_or("")]).map_err(|m| AppError::field("password", m))?;
    let hash = hasher.hash(password).await?;
    let mut tx = db.begin().await?;
    let set = sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0, password_expires_at = NULL WHERE id = $2 AND deleted_at IS NULL")
        .bind(hash)
        .bind(user)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if set != 1 {
        return Err(AppError::NotFound);
    }
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    audit::record(&mut tx, who, "password_set", "user", user, &serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// R41: a failed email is queued again, from its first attempt.
pub async fn resend_email(db: &Db, principal: &Principal, who: &Who, email: i64) -> Result<(), AppError> {
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

    fn fields(result: Result<(String, String, Login, Option<String>), AppError>) -> Vec<(String, Msg)> {
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
