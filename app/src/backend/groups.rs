//! Changing the group tree and its memberships. Each function owns its transaction, applies the
//! propagation rule (R10–R13) and writes the audit log (R46). Each takes the permit of its check
//! (R52, R1–R3), whose target it acts on; these check the input and the tree's own invariants.


use super::audit::{self, Who};
use super::db::{now_ms, Db, Tx};
use super::enrollment;
use super::tree;
use super::{Permit, Settings};
use super::tree::bump_version;

use crate::domain::capability::{AddToGroup, ManageGroup, RemoveRole};
use crate::domain::group_tree::{GroupId, GroupTree};
use crate::domain::names;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::Msg;

pub const NAME_MAX: usize = 100;

fn clean_name(name: &str) -> Result<String, AppError> {
    names::tidy(name, NAME_MAX).map_err(|msg| AppError::field("name", msg))
}

pub async fn create_subgroup(db: &Db, parent: &Permit<'_, ManageGroup>, who: &Who, name: &str, is_public: bool) -> Result<GroupId, AppError> {
    let ManageGroup(parent) = *parent.what();
    let name = clean_name(name)?;
    let mut tx = db.begin().await?;
    parent_in(&mut tx, parent).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO groups (parent_id, name, name_key, visibility, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (parent_id, name_key) DO NOTHING RETURNING id",
    )
    .bind(parent)
    .bind(&name)
    .bind(name.to_lowercase())
    .bind(visibility(is_public))
    .bind(now_ms())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else { return Err(AppError::field("name", Msg::GroupNameTaken)) };
    bump_version(&mut tx).await?;
    audit::record(&mut tx, who, "group_created", "group", id, &serde_json::json!({ "parent": parent, "name": name, "public": is_public })).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn rename(db: &Db, group: &Permit<'_, ManageGroup>, who: &Who, name: &str) -> Result<(), AppError> {
    let ManageGroup(group) = *group.what();
    let name = clean_name(name)?;
    let mut tx = db.begin().await?;
    let parent = parent_in(&mut tx, group).await?;
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM groups WHERE parent_id IS NOT DISTINCT FROM $1 AND name_key = $2 AND id <> $3",
    )
    .bind(parent)
    .bind(name.to_lowercase())
    .bind(group)
    .fetch_one(&mut *tx)
    .await?;
    if taken > 0 {
        return Err(AppError::field("name", Msg::GroupNameTaken));
    }
    let renamed = sqlx::query("UPDATE groups SET name = $1, name_key = $2 WHERE id = $3")
        .bind(&name)
        .bind(name.to_lowercase())
        .bind(group)
        .execute(&mut *tx)
        .await;
    if let Err(error) = renamed {
        // Two renames racing to the same name on PostgreSQL: the unique index decides.
        return Err(if is_unique_violation(&error) { AppError::field("name", Msg::GroupNameTaken) } else { error.into() });
    }
    bump_version(&mut tx).await?;
    audit::record(&mut tx, who, "group_renamed", "group", group, &serde_json::json!({ "name": name })).await?;
    tx.commit().await?;
    Ok(())
}

/// R11: learners already propagated stay when a group becomes private.
pub async fn set_visibility(db: &Db, group: &Permit<'_, ManageGroup>, who: &Who, is_public: bool) -> Result<(), AppError> {
    let ManageGroup(group) = *group.what();
    let mut tx = db.begin().await?;
    if parent_in(&mut tx, group).await?.is_none() {
        return Err(AppError::field("visibility", Msg::PlatformGroupStaysPrivate));
    }
    sqlx::query("UPDATE groups SET visibility = $1 WHERE id = $2").bind(visibility(is_public)).bind(group).execute(&mut *tx).await?;
    bump_version(&mut tx).await?;
    audit::record(&mut tx, who, "group_visibility_changed", "group", group, &serde_json::json!({ "public": is_public })).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves `group` (with its subtree) under `new_parent`. Moving needs the right to manage both;
/// the mover then keeps their rights on the moved group, since the new parent's ancestry, where
/// those rights come from, does not change (it is outside the moved subtree).
pub async fn move_group(db: &Db, group: &Permit<'_, ManageGroup>, new_parent: &Permit<'_, ManageGroup>, who: &Who) -> Result<(), AppError> {
    let (ManageGroup(group), ManageGroup(new_parent)) = (*group.what(), *new_parent.what());
    let mut tx = db.begin().await?;
    // Decide on the tree as this transaction sees it, not on a cached copy.
    let tree = tree::group_tree_in(&mut tx).await?;
    check_move(&tree, group, new_parent)?;
    let name_key: String = sqlx::query_scalar("SELECT name_key FROM groups WHERE id = $1").bind(group).fetch_one(&mut *tx).await?;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM groups WHERE parent_id = $1 AND name_key = $2 AND id <> $3")
        .bind(new_parent)
        .bind(&name_key)
        .bind(group)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        return Err(AppError::field("new_parent", Msg::GroupNameTaken));
    }
    sqlx::query("UPDATE groups SET parent_id = $1 WHERE id = $2").bind(new_parent).bind(group).execute(&mut *tx).await?;
    bump_version(&mut tx).await?;
    audit::record(&mut tx, who, "group_moved", "group", group, &serde_json::json!({ "from": tree.parent(group), "to": new_parent })).await?;
    tx.commit().await?;
    Ok(())
}

/// The tree's own rules for a move: the platform group stays the root; no cycles.
pub fn check_move(tree: &GroupTree, group: GroupId, new_parent: GroupId) -> Result<(), AppError> {
    if tree.get(group).is_none() || tree.get(new_parent).is_none() {
        return Err(AppError::NotFound);
    }
    if tree.parent(group).is_none() {
        return Err(AppError::field("new_parent", Msg::PlatformGroupStaysRoot));
    }
    if tree.ancestors_and_self(new_parent).any(|g| g == group) {
        return Err(AppError::field("new_parent", Msg::MoveUnderItself));
    }
    Ok(())
}

/// Deletes a subgroup of the permit's group (R95), with its memberships, its place in sessions'
/// assigned groups and in invitations' grants; learners it brought up to groups above stay there
/// (R11), as members of their own. Refused, changing nothing, while it has subgroups, sessions
/// take place in it, or API tokens are limited to it (even revoked: the audit names them).
pub async fn delete_subgroup(db: &Db, parent: &Permit<'_, ManageGroup>, who: &Who, group: GroupId) -> Result<(), AppError> {
    let ManageGroup(parent) = *parent.what();
    let mut tx = db.begin().await?;
    // Held from here: a subgroup created meanwhile waits, then finds its parent gone.
    let row: Option<(String, i64)> = sqlx::query_as("UPDATE groups SET name = name WHERE id = $1 AND parent_id = $2 RETURNING name, id")
        .bind(group)
        .bind(parent)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((name, _)) = row else { return Err(AppError::NotFound) };
    let (subgroups, sessions, tokens): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM groups WHERE parent_id = $1), (SELECT COUNT(*) FROM program_sessions WHERE group_id = $1),
                (SELECT COUNT(*) FROM api_tokens WHERE group_id = $1)",
    )
    .bind(group)
    .fetch_one(&mut *tx)
    .await?;
    let refusal = [(subgroups, Msg::GroupHasSubgroups), (sessions, Msg::GroupHasSessions), (tokens, Msg::GroupHasTokens)].into_iter().find(|(n, _)| *n > 0);
    if let Some((_, msg)) = refusal {
        return Err(AppError::field("group", msg));
    }
    let members: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT user_id) FROM memberships WHERE group_id = $1").bind(group).fetch_one(&mut *tx).await?;
    for statement in [
        "DELETE FROM memberships WHERE group_id = $1",
        "UPDATE memberships SET propagated_from = NULL WHERE propagated_from = $1",
        "DELETE FROM session_groups WHERE group_id = $1",
        "DELETE FROM invitation_grants WHERE group_id = $1",
        "UPDATE invitations SET origin_group_id = NULL WHERE origin_group_id = $1",
        "DELETE FROM groups WHERE id = $1",
    ] {
        sqlx::query(statement).bind(group).execute(&mut *tx).await?;
    }
    bump_version(&mut tx).await?;
    audit::record(&mut tx, who, "group_deleted", "group", group, &serde_json::json!({ "name": name, "parent": parent, "members": members })).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds `user` to `group` with `roles`, and learners to the groups of the climb (R10), enrolled
/// in their sessions with the sessions' emails (R31). Adding what is already there changes
/// nothing; a propagated role added directly becomes direct.
pub async fn add_member(db: &Db, settings: &Settings, adding: &Permit<'_, AddToGroup>, who: &Who, user: i64) -> Result<(), AppError> {
    let (group, roles) = (adding.what().group(), adding.what().roles());
    if roles.is_empty() {
        return Err(AppError::field("roles", Msg::ChooseARole));
    }
    crate::domain::names::at_most(roles, crate::domain::names::MAX_ROLES).map_err(|msg| AppError::field("roles", msg))?;
    let mut tx = db.begin().await?;
    let tree = tree::group_tree_in(&mut tx).await?;
    if tree.get(group).is_none() {
        return Err(AppError::NotFound);
    }
    let enrolled = insert_memberships(&mut tx, &tree, user, group, roles).await?;
    enrollment::email_enrollments(&mut tx, settings, user, &enrolled).await?;
    audit::record(&mut tx, who, "membership_added", "user", user, &serde_json::json!({ "group": group, "roles": roles })).await?;
    tx.commit().await?;
    Ok(())
}

/// The memberships of R10–R13, inside the caller's transaction, and the enrollments they bring
/// (R31): returns the sessions newly enrolled in, whose emails the caller sends.
pub async fn insert_memberships(tx: &mut Tx, tree: &GroupTree, user: i64, group: GroupId, roles: &[Role]) -> Result<Vec<i64>, AppError> {
    let now = now_ms();
    let memberships = tree.memberships_for(group, roles);
    for m in &memberships {
        let on_conflict = if m.propagated_from.is_none() { "DO UPDATE SET propagated_from = NULL" } else { "DO NOTHING" };
        sqlx::query(&format!(
            "INSERT INTO memberships (user_id, group_id, role, propagated_from, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (user_id, group_id, role) {on_conflict}"
        ))
        .bind(user)
        .bind(m.group)
        .bind(m.role.as_str())
        .bind(m.propagated_from)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    // R31: a new learner of a group is enrolled in the sessions assigned to it.
    let learner_of: Vec<GroupId> = memberships.iter().filter(|m| m.role == Role::Learner).map(|m| m.group).collect();
    enrollment::enroll_learner(tx, user, &learner_of).await
}

/// Removes one role of one user in one group. Learners propagated from it stay (R11).
pub async fn remove_membership(db: &Db, removing: &Permit<'_, RemoveRole>, who: &Who, user: i64) -> Result<(), AppError> {
    let RemoveRole(group, role) = *removing.what();
    let mut tx = db.begin().await?;
    let removed = sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND group_id = $2 AND role = $3")
        .bind(user)
        .bind(group)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    // Already removed (by someone else, a moment ago): the outcome is the one wanted.
    if removed > 0 {
        audit::record(&mut tx, who, "membership_removed", "user", user, &serde_json::json!({ "group": group, "role": role })).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn parent_in(tx: &mut Tx, group: GroupId) -> Result<Option<GroupId>, AppError> {
    let row: Option<Option<i64>> = sqlx::query_scalar("SELECT parent_id FROM groups WHERE id = $1").bind(group).fetch_optional(&mut **tx).await?;
    row.ok_or(AppError::NotFound)
}

fn visibility(is_public: bool) -> &'static str {
    if is_public { "public" } else { "private" }
}

pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.kind() == sqlx::error::ErrorKind::UniqueViolation)
}
