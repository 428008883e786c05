-- Issue 13: the lists at 100,000 users and 1,000,000 invitations.
-- Dashboard > USERS pages by keyset in name order (R84): the order's own index.
CREATE INDEX users_sort ON users (lower(last_name), lower(first_name), id) WHERE deleted_at IS NULL;
-- Its search is by prefix of "first last", "last first", email or username (R84): ranges in
-- byte order (COLLATE "C"), whatever the database's collation.
CREATE INDEX users_first_last ON users ((lower(first_name || ' ' || last_name)) COLLATE "C") WHERE deleted_at IS NULL;
CREATE INDEX users_last_first ON users ((lower(last_name || ' ' || first_name)) COLLATE "C") WHERE deleted_at IS NULL;
CREATE INDEX users_email_prefix ON users (email_key COLLATE "C") WHERE deleted_at IS NULL;
CREATE INDEX users_username_prefix ON users (username_key COLLATE "C") WHERE deleted_at IS NULL;
-- The Invitations list's search by address prefix among pending invitations, sorted by date
-- from the index alone.
CREATE INDEX invitations_pending_prefix ON invitations (email_key COLLATE "C", created_at) WHERE status = 'pending';
-- The latest email of each invitation, for the Invitations list's delivery column.
CREATE INDEX outbox_invitation ON outbox_emails (invitation_id, id);
-- USERS filters by role alone, and by label (R84); and those who have not logged in yet.
CREATE INDEX memberships_role ON memberships (role, user_id);
CREATE INDEX user_labels_label ON user_labels (label_id, user_id);
CREATE INDEX users_first_login ON users (id) WHERE must_change_password = 1 AND deleted_at IS NULL;
-- How many hold each label and field (LABELS, the forms of platform administrators): from the
-- holders, not by walking every user and invitation.
CREATE INDEX user_custom_values_field ON user_custom_values (field_id, user_id);
CREATE INDEX invitation_labels_label ON invitation_labels (label_id, invitation_id);
CREATE INDEX invitation_custom_values_field ON invitation_custom_values (field_id, invitation_id);
