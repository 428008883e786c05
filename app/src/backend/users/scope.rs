//! Finding a user one sees (R62, decided in `domain::visibility`).

use crate::backend::db::Db;
use crate::domain::group_tree::GroupId;
use crate::domain::identity::LoginId;
use crate::error::AppError;
use crate::i18n::Msg;

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
