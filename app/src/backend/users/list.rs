//! Dashboard > USERS (R39): a page of the users one sees, searched and filtered.


use crate::backend::db::{date_of, in_list, like_pattern, Db};
use crate::backend::Permit;
use crate::domain::capability::AddUsersSomewhere;
use crate::domain::account::UserStatus;
use crate::domain::group_tree::GroupId;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::wire::users::{USERS_PER_PAGE, UserFilter, UserGroupRoles, UserList, UserRow};

/// One page of Dashboard > USERS (R39): the users this person sees, in name order, searched by
/// name, email or username, filtered by groups (any of them), role and status.
pub async fn list(db: &Db, permit: &Permit<'_, AddUsersSomewhere>, filter: &UserFilter, page: u32) -> Result<UserList, AppError> {
    let principal = permit.by();
    let mut conditions = vec![SEARCH.to_string(), "u.deleted_at IS NULL".to_string()];
    let scope = principal.user_scope();
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
    let pattern = like_pattern(&filter.search);
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
