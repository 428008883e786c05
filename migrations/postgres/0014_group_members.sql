-- R84: a group's members, each once, read on an index alone (its page's list and count).
CREATE INDEX memberships_group_user ON memberships (group_id, user_id);
