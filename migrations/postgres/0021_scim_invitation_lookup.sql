-- Issue 15 (R99): an identity provider looks a pending invitation it made up by its externalId
-- before creating the person again (the address has its index: invitations_one_pending).
CREATE INDEX invitations_scim_external_id ON invitations (external_id) WHERE scim = 1 AND status = 'pending';
