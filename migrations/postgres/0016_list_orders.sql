-- The lists in each order they offer (R87), read a page at a time on an index as the default
-- orders are (users_sort, invitations_listing).
-- Dashboard > USERS by status then name, by creation, by activation (never activated: 0, the
-- oldest).
CREATE INDEX users_status_sort ON users (must_change_password, lower(last_name), lower(first_name), id) WHERE deleted_at IS NULL;
CREATE INDEX users_created ON users (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX users_activated ON users (COALESCE(activated_at, 0), id) WHERE deleted_at IS NULL;
-- The Invitations list by expiry (by address: invitations_one_pending).
CREATE INDEX invitations_pending_expiry ON invitations (expires_at, id) WHERE status = 'pending';
