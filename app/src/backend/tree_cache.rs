//! The group tree, held in memory and kept current: every change to the tree bumps
//! `platform.tree_version` in its transaction, every request reads that version with its session,
//! and a stale copy is reloaded once. Policy checks and climbs then cost microseconds, whatever
//! the size of the tree, on every app instance.

use std::sync::{Arc, RwLock};

use super::db::{Db, Tx};
use super::directory;

use crate::domain::group_tree::GroupTree;
use crate::error::AppError;

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
        let tree = Arc::new(directory::group_tree(db).await?);
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
