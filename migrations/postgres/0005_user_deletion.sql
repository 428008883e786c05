-- R42: an account is deleted on its deletion date. The row stays, emptied of personal data
-- (names, email, username, password), so that the audit log, billing history and invitations
-- the user sent keep pointing at someone; `deleted_at` says when.
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
-- The deletion job's question: whose date falls within the next week?
CREATE INDEX users_deletion_due ON users (deletion_date) WHERE deletion_date IS NOT NULL AND deleted_at IS NULL;
-- A user's emails: the user page, the deletion job's warnings, the erasure.
CREATE INDEX outbox_user ON outbox_emails (user_id, kind) WHERE user_id IS NOT NULL;
