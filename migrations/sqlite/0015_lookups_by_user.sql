-- Lookups that read the second half of a composite key, or the rows a minute round has due, on an
-- index instead of a scan of the whole table (issue 13).
-- Every signed-in request reads the sessions its person instructs (the principal's rights).
CREATE INDEX session_instructors_user ON session_instructors (user_id, session_id);
-- A person's enrollments (their profile; their deletion).
CREATE INDEX enrollments_user ON enrollments (user_id, session_id);
-- The sessions a group is assigned to, read for each learner added to the group (enrollment).
CREATE INDEX session_groups_group ON session_groups (group_id, session_id);
-- The deletion round, each minute on each instance: pending invitations whose deletion date has
-- come (it scanned every pending invitation while holding the write lock).
CREATE INDEX invitations_deletion_due ON invitations (deletion_date) WHERE status = 'pending' AND deletion_date IS NOT NULL;
-- The expiry round: sign-in sessions and trusted devices past their end.
CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);
CREATE INDEX trusted_devices_expiry ON trusted_devices (expires_at);
