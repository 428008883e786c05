-- Dashboard > USERS in each order it offers (R87), read a page at a time on an index as the name
-- order is (users_sort): by status then name, by creation, by activation (never activated: 0,
-- the oldest).
CREATE INDEX users_status_sort ON users (must_change_password, lower(last_name), lower(first_name), id) WHERE deleted_at IS NULL;
CREATE INDEX users_created ON users (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX users_activated ON users (COALESCE(activated_at, 0), id) WHERE deleted_at IS NULL;
