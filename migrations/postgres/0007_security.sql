-- Issue 9 (security review).
-- Deletion dates are compared as text by the deletion job: store them YYYY-MM-DD (some were
-- stored as typed, e.g. 2099-1-5, and would have been erased months late).
UPDATE users SET deletion_date = to_char(to_date(deletion_date, 'YYYY-MM-DD'), 'YYYY-MM-DD')
 WHERE deletion_date IS NOT NULL AND deletion_date !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
UPDATE invitations SET deletion_date = to_char(to_date(deletion_date, 'YYYY-MM-DD'), 'YYYY-MM-DD')
 WHERE deletion_date IS NOT NULL AND deletion_date !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

-- R48: browsers that logged in to an account before (a device cookie, OWASP's defence against
-- lock-outs by strangers). Only the SHA-256 of the cookie's token is kept.
CREATE TABLE trusted_devices (
    token_hash TEXT   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);

-- R58: a one-time password someone else chose expires, like an invitation.
ALTER TABLE users ADD COLUMN password_expires_at BIGINT;

-- Ended rate-limit windows are purged.
CREATE INDEX rate_limits_window ON rate_limits (window_start);
