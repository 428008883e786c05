-- Bumped in the same transaction as every change to the group tree, so that each app instance
-- knows when its in-memory copy of the tree is stale (it reads this with the session).
ALTER TABLE platform ADD COLUMN tree_version BIGINT NOT NULL DEFAULT 0;
