//! Read-side queries of the platform: platform, groups, users.

use std::collections::BTreeSet;

use sqlx::Row;

use super::db::{Db, Tx};
use super::principal::Principal;

use crate::domain::group_tree::{GroupId, GroupNode, GroupTree};
use crate::domain::policy::Action;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::wire::directory::{GroupView, ShellData, TreeItem};

const GROUP_NODES: &str = "SELECT id, parent_id, name, visibility FROM groups";

pub async fn group_tree(db: &Db) -> Result<GroupTree, AppError> {
    tree_of(sqlx::query(GROUP_NODES).fetch_all(&db.pool).await?)
}

/// The tree as this transaction sees it.
pub async fn group_tree_in(tx: &mut Tx) -> Result<GroupTree, AppError> {
    tree_of(sqlx::query(GROUP_NODES).fetch_all(&mut **tx).await?)
}

fn tree_of(rows: Vec<sqlx::any::AnyRow>) -> Result<GroupTree, AppError> {
    let nodes = rows
        .into_iter()
        .map(|row| {
            Ok(GroupNode {
                id: row.try_get("id")?,
                parent_id: row.try_get("parent_id")?,
                name: row.try_get("name")?,
                is_public: row.try_get::<String, _>("visibility")? == "public",
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(GroupTree::new(nodes))
}

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
pub async fn shell_data(db: &Db, principal: &Principal, current: Option<GroupId>) -> Result<ShellData, AppError> {
    let tree = &principal.tree;
    let visible = tree.visible_from(&principal.groups(), &principal.overseen_groups());
    Ok(ShellData {
        platform_name: platform_name(db).await?,
        platform_group_id: principal.platform_group_id(),
        viewer_name: principal.display_name(),
        viewer_login: principal.login.clone(),
        tree: tree
            .sidebar(&visible, current, SIDEBAR_FULL_UP_TO)
            .into_iter()
            .map(|(depth, node, has_more)| TreeItem { id: node.id, name: node.name.clone(), depth, is_public: node.is_public, has_more })
            .collect(),
        may_add_users: principal.may(&Action::AddUsersSomewhere),
        may_see_dashboard: principal.may(&Action::AddUsersSomewhere),
        development_mail: false,
        may_see_mailbox: false,
        may_see_billing: principal.may(&crate::domain::policy::Action::SeeBilling),
        may_see_settings: principal.is_platform_admin(),
    })
}

/// A group's page, for someone who sees that group in their sidebar.
pub async fn group_view(db: &Db, principal: &Principal, id: GroupId) -> Result<GroupView, AppError> {
    let tree = &principal.tree;
    let visible = tree.visible_from(&principal.groups(), &principal.overseen_groups());
    let Some(node) = tree.get(id).filter(|_| visible.contains(&id)) else {
        return Err(AppError::NotFound);
    };
    let path = tree.path_to(id);
    let member_count: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT user_id) FROM memberships WHERE group_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    let may_manage = principal.may(&Action::ManageGroup(id));
    let grantable_roles: Vec<Role> = Role::ALL.into_iter().filter(|&role| principal.may(&Action::AddUsers(&[(id, role)]))).collect();
    let removable_roles: Vec<Role> = Role::ALL.into_iter().filter(|&role| principal.may(&Action::RemoveRole(id, role))).collect();
    let sees_members = may_manage || !grantable_roles.is_empty() || principal.may(&Action::ManageSessions(id));
    let members = if sees_members { Some(super::groups::members(db, id, MEMBERS_SHOWN).await?) } else { None };
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
        member_count: member_count as u64,
        may_manage,
        grantable_roles,
        removable_roles,
        members,
        move_targets,
    })
}

/// How many members a group page lists.
pub const MEMBERS_SHOWN: i64 = 200;
/// How many groups a choice of groups (move under, assign to) offers.
const GROUP_CHOICES_SHOWN: usize = 500;

/// The groups `group` may move under: managed by the person, outside its subtree, not its
/// current parent.
fn move_targets(principal: &Principal, group: GroupId) -> Vec<(GroupId, String)> {
    let tree = &principal.tree;
    let moving: BTreeSet<GroupId> = tree.subtree(group).into_iter().collect();
    groups_where(principal, |g| if moving.contains(&g) || tree.parent(group) == Some(g) { None } else { Some(Action::ManageGroup(g)) })
}

/// The groups (in the person's sight) for which the policy allows `action(group)`, labelled
/// with their path and sorted by it; `None` from `action` leaves a group out.
pub fn groups_where<'a>(principal: &Principal, action: impl Fn(GroupId) -> Option<Action<'a>>) -> Vec<(GroupId, String)> {
    let tree = &principal.tree;
    let mut groups: Vec<(GroupId, String)> = principal
        .overseen_groups()
        .into_iter()
        .flat_map(|g| tree.subtree(g))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|&g| action(g).is_some_and(|a| principal.may(&a)))
        .take(GROUP_CHOICES_SHOWN)
        .map(|g| (g, tree.path_to(g).iter().filter_map(|p| tree.get(*p)).map(|n| n.name.as_str()).collect::<Vec<_>>().join(" › ")))
        .collect();
    groups.sort_by(|a, b| a.1.to_lowercase().cmp(&b.1.to_lowercase()));
    groups
}

/// `%term%` for LIKE, lower-cased, with LIKE's own wildcards escaped; empty when no search.
pub(crate) fn like_pattern(search: &str) -> String {
    let term = search.trim().to_lowercase();
    if term.is_empty() {
        return String::new();
    }
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The latest `limit` emails of the outbox, newest first.
pub async fn mailbox(db: &Db, limit: i64) -> Result<Vec<crate::wire::directory::MailboxEmail>, AppError> {
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
            queued_at: chrono::DateTime::from_timestamp_millis(created_at).map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_escape_like_wildcards() {
        assert_eq!(like_pattern("  "), "");
        assert_eq!(like_pattern("Ada"), "%ada%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
