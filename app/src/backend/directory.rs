//! Read-side queries of the platform: platform, groups, users.

use std::collections::BTreeSet;

use super::db::Db;
use super::principal::Principal;

use crate::domain::group_tree::GroupId;
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::wire::directory::{GroupView, ShellData, TreeItem};
use crate::wire::groups::{MemberRow, RoleHeld, MEMBERS_PER_PAGE};
use crate::wire::users::{UserFilter, UsersAt, USERS_COUNTED};
use super::statement::Statement;
use super::users::Page;

pub async fn platform_name(db: &Db) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM platform WHERE id = 1").fetch_one(&db.pool).await?)
}

/// The platform's default language (English before the platform exists).
pub async fn platform_language(db: &Db) -> Result<Lang, AppError> {
    let code: Option<String> = sqlx::query_scalar("SELECT default_language FROM platform WHERE id = 1").fetch_optional(&db.pool).await?;
    Ok(code.and_then(|c| Lang::parse(&c)).unwrap_or_default())
}

/// Up to this many groups, the sidebar shows them all; beyond, the way to the current group.
pub const SIDEBAR_FULL_UP_TO: usize = 300;

/// The top bar and the sidebar, for a page showing `current` (a group page) or none.
pub fn shell_data(principal: &Principal, current: Option<GroupId>) -> ShellData {
    let tree = &principal.tree;
    let visible = tree.visible_from(&principal.groups(), &principal.overseen_groups());
    let may_add_users = principal.may(&Action::AddUsersSomewhere);
    ShellData {
        platform_name: principal.platform_name.clone(),
        platform_group_id: principal.platform_group_id(),
        viewer_name: principal.display_name(),
        viewer_login: principal.login.clone(),
        tree: tree
            .sidebar(&visible, current, SIDEBAR_FULL_UP_TO)
            .into_iter()
            .map(|(depth, node, has_more)| TreeItem { id: node.id, name: node.name.clone(), depth, is_public: node.is_public, has_more })
            .collect(),
        may_add_users,
        may_see_dashboard: may_add_users,
        development_mail: false,
        may_see_mailbox: false,
        may_see_billing: principal.may(&crate::domain::policy::Action::SeeBilling),
        may_see_settings: principal.is_platform_admin(),
    }
}

/// A group's page, for someone who sees that group in their sidebar.
pub async fn group_view(db: &Db, principal: &Principal, id: GroupId, members_at: UsersAt) -> Result<GroupView, AppError> {
    let tree = &principal.tree;
    let visible = tree.visible_from(&principal.groups(), &principal.overseen_groups());
    let Some(node) = tree.get(id).filter(|_| visible.contains(&id)) else {
        return Err(AppError::NotFound);
    };
    let path = tree.path_to(id);
    let may_manage = principal.may(&Action::ManageGroup(id));
    let grantable_roles: Vec<Role> = Role::ALL.into_iter().filter(|&role| principal.may(&Action::AddUsers(&[(id, role)]))).collect();
    let removable_roles: Vec<Role> = Role::ALL.into_iter().filter(|&role| principal.may(&Action::RemoveRole(id, role))).collect();
    let sees_members = may_manage || !grantable_roles.is_empty() || principal.may(&Action::ManageSessions(id));
    let (members, member_count, members_previous, members_next) = if sees_members {
        let (members, page) = members(db, id, members_at).await?;
        (Some(members), page.total, page.previous, page.next)
    } else {
        // The count alone, as the list counts (R84).
        let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT DISTINCT user_id FROM memberships WHERE group_id = $1 LIMIT $2) counted")
            .bind(id)
            .bind(USERS_COUNTED as i64 + 1)
            .fetch_one(&db.pool)
            .await?;
        (None, (counted as u64 <= USERS_COUNTED).then_some(counted as u64), None, None)
    };
    let move_targets = if may_manage && node.parent_id.is_some() { move_targets(principal, id) } else { Vec::new() };
    Ok(GroupView {
        id,
        name: node.name.clone(),
        is_public: node.is_public,
        is_platform_group: node.parent_id.is_none(),
        ancestors: path[..path.len() - 1].iter().filter_map(|g| tree.get(*g)).map(|g| (g.id, g.name.clone())).collect(),
        subgroups: tree
            .children(id)
            .iter()
            .filter(|c| visible.contains(c))
            .filter_map(|c| tree.get(*c))
            .map(|c| (c.id, c.name.clone(), c.is_public))
            .collect(),
        member_count,
        may_manage,
        grantable_roles,
        removable_roles,
        members,
        members_previous,
        members_next,
        move_targets,
    })
}

/// A page of a group's members in name order (R84), each with their roles there (direct or
/// propagated, and from where); how many members there are, counted up to `USERS_COUNTED`; and
/// where the pages around start.
async fn members(db: &Db, group: GroupId, at: UsersAt) -> Result<(Vec<MemberRow>, Page), AppError> {
    let filter = UserFilter { groups: vec![group], ..UserFilter::default() };
    let mut conn = db.connection().await?;
    let page = crate::backend::users::page(&mut conn, db.backend, None, &filter, at, MEMBERS_PER_PAGE).await?;
    let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    let mut roles = Statement::new(
        "SELECT m.user_id, m.role, m.propagated_from, src.name FROM memberships m LEFT JOIN groups src ON src.id = m.propagated_from WHERE m.group_id = ",
    );
    roles.bind(group).push(" AND ").push_in("m.user_id", &ids).push(" ORDER BY m.role");
    let roles: Vec<(i64, String, Option<i64>, Option<String>)> = roles.query_as().fetch_all(&mut *conn).await?;
    let members = page
        .rows
        .iter()
        .map(|user| MemberRow {
            user_id: user.id,
            name: format!("{} {}", user.first_name, user.last_name),
            login: user.login.clone(),
            roles: roles
                .iter()
                .filter(|(id, ..)| *id == user.id)
                .filter_map(|(_, role, from, source)| {
                    Some(RoleHeld { role: Role::parse(role)?, propagated_from: from.map(|id| (id, source.clone().unwrap_or_default())) })
                })
                .collect(),
        })
        .collect();
    Ok((members, page))
}

/// The groups `group` may move under: managed by the person, outside its subtree, not its
/// current parent.
fn move_targets(principal: &Principal, group: GroupId) -> Vec<(GroupId, String)> {
    let tree = &principal.tree;
    let moving: BTreeSet<GroupId> = tree.subtree(group).into_iter().collect();
    principal.groups_where(|g| if moving.contains(&g) || tree.parent(group) == Some(g) { None } else { Some(Action::ManageGroup(g)) })
}


/// The latest `limit` emails of the outbox, newest first, when each was queued shown in `zone`
/// (R86).
pub async fn mailbox(db: &Db, limit: i64, zone: chrono_tz::Tz) -> Result<Vec<crate::wire::directory::MailboxEmail>, AppError> {
    let rows: Vec<(String, String, String, String, i64)> =
        sqlx::query_as(&format!("SELECT to_address, subject, {}, status, created_at FROM outbox_emails ORDER BY id DESC LIMIT $1", super::mail::DELIVERED_TEXT))
            .bind(limit)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(to, subject, text, status, created_at)| crate::wire::directory::MailboxEmail {
            to,
            subject,
            text,
            status,
            queued_at: format!("{} {}", super::db::minute_of(created_at, zone), zone.name()),
        })
        .collect())
}
