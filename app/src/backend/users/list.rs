//! Dashboard > USERS (R39): a page of the users one sees, searched and filtered.

use crate::backend::db::{date_of, like_pattern, Db};
use crate::backend::statement::Statement;
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
    let scope = principal.user_scope();
    let total: i64 = users_where("SELECT COUNT(*)", filter, scope.as_deref()).query_scalar().fetch_one(&db.pool).await?;
    let pages = ((total as u64).div_ceil(USERS_PER_PAGE as u64)).max(1) as u32;
    let page = page.clamp(1, pages);
    let mut rows = users_where(
        "SELECT u.id, u.first_name, u.last_name, COALESCE(u.email, u.username) AS login, u.must_change_password, u.created_at, u.activated_at",
        filter,
        scope.as_deref(),
    );
    rows.push(" ORDER BY lower(u.last_name), lower(u.first_name), u.id LIMIT ").bind(i64::from(USERS_PER_PAGE)).push(" OFFSET ").bind(i64::from((page - 1) * USERS_PER_PAGE));
    let rows: Vec<ListedUser> = rows.query_as().fetch_all(&db.pool).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut memberships = Statement::new("SELECT user_id, group_id, role FROM memberships WHERE propagated_from IS NULL AND ");
    memberships.push_in("user_id", &ids).push(" ORDER BY group_id");
    let memberships: Vec<(i64, GroupId, String)> = memberships.query_as().fetch_all(&db.pool).await?;
    let mut labels = Statement::new("SELECT ul.user_id, lb.name FROM user_labels ul JOIN labels lb ON lb.id = ul.label_id WHERE ");
    labels.push_in("ul.user_id", &ids).push(" ORDER BY lb.name_key");
    let labels: Vec<(i64, String)> = labels.query_as().fetch_all(&db.pool).await?;
    let tree = &principal.tree;
    let rows = rows
        .into_iter()
        .map(|ListedUser { id, first_name, last_name, login, must_change_password, created_at, activated_at }| {
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
                status: if must_change_password != 0 { UserStatus::FirstLoginPending } else { UserStatus::Active },
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

/// A row of the list as read.
#[derive(sqlx::FromRow)]
struct ListedUser {
    id: i64,
    first_name: String,
    last_name: String,
    login: String,
    must_change_password: i64,
    created_at: i64,
    activated_at: Option<i64>,
}

/// `select` from the users this person sees (`scope`, R62; `None`: everyone) that the filter
/// keeps: searched by name, email or username; in any of the groups, with the role; with the
/// label; with the status.
fn users_where(select: &str, filter: &UserFilter, scope: Option<&[GroupId]>) -> Statement {
    let mut s = Statement::new(select);
    s.push(" FROM users u WHERE u.deleted_at IS NULL");
    let pattern = like_pattern(&filter.search);
    if !pattern.is_empty() {
        let p = s.param(pattern);
        s.push(&format!(
            " AND (lower(u.first_name || ' ' || u.last_name) LIKE {p} ESCAPE '\\' OR lower(u.last_name || ' ' || u.first_name) LIKE {p} ESCAPE '\\'
                   OR u.email_key LIKE {p} ESCAPE '\\' OR u.username_key LIKE {p} ESCAPE '\\')"
        ));
    }
    if let Some(scope) = scope {
        s.push(" AND EXISTS (SELECT 1 FROM memberships s WHERE s.user_id = u.id AND ").push_in("s.group_id", scope).push(")");
    }
    if !filter.groups.is_empty() || filter.role.is_some() {
        s.push(" AND EXISTS (SELECT 1 FROM memberships f WHERE f.user_id = u.id");
        if !filter.groups.is_empty() {
            s.push(" AND ").push_in("f.group_id", &filter.groups);
        }
        if let Some(role) = filter.role {
            s.push(" AND f.role = ").bind(role.as_str());
        }
        s.push(")");
    }
    if let Some(label) = filter.label {
        s.push(" AND EXISTS (SELECT 1 FROM user_labels l WHERE l.user_id = u.id AND l.label_id = ").bind(label).push(")");
    }
    match filter.status {
        Some(UserStatus::Active) => s.push(" AND u.must_change_password = 0"),
        Some(UserStatus::FirstLoginPending) => s.push(" AND u.must_change_password = 1"),
        None => &mut s,
    };
    s
}
