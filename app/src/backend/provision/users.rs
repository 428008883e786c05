//! Users (R92, R93): found by what a provider knows them by, set up, changed, deactivated and
//! erased, by the panels' rules: R25–R28 and R10 to create, R62 for who sees whom, R54 for who
//! manages whom, R68 to erase.

use super::{Condition, Found, Op, Order};

use crate::backend::audit::{self, Who};
use crate::backend::auth::{random_password, PasswordHasher};
use crate::backend::db::{serialize_on_address, Db};
use crate::backend::statement::Statement;
use crate::backend::users::{refuse_own_deactivation, require_manage, require_sight, set_up_known_as, store_active, store_password};
use crate::backend::{Permit, Settings};
use crate::domain::capability::AddUsersSomewhere;
use crate::domain::group_tree::GroupId;
use crate::domain::identity::LoginId;
use crate::domain::policy::Handling;
use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, Msg};
use crate::wire::details::{FieldValue, UserDetails};
use crate::wire::users::NewUser;

/// The most an identifier from an identity provider may hold.
pub const EXTERNAL_ID_MAX: usize = 255;

/// A user as a provisioning client sees them.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Provisioned {
    pub id: i64,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub username: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub language: Option<String>,
    pub deactivated_at: Option<i64>,
    pub must_change_password: i64,
    pub deletion_date: Option<String>,
    pub created_at: i64,
    /// The invitation made through SCIM this account came from (R99): the provider knows the
    /// account by that invitation's id.
    pub scim_invitation: Option<i64>,
    /// Their labels' names, by name (R43).
    #[sqlx(skip)]
    pub labels: Vec<String>,
    /// Their custom fields' values, as (field's name, value), by name (R43, R79).
    #[sqlx(skip)]
    pub values: Vec<(String, String)>,
}

impl Provisioned {
    /// What they log in with: the email, or the username of a user without one (R40).
    pub fn login(&self) -> &str {
        self.email.as_deref().or(self.username.as_deref()).unwrap_or_default()
    }

    pub fn active(&self) -> bool {
        self.deactivated_at.is_none()
    }
}

/// The invitation made through SCIM the user `u` came from, if any (R99).
pub(super) const SCIM_INVITATION_OF_U: &str = "(SELECT MAX(i.id) FROM invitations i WHERE i.accepted_user_id = u.id AND i.scim = 1)";

/// `SELECT` and the columns of a `Provisioned` user `u`.
fn select_provisioned() -> String {
    format!(
        "SELECT u.id, u.external_id, u.email, u.username, u.first_name, u.last_name, u.language, u.deactivated_at, u.must_change_password, u.deletion_date, u.created_at,
         {SCIM_INVITATION_OF_U} AS scim_invitation"
    )
}

/// What a SCIM id names: an account (its id), or an invitation made through SCIM and the
/// account it became (`i` and the invitation's id, R99).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScimId {
    User(i64),
    Invitation(i64),
}

impl ScimId {
    pub fn parse(id: &str) -> Option<ScimId> {
        match id.strip_prefix('i') {
            Some(invitation) => invitation.parse().ok().filter(|n| *n > 0).map(ScimId::Invitation),
            None => id.parse().ok().map(ScimId::User),
        }
    }

    /// How the provider knows this user.
    pub fn of(user: &Provisioned) -> ScimId {
        user.scim_invitation.map_or(ScimId::User(user.id), ScimId::Invitation)
    }
}

/// Who a member's SCIM id names (R99): an account, or a pending invitation made through SCIM
/// (the person has not registered: a group it joins is a grant of the invitation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Account(i64),
    Invitation(i64),
}

/// Who these SCIM ids name, in order: an account's own id names it; an invitation made through
/// SCIM names the account it became, or itself while pending; `None` for any other invitation.
/// Whether the caller sees them is the services' to check, as for any id.
pub async fn holders_named(db: &Db, ids: &[ScimId]) -> Result<Vec<Option<Holder>>, AppError> {
    let invitations: Vec<i64> = ids.iter().filter_map(|id| if let ScimId::Invitation(n) = id { Some(*n) } else { None }).collect();
    let mut found: Vec<(i64, String, Option<i64>)> = Vec::new();
    for chunk in invitations.chunks(crate::backend::statement::IN_LIST_MAX) {
        let mut s = Statement::new("SELECT id, status, accepted_user_id FROM invitations WHERE scim = 1 AND ");
        s.push_in("id", chunk);
        found.extend(s.query_as::<(i64, String, Option<i64>)>().fetch_all(&db.pool).await?);
    }
    Ok(ids
        .iter()
        .map(|id| match id {
            ScimId::User(user) => Some(Holder::Account(*user)),
            ScimId::Invitation(n) => match found.iter().find(|(i, _, _)| i == n) {
                Some((_, status, Some(user))) if status == "accepted" => Some(Holder::Account(*user)),
                Some((_, status, _)) if status == "pending" => Some(Holder::Invitation(*n)),
                _ => None,
            },
        })
        .collect())
}

impl std::fmt::Display for ScimId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScimId::User(id) => write!(f, "{id}"),
            ScimId::Invitation(id) => write!(f, "i{id}"),
        }
    }
}

/// What a condition on users looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attribute {
    Id,
    /// The email or username, case aside.
    Login,
    /// As the provider sent it, case and all.
    ExternalId,
    /// The email, case aside.
    Email,
    GivenName,
    FamilyName,
}

impl Attribute {
    /// What a search in this attribute's order sorts by (as its filters compare it: case aside
    /// but for externalId).
    fn sort_key(self) -> &'static str {
        match self {
            Attribute::Id => "u.id",
            Attribute::Login => "COALESCE(u.email_key, u.username_key)",
            Attribute::ExternalId => "u.external_id",
            Attribute::Email => "u.email_key",
            Attribute::GivenName => "LOWER(u.first_name)",
            Attribute::FamilyName => "LOWER(u.last_name)",
        }
    }
}

impl Condition<Attribute> {
    /// The condition on `u` as SQL, its values bound.
    fn push_into(&self, s: &mut Statement) {
        match self {
            Condition::Both(a, b) | Condition::Either(a, b) => {
                s.push("(");
                a.push_into(s);
                s.push(if matches!(self, Condition::Both(..)) { " AND " } else { " OR " });
                b.push_into(s);
                s.push(")");
            }
            Condition::Not(a) => {
                s.push("NOT (");
                a.push_into(s);
                s.push(")");
            }
            Condition::Present(attribute) => {
                s.push(&format!("{} IS NOT NULL", expression(*attribute)));
            }
            Condition::Active(true) => {
                s.push("u.deactivated_at IS NULL");
            }
            Condition::Active(false) => {
                s.push("u.deactivated_at IS NOT NULL");
            }
            Condition::Nobody => {
                s.push("1 = 0");
            }
            // An id is the account's, or the invitation made through SCIM it came from (R99).
            Condition::Compare(Attribute::Id, op, value) => match (op, ScimId::parse(value)) {
                (Op::Eq, Some(ScimId::User(id))) => {
                    s.push("u.id = ").bind(id);
                }
                (Op::Ne, Some(ScimId::User(id))) => {
                    s.push("u.id <> ").bind(id);
                }
                (Op::Eq, Some(ScimId::Invitation(id))) => {
                    s.push("u.id IN (SELECT accepted_user_id FROM invitations WHERE id = ").bind(id).push(" AND scim = 1)");
                }
                (Op::Ne, Some(ScimId::Invitation(id))) => {
                    s.push("u.id NOT IN (SELECT accepted_user_id FROM invitations WHERE id = ").bind(id).push(" AND scim = 1 AND accepted_user_id IS NOT NULL)");
                }
                (Op::Ne, None) => {
                    s.push("1 = 1");
                }
                _ => {
                    s.push("1 = 0");
                }
            },
            Condition::Compare(attribute, op, value) => {
                let expression = expression(*attribute);
                // Case aside but for the provider's own identifier (SCIM's caseExact).
                let value = if *attribute == Attribute::ExternalId { value.clone() } else { value.to_lowercase() };
                let escaped = value.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                match op {
                    Op::Eq => s.push(&format!("{expression} = ")).bind(value),
                    Op::Ne => s.push(&format!("({expression} IS NULL OR {expression} <> ")).bind(value).push(")"),
                    Op::Contains => s.push(&format!("{expression} LIKE ")).bind(format!("%{escaped}%")).push(" ESCAPE '\\'"),
                    Op::StartsWith => s.push(&format!("{expression} LIKE ")).bind(format!("{escaped}%")).push(" ESCAPE '\\'"),
                    Op::EndsWith => s.push(&format!("{expression} LIKE ")).bind(format!("%{escaped}")).push(" ESCAPE '\\'"),
                };
            }
        }
    }
}

fn expression(attribute: Attribute) -> &'static str {
    match attribute {
        Attribute::Id => "u.id",
        // Keys are stored lowered.
        Attribute::Login => "COALESCE(u.email_key, u.username_key)",
        Attribute::Email => "u.email_key",
        Attribute::ExternalId => "u.external_id",
        Attribute::GivenName => "lower(u.first_name)",
        Attribute::FamilyName => "lower(u.last_name)",
    }
}

/// The users this caller sees (R62) that `condition` keeps, from `start` (0 the first), at most
/// `count`, in the order they were created (stable while the pages are read).
pub async fn find(
    db: &Db,
    permit: &Permit<'_, AddUsersSomewhere>,
    condition: Option<&Condition<Attribute>>,
    order: Option<Order<Attribute>>,
    start: i64,
    count: i64,
) -> Result<Found<Provisioned>, AppError> {
    let principal = permit.by();
    let kept = |select: &str| {
        let mut s = Statement::new(select);
        s.push(" FROM users u WHERE u.deleted_at IS NULL");
        if let Some(scope) = principal.user_scope() {
            s.push(" AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND ").push_in("m.group_id", &scope).push(")");
        }
        if let Some(condition) = condition {
            s.push(" AND ");
            condition.push_into(&mut s);
        }
        s
    };
    let mut conn = db.connection().await?;
    let total: i64 = kept("SELECT COUNT(*)").query_scalar().fetch_one(&mut *conn).await?;
    let users = if count > 0 && start < total {
        let mut page = kept(&select_provisioned());
        let (key, direction) = match order {
            Some(Order { by, descending }) => (by.sort_key(), if descending { " DESC" } else { "" }),
            None => ("u.id", ""),
        };
        page.push(&format!(" ORDER BY ({key}) IS NULL, {key}{direction}, u.id{direction} LIMIT ")).bind(count).push(" OFFSET ").bind(start);
        let mut users = page.query_as().fetch_all(&mut *conn).await?;
        with_details(&mut conn, &mut users).await?;
        users
    } else {
        Vec::new()
    };
    Ok(Found { total, found: users })
}

/// Fills in the users' labels and custom values, all in one statement.
async fn with_details(conn: &mut sqlx::AnyConnection, users: &mut [Provisioned]) -> Result<(), AppError> {
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let mut held = Statement::new("SELECT 'label', ul.user_id, lb.name, NULL, lb.name_key FROM user_labels ul JOIN labels lb ON lb.id = ul.label_id WHERE ");
    held.push_in("ul.user_id", &ids)
        .push(" UNION ALL SELECT 'value', v.user_id, f.name, v.value, f.name_key FROM user_custom_values v JOIN custom_fields f ON f.id = v.field_id WHERE ")
        .push_in("v.user_id", &ids)
        .push(" ORDER BY 1, 5");
    let held: Vec<(String, i64, String, Option<String>, String)> = held.query_as().fetch_all(&mut *conn).await?;
    for (what, id, name, value, _) in held {
        let Some(user) = users.iter_mut().find(|u| u.id == id) else { continue };
        match value {
            Some(value) if what == "value" => user.values.push((name, value)),
            _ => user.labels.push(name),
        }
    }
    Ok(())
}

/// One user this caller sees; anyone else is "not found" (R62).
pub async fn get(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, user: i64) -> Result<Provisioned, AppError> {
    require_sight(db, permit.by(), user).await?;
    read(db, user).await
}

async fn read(db: &Db, user: i64) -> Result<Provisioned, AppError> {
    let mut conn = db.connection().await?;
    let mut found: Provisioned =
        sqlx::query_as(&format!("{} FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL", select_provisioned())).bind(user).fetch_optional(&mut *conn).await?.ok_or(AppError::NotFound)?;
    with_details(&mut conn, std::slice::from_mut(&mut found)).await?;
    Ok(found)
}

/// What a provider says of a user: all of it, each time (a change says everything again).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// An email, or a username (R40).
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    pub external_id: Option<String>,
    pub language: Option<Lang>,
    pub active: bool,
    /// A password to set: at creation as an administrator's (R25); later, for users without
    /// email only (R61). None at creation: credentials are emailed (R27).
    pub password: Option<String>,
    pub details: SaidDetails,
}

impl Account {
    /// The details a new account (or invitation, R99) gets from what the provider said: its
    /// language, and the labels and values it named (an unknown name is an error in `errors`).
    pub(super) async fn new_details(&self, db: &Db, errors: &mut Vec<FieldError>) -> Result<UserDetails, AppError> {
        if self.details.says_something() {
            Ok(self.details.over(db, None, self.language, errors).await?.0)
        } else {
            Ok(UserDetails { language: self.language, ..UserDetails::default() })
        }
    }
}

/// What a provider says of a user's labels and custom values (R43), by name, and deletion date
/// (R42); each `None` when it says nothing of it: left as it is (R98).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SaidDetails {
    pub labels: Option<Vec<String>>,
    /// (field's name, value); a field left out has no value.
    pub values: Option<Vec<(String, String)>>,
    /// `YYYY-MM-DD`, or `Some(None)`: none.
    pub deletion_date: Option<Option<String>>,
}

impl SaidDetails {
    fn says_something(&self) -> bool {
        self.labels.is_some() || self.values.is_some() || self.deletion_date.is_some()
    }

    /// The details these make of `stored`'s (names read as the platform's labels and fields,
    /// case aside; what is not said kept), with `language`, and the stored ones read the same way
    /// (labels and values in the order of their ids, to compare); an unknown name is an error at
    /// `labels` or `values`.
    async fn over(&self, db: &Db, stored: Option<&Provisioned>, language: Option<Lang>, errors: &mut Vec<FieldError>) -> Result<(UserDetails, UserDetails), AppError> {
        let choices = crate::backend::details::choices(db, false).await?;
        let read = |labels: &[String], values: &[(String, String)], deletion_date: Option<String>, errors: &mut Vec<FieldError>| {
            let mut unknown = |field: &str, name: &str| errors.push(FieldError { field: field.into(), msg: Msg::NoSuchName { name: name.to_string() } });
            let mut details = UserDetails { language, deletion_date, labels: Vec::new(), values: Vec::new() };
            for name in labels {
                match choices.labels.iter().find(|l| l.name.to_lowercase() == name.trim().to_lowercase()) {
                    Some(label) if !details.labels.contains(&label.id) => details.labels.push(label.id),
                    Some(_) => {}
                    None => unknown("labels", name),
                }
            }
            for (name, value) in values {
                match choices.fields.iter().find(|f| f.name.to_lowercase() == name.trim().to_lowercase()) {
                    // A field holds one value: the last one given (a PATCH add after the one held).
                    Some(field) => {
                        details.values.retain(|v| v.field != field.id);
                        details.values.push(FieldValue { field: field.id, value: value.clone() });
                    }
                    None => unknown("values", name),
                }
            }
            details.labels.sort();
            details.values.sort_by_key(|v| v.field);
            details
        };
        let (labels, values, date) = stored.map(|s| (s.labels.clone(), s.values.clone(), s.deletion_date.clone())).unwrap_or_default();
        let before = read(&labels, &values, date, &mut Vec::new());
        let said = read(
            self.labels.as_deref().unwrap_or(&labels),
            self.values.as_deref().unwrap_or(&values),
            self.deletion_date.clone().unwrap_or_else(|| before.deletion_date.clone()),
            errors,
        );
        Ok((said, before))
    }
}

/// Sets up the account (R25–R28) as a member of a group with a role (R10's climb applies), known
/// to the provider as its `external_id`; deactivated at once if it says so (R93).
pub async fn create(
    db: &Db,
    settings: &Settings,
    hasher: &PasswordHasher,
    permit: &Permit<'_, AddUsersSomewhere>,
    who: &Who,
    account: &Account,
    (group, role): (GroupId, Role),
) -> Result<Provisioned, AppError> {
    let external_id = checked_external_id(account.external_id.as_deref())?;
    let without_email = !account.login.contains('@');
    // A user without email gets no credentials (R40): without a password from the provider, one
    // nobody knows, until an administrator (R61) or the provider sets theirs.
    let password = account.password.clone().or_else(|| without_email.then(random_password));
    let mut errors = Vec::new();
    let details = account.new_details(db, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let form = NewUser {
        first_name: account.first_name.clone(),
        last_name: account.last_name.clone(),
        email: if without_email { String::new() } else { account.login.clone() },
        without_email,
        username: if without_email { account.login.clone() } else { String::new() },
        send_credentials: password.is_none(),
        password: password.unwrap_or_default(),
        groups: vec![group],
        roles: vec![role],
        details,
    };
    let done = set_up_known_as(db, settings, hasher, permit, who, &form, external_id).await?;
    if !account.active {
        store_active(db, who, done.user_id, false).await?;
    }
    read(db, done.user_id).await
}

/// Replaces what the provider says of a user (SCIM's PUT, and PATCH once applied), by R54: their
/// names, language and identifier are details; their login, a password and deactivation are
/// access (R93). Every field is checked and all messages given at once; a refused change changes
/// nothing.
pub async fn replace(db: &Db, hasher: &PasswordHasher, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, user: i64, account: &Account) -> Result<Provisioned, AppError> {
    let principal = permit.by();
    require_manage(db, principal, user, Handling::Details).await?;
    let stored = read(db, user).await?;
    let mut errors = Vec::new();
    let mut fail = |field: &str, msg: Msg| errors.push(FieldError { field: field.to_string(), msg });
    let first = crate::domain::names::tidy(&account.first_name, 100).map_err(|m| fail("first_name", m)).unwrap_or_default();
    let last = crate::domain::names::tidy(&account.last_name, 100).map_err(|m| fail("last_name", m)).unwrap_or_default();
    let external_id = checked_external_id(account.external_id.as_deref()).map_err(|_| fail("external_id", Msg::TooLong { max: EXTERNAL_ID_MAX })).ok().flatten();
    let login = match (LoginId::parse(&account.login), stored.email.is_some()) {
        (Some(login @ LoginId::Email(_)), true) | (Some(login @ LoginId::Username(_)), false) => Some(login),
        (Some(_), _) => {
            // R40: an account has an email or a username, for good.
            fail("login", if stored.email.is_some() { Msg::InvalidEmail } else { Msg::InvalidUsername });
            None
        }
        (None, _) => {
            fail("login", if account.login.contains('@') { Msg::InvalidEmail } else { Msg::InvalidUsername });
            None
        }
    };
    if let Some(password) = &account.password {
        if stored.email.is_some() {
            // R61: an administrator sets the passwords of users without email only.
            fail("password", Msg::PasswordOnlyWithoutEmail);
        } else {
            let identity = [first.as_str(), last.as_str(), account.login.as_str()];
            let _ = crate::domain::password::check(password, &identity).map_err(|m| fail("password", m));
        }
    }
    // The details said are checked with the rest, and written after if they change anything
    // (R54 decides who may).
    let details = if account.details.says_something() {
        let (said, before) = account.details.over(db, Some(&stored), account.language, &mut errors).await?;
        Some(crate::backend::details::check(db, &said, &mut errors).await?).filter(|said| *said != before)
    } else {
        None
    };
    let (Some(login), true) = (login, errors.is_empty()) else { return Err(AppError::Invalid(errors)) };
    let login_changed = login.key() != stored.login().to_lowercase();
    if login_changed || account.password.is_some() || account.active != stored.active() {
        require_manage(db, principal, user, Handling::Access).await?;
        refuse_own_deactivation(principal, user, account.active)?;
    }
    let hash = match &account.password {
        Some(password) => Some(hasher.hash(password).await?),
        None => None,
    };
    let mut tx = db.begin().await?;
    if login_changed {
        serialize_on_address(&mut tx, db.backend, login.key()).await?;
        if let LoginId::Email(email) = &login {
            // R59: an address has an account or a pending invitation, never both.
            let pending: Option<i64> = sqlx::query_scalar("SELECT id FROM invitations WHERE email_key = $1 AND status = 'pending'").bind(email.key()).fetch_optional(&mut *tx).await?;
            if pending.is_some() {
                return Err(AppError::field("login", Msg::PendingInvitation { email: email.as_str().to_string() }));
            }
        }
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE (email_key = $1 OR username_key = $1) AND id <> $2").bind(login.key()).bind(user).fetch_optional(&mut *tx).await?;
        if taken.is_some() {
            return Err(AppError::field("login", if stored.email.is_some() { Msg::ActiveAccountExists } else { Msg::UsernameTaken }));
        }
    }
    let (email, email_key, username, username_key) = match &login {
        LoginId::Email(e) => (Some(e.as_str()), Some(e.key()), None, None),
        LoginId::Username(u) => (None, None, Some(u.as_str()), Some(u.key())),
    };
    let changed = sqlx::query(
        "UPDATE users SET first_name = $1, last_name = $2, email = $3, email_key = $4, username = $5, username_key = $6, language = $7, external_id = $8
         WHERE id = $9 AND deleted_at IS NULL",
    )
    .bind(&first)
    .bind(&last)
    .bind(email)
    .bind(email_key)
    .bind(username)
    .bind(username_key)
    .bind(account.language.map(Lang::code))
    .bind(external_id)
    .bind(user)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(AppError::NotFound);
    }
    if let Some(hash) = hash {
        store_password(&mut tx, who, user, &hash).await?;
    }
    // Which fields changed, not their values (those go with the person if the account is erased).
    let fields: Vec<&str> = [
        ("first_name", first != stored.first_name),
        ("last_name", last != stored.last_name),
        ("login", login.as_str() != stored.login()),
        ("language", account.language.map(Lang::code) != stored.language.as_deref()),
        ("external_id", external_id != stored.external_id.as_deref()),
    ]
    .into_iter()
    .filter_map(|(field, changed)| changed.then_some(field))
    .collect();
    if !fields.is_empty() {
        audit::record(&mut tx, who, "user_changed", "user", user, &serde_json::json!({ "fields": fields })).await?;
    }
    tx.commit().await?;
    if account.active != stored.active() {
        store_active(db, who, user, account.active).await?;
    }
    if let Some(details) = details {
        crate::backend::users::set_details(db, permit, who, user, &details).await?;
    }
    read(db, user).await
}

/// Erases the account as its deletion date would (R68), by whoever may manage its access (R54).
pub async fn erase(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, who: &Who, user: i64) -> Result<(), AppError> {
    require_manage(db, permit.by(), user, Handling::Access).await?;
    let mut tx = db.begin().await?;
    if !crate::backend::deletion::erase(&mut tx, who, user, None).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

pub(super) fn checked_external_id(external_id: Option<&str>) -> Result<Option<&str>, AppError> {
    match external_id.map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) if id.chars().count() > EXTERNAL_ID_MAX || id.chars().any(char::is_control) => Err(AppError::field("external_id", Msg::TooLong { max: EXTERNAL_ID_MAX })),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r99_a_scim_id_names_an_account_or_an_invitation_made_through_scim() {
        assert_eq!(ScimId::parse("57"), Some(ScimId::User(57)));
        assert_eq!(ScimId::parse("i42"), Some(ScimId::Invitation(42)));
        for unknown in ["", "i", "i0", "i-1", "I42", "x42", "42a", "i4 2"] {
            assert_eq!(ScimId::parse(unknown), None, "{unknown}");
        }
        assert_eq!((ScimId::User(57).to_string(), ScimId::Invitation(42).to_string()), ("57".to_string(), "i42".to_string()));
    }
}
