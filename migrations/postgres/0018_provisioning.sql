-- Issue 15 (R92, R93): what identity providers provision through SCIM.
-- The identifier the provider knows a user by (SCIM's externalId), as it sent it.
ALTER TABLE users ADD COLUMN external_id TEXT;
CREATE INDEX users_external_id ON users (external_id) WHERE external_id IS NOT NULL;
-- A deactivated account (SCIM's active: false) cannot log in and is not counted as active by
-- billing; it keeps its memberships, details and history, and can be reactivated.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;
-- The identifier the provider knows a group by (SCIM's externalId), as it sent it.
ALTER TABLE groups ADD COLUMN external_id TEXT;
