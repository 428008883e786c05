-- Issue 15 (R99): invitations made through SCIM, by a token whose new users are invited.
-- Made through SCIM: the provider knows the invitation, then the account it becomes, as "i<id>".
ALTER TABLE invitations ADD COLUMN scim INTEGER NOT NULL DEFAULT 0;
-- The identifier the provider knows the person by (SCIM's externalId), carried to the account.
ALTER TABLE invitations ADD COLUMN external_id TEXT;
-- The account an invitation made through SCIM became, found from the account.
CREATE INDEX invitations_scim_accepted ON invitations (accepted_user_id) WHERE scim = 1;
