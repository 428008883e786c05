//! The group tree: read from the database (`group_tree`, `group_tree_in`), and held in memory
//! and kept current (`TreeCache`): every change to the tree bumps
//! `platform.tree_version` in its transaction, every request reads that version with its session,
//! and a stale copy is reloaded once. Policy checks and climbs then cost microseconds, whatever
//! the size of the tree, on every app instance.

use std::sync::{Arc, RwLock};

use sqlx::Row;

use super::db::{Db, Tx};

use crate::domain::group_tree::{GroupNode, GroupTree};
use crate::error::AppError;
use crate::i18n::Lang;

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

/// What a transaction that adds people reads of the platform, in one statement: the group tree
/// as the transaction sees it, and the name and default language of the emails it queues.
pub struct Current {
    pub tree: Arc<GroupTree>,
    pub platform_name: String,
    pub default_language: Option<Lang>,
}

/// The platform as this transaction sees it. The tree is `known` (the caller's, from the cache)
/// when its version is still the platform's, and is read anew only when it changed: adding a
/// user reads one row, not every group.
pub async fn current_in(tx: &mut Tx, known: &Arc<GroupTree>) -> Result<Current, AppError> {
    let (version, platform_name, language): (i64, String, String) =
        sqlx::query_as("SELECT tree_version, name, default_language FROM platform WHERE id = 1").fetch_one(&mut **tx).await?;
    let tree = match known.version() {
        Some(v) if v == version => known.clone(),
        _ => Arc::new(group_tree_in(tx).await?.at_version(version)),
    };
    Ok(Current { tree, platform_name, default_language: Lang::parse(&language) })
}

#[derive(Clone, Debug, Default)]
pub struct TreeCache {
    current: Arc<RwLock<Option<(i64, Arc<GroupTree>)>>>,
}

impl TreeCache {
    /// The tree at `version` (or newer).
    pub async fn get(&self, db: &Db, version: i64) -> Result<Arc<GroupTree>, AppError> {
        if let Some(tree) = self.cached(version) {
            return Ok(tree);
        }
        // Read the version before the groups: the groups are then at least that new, so a
        // change racing this load makes the next request reload, never keeps stale groups.
        let loaded_version: i64 = sqlx::query_scalar("SELECT tree_version FROM platform WHERE id = 1").fetch_one(&db.pool).await?;
        let tree = Arc::new(group_tree(db).await?.at_version(loaded_version));
        let mut slot = self.current.write().map_err(|_| AppError::internal("tree cache poisoned"))?;
        if slot.as_ref().is_none_or(|(v, _)| *v < loaded_version) {
            *slot = Some((loaded_version, tree.clone()));
        }
        Ok(tree)
    }

    fn cached(&self, version: i64) -> Option<Arc<GroupTree>> {
        let slot = self.current.read().ok()?;
        slot.as_ref().filter(|(v, _)| *v >= version).map(|(_, tree)| tree.clone())
    }
}

/// Marks the tree as changed, inside the transaction that changes it.
pub async fn bump_version(tx: &mut Tx) -> Result<(), AppError> {
    sqlx::query("UPDATE platform SET tree_version = tree_version + 1 WHERE id = 1").execute(&mut **tx).await?;
    Ok(())
}
