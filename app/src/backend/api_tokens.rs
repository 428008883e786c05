//! API tokens (R90, issue 15): the keys identity providers (SCIM) and scripts (REST) call Roster
//! with. Platform administrators create them (the secret is shown once, only its SHA-256 kept),
//! list and revoke them. A token acts as an admin of its group would — of the platform group
//! when it names none, never as the owner — and only while the person who created it is still a
//! platform administrator; what it changes is audited under its name and its creator's.

use std::collections::HashMap;

use sqlx::Row;

use super::audit::{self, Who};
use super::auth::{random_hex, token_hash};
use super::db::{minute_of, now_ms, Db};
use super::groups::is_unique_violation;
use super::principal::{Permit, Principal, ACTIVE, PERSON_COLUMNS};
use super::tree::TreeCache;

use crate::domain::capability::AdministerPlatform;
use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::error::{AppError, FieldError};
use crate::i18n::Msg;
use crate::wire::tokens::{
    ApiTokenList, ApiTokenRow, CreatedToken, NewApiToken, ScimCreates, TokenScope, TokenStatus, EXPIRY_CHOICES, PER_MINUTE_MAX, TOKEN_NAME_MAX,
};

/// What every secret starts with, so that secret scanners and people recognise one.
pub const SECRET_PREFIX: &str = "roster_";

const DAY_MS: i64 = 86_400_000;
/// `last_used_at` is written at most this often per token (a write per call would take
/// SQLite's write lock on every read).
const LAST_USED_EVERY_MS: i64 = 60_000;

/// Checks every field (all messages at once), then makes the token and audits it.
pub async fn create(db: &Db, permit: &Permit<'_, AdministerPlatform>, who: &Who, form: &NewApiToken) -> Result<CreatedToken, AppError> {
    let mut errors = Vec::new();
    let name = crate::domain::names::tidy(&form.name, TOKEN_NAME_MAX).unwrap_or_else(|msg| {
        errors.push(FieldError { field: "name".into(), msg });
        String::new()
    });
    if form.group.is_some_and(|g| permit.by().tree.get(g).is_none()) {
        errors.push(FieldError { field: "group".into(), msg: Msg::UnknownGroup { name: form.group.unwrap_or_default().to_string() } });
    }
    if form.expires_in_days.is_some_and(|days| !EXPIRY_CHOICES.contains(&days)) {
        errors.push(FieldError { field: "expires_in_days".into(), msg: Msg::NumberBetween { min: EXPIRY_CHOICES[0], max: EXPIRY_CHOICES[EXPIRY_CHOICES.len() - 1] } });
    }
    if !(1..=PER_MINUTE_MAX).contains(&form.per_minute) {
        errors.push(FieldError { field: "per_minute".into(), msg: Msg::NumberBetween { min: 1, max: PER_MINUTE_MAX } });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let secret = format!("{SECRET_PREFIX}{}", random_hex(32));
    let now = now_ms();
    let expires_at = form.expires_in_days.map(|days| now + days * DAY_MS);
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO api_tokens (name, scope, group_id, scim_creates, scim_role, per_minute, token_hash, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(&name)
    .bind(form.scope.code())
    .bind(form.group)
    .bind(form.scim_creates.code())
    .bind(form.scim_role.as_str())
    .bind(form.per_minute)
    .bind(token_hash(&secret))
    .bind(permit.by().user_id)
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get(0)?,
        Err(error) if is_unique_violation(&error) => return Err(AppError::field("name", Msg::NameTaken)),
        Err(error) => return Err(error.into()),
    };
    let details = serde_json::json!({
        "name": name, "scope": form.scope.code(), "group": form.group, "expires_at": expires_at, "per_minute": form.per_minute,
        "scim_creates": form.scim_creates.code(), "scim_role": form.scim_role.as_str(),
    });
    audit::record(&mut tx, who, "api_token_created", "api_token", id, &details).await?;
    tx.commit().await?;
    Ok(CreatedToken { id, name, secret })
}

/// Every token, the live ones first, then the newest.
pub async fn list(db: &Db, trees: &TreeCache, permit: &Permit<'_, AdministerPlatform>) -> Result<ApiTokenList, AppError> {
    let principal = permit.by();
    let tree = &principal.tree;
    let rows = sqlx::query(
        "SELECT t.id, t.name, t.scope, t.group_id, t.scim_creates, t.scim_role, t.per_minute, t.created_by, t.created_at, t.expires_at,
                t.revoked_at, t.last_used_at, u.first_name || ' ' || u.last_name AS creator
         FROM api_tokens t JOIN users u ON u.id = t.created_by
         ORDER BY CASE WHEN t.revoked_at IS NULL THEN 0 ELSE 1 END, t.id DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    let now = now_ms();
    let mut creators: HashMap<i64, bool> = HashMap::new();
    let mut tokens = Vec::with_capacity(rows.len());
    for row in rows {
        let created_by: i64 = row.try_get("created_by")?;
        if let std::collections::hash_map::Entry::Vacant(entry) = creators.entry(created_by) {
            entry.insert(administering_creator(db, trees, created_by).await?.is_some());
        }
        let expires_at: Option<i64> = row.try_get("expires_at")?;
        let revoked_at: Option<i64> = row.try_get("revoked_at")?;
        let status = if revoked_at.is_some() {
            TokenStatus::Revoked
        } else if expires_at.is_some_and(|at| at <= now) {
            TokenStatus::Expired
        } else if !creators[&created_by] {
            TokenStatus::Stopped
        } else {
            TokenStatus::Active
        };
        let at = |ms: i64| minute_of(ms, principal.zone);
        tokens.push(ApiTokenRow {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            scope: TokenScope::parse(&row.try_get::<String, _>("scope")?).unwrap_or_default(),
            group: row.try_get::<Option<i64>, _>("group_id")?.map(|g| tree.path_name(g)),
            scim_creates: ScimCreates::parse(&row.try_get::<String, _>("scim_creates")?).unwrap_or_default(),
            scim_role: Role::parse(&row.try_get::<String, _>("scim_role")?).unwrap_or(Role::Learner),
            per_minute: row.try_get("per_minute")?,
            created_by: row.try_get("creator")?,
            created_at: at(row.try_get("created_at")?),
            expires_at: expires_at.map(at),
            last_used_at: row.try_get::<Option<i64>, _>("last_used_at")?.map(at),
            status,
        });
    }
    Ok(ApiTokenList { rows: tokens, time_zone: principal.zone.name().to_string() })
}

/// The groups a token may be limited to, (id, path) in the order of their paths.
pub fn groups(permit: &Permit<'_, AdministerPlatform>) -> Vec<(i64, String)> {
    let principal = permit.by();
    let mut groups: Vec<(i64, String)> = principal.overseen_subtrees().into_iter().map(|g| (g, principal.tree.path_name(g))).collect();
    groups.sort_by_key(|(_, path)| path.to_lowercase());
    groups
}

/// Revokes a token at once: its next call is refused. Revoking one already revoked is "not found".
pub async fn revoke(db: &Db, _permit: &Permit<'_, AdministerPlatform>, who: &Who, id: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL").bind(now_ms()).bind(id).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(&mut tx, who, "api_token_revoked", "api_token", id, &serde_json::json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// A call made with a token that works: who it acts as, and what the token allows.
#[derive(Clone, Debug)]
pub struct TokenCaller {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub scim_creates: ScimCreates,
    pub scim_role: Role,
    pub per_minute: i64,
    /// The group it is limited to; the platform group when it names none.
    pub group: GroupId,
    /// Its creator, with the rights of an admin of the token's group and no more.
    pub principal: Principal,
    /// When it was last used (to the minute: written at most once a minute).
    pub last_used_at: Option<i64>,
}

impl TokenCaller {
    /// The audit's "who": the token, and the person who created it.
    pub fn who(&self, ip: Option<String>) -> Who {
        Who { actor: Some(self.principal.user_id), token: Some(self.id), ip }
    }
}

/// What a presented secret is.
#[derive(Debug)]
pub enum Presented {
    Works(Box<TokenCaller>),
    /// No such token, or revoked, or expired.
    Unknown,
    /// Its creator no longer administers the platform (or its group is gone): replace it.
    Stopped,
}

/// Finds the token of `secret` and the rights it acts with: the token, its creator's person and
/// rights in one statement (every API call comes here).
pub async fn authenticate(db: &Db, trees: &TreeCache, secret: &str) -> Result<Presented, AppError> {
    if !secret.starts_with(SECRET_PREFIX) {
        return Ok(Presented::Unknown);
    }
    let now = now_ms();
    let presented = find(db, trees, Key::Hash(token_hash(secret)), now).await?;
    if let Presented::Works(caller) = &presented {
        if caller.last_used_at.is_none_or(|at| at + LAST_USED_EVERY_MS <= now) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now).bind(caller.id).execute(&db.pool).await?;
        }
    }
    Ok(presented)
}

/// The rights token `id` acts with now, if it still works: what a job a token started (an
/// import) runs with when it runs or resumes.
pub async fn acting(db: &Db, trees: &TreeCache, id: i64) -> Result<Option<Principal>, AppError> {
    Ok(match find(db, trees, Key::Id(id), now_ms()).await? {
        Presented::Works(caller) => Some(caller.principal),
        Presented::Unknown | Presented::Stopped => None,
    })
}

/// How a token is looked for: by its secret's hash, or by its id.
enum Key {
    Hash(String),
    Id(i64),
}

async fn find(db: &Db, trees: &TreeCache, key: Key, now: i64) -> Result<Presented, AppError> {
    let column = match key {
        Key::Hash(_) => "t.token_hash",
        Key::Id(_) => "t.id",
    };
    // With its creator, and whether that account is still active (else the token has stopped
    // working). A join, not a subquery: SQLite would read a subquery's every user.
    let sql = format!(
        "SELECT t.id AS token_id, t.name AS token_name, t.scope, t.group_id, t.scim_creates, t.scim_role, t.per_minute, t.last_used_at,
                CAST(CASE WHEN {ACTIVE} THEN 1 ELSE 0 END AS BIGINT) AS creator_active, {PERSON_COLUMNS}
         FROM api_tokens t JOIN users u ON u.id = t.created_by CROSS JOIN platform p
         WHERE {column} = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)"
    );
    let query = match key {
        Key::Hash(hash) => sqlx::query(&sql).bind(hash),
        Key::Id(id) => sqlx::query(&sql).bind(id),
    };
    let Some(row) = query.bind(now).fetch_optional(&db.pool).await? else { return Ok(Presented::Unknown) };
    if row.try_get::<i64, _>("creator_active")? == 0 {
        return Ok(Presented::Stopped);
    }
    let id: i64 = row.try_get("token_id")?;
    let (name, scope, group_id, scim_creates, scim_role, per_minute, last_used_at): (String, String, Option<i64>, String, String, i64, Option<i64>) = (
        row.try_get("token_name")?,
        row.try_get("scope")?,
        row.try_get("group_id")?,
        row.try_get("scim_creates")?,
        row.try_get("scim_role")?,
        row.try_get("per_minute")?,
        row.try_get("last_used_at")?,
    );
    // A token acts for a platform administrator: one who no longer is stops it.
    let creator = Principal::of_row(trees, db, row).await?;
    if !creator.is_platform_admin() {
        return Ok(Presented::Stopped);
    }
    let group = group_id.unwrap_or_else(|| creator.platform_group_id());
    if creator.tree.get(group).is_none() {
        return Ok(Presented::Stopped);
    }
    let principal = Principal { is_owner: false, memberships: vec![(group, Role::Admin)], instructs: Vec::new(), must_change_password: false, ..creator };
    Ok(Presented::Works(Box::new(TokenCaller {
        id,
        name,
        scope: TokenScope::parse(&scope).unwrap_or(TokenScope::Read),
        scim_creates: ScimCreates::parse(&scim_creates).unwrap_or_default(),
        scim_role: Role::parse(&scim_role).unwrap_or(Role::Learner),
        per_minute,
        group,
        principal,
        last_used_at,
    })))
}

/// A token's creator as of now, if still an active platform administrator: what the list's
/// "stopped" says a token no longer has.
async fn administering_creator(db: &Db, trees: &TreeCache, user: i64) -> Result<Option<Principal>, AppError> {
    Ok(Principal::of_user(db, trees, user).await?.filter(Principal::is_platform_admin))
}
