-- Issue 10 (R24): each grant of an invitation is checked at registration against the person who
-- made it and the right it was made under (adding users, or inviting from a program session).
ALTER TABLE invitation_grants ADD COLUMN granted_by INTEGER REFERENCES users (id);
ALTER TABLE invitation_grants ADD COLUMN via_session INTEGER REFERENCES program_sessions (id);
UPDATE invitation_grants SET granted_by = (SELECT i.invited_by FROM invitations i WHERE i.id = invitation_grants.invitation_id);
UPDATE invitation_grants SET via_session = (
    SELECT i.origin_session_id FROM invitations i JOIN program_sessions s ON s.id = i.origin_session_id
     WHERE i.id = invitation_grants.invitation_id AND s.group_id = invitation_grants.group_id)
 WHERE role = 'learner';
