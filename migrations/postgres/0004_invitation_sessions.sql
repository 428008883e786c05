-- Every session an invitation enrolls its user in (R30, R57): invited from two sessions, the user
-- is enrolled in both at registration.
CREATE TABLE invitation_sessions (
    invitation_id BIGINT  NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    session_id    BIGINT  NOT NULL REFERENCES program_sessions (id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, session_id)
);
INSERT INTO invitation_sessions (invitation_id, session_id) SELECT id, origin_session_id FROM invitations WHERE origin_session_id IS NOT NULL;
