-- R42: an account is deleted on its deletion date. The row stays, emptied of personal data
-- (names, email, username, password), so that the audit log, billing history and invitations
-- the user sent keep pointing at someone; `deleted_at` says when.
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
-- The deletion job's question: whose date falls within the next week?
CREATE INDEX users_deletion_due ON users (deletion_date) WHERE deletion_date IS NOT NULL AND deleted_at IS NULL;
