-- Issue 9.7: how many invitation emails one person may send (an hour, a day), and the whole
-- platform (an hour). Platform administrators change them (Dashboard > SETTINGS).
ALTER TABLE platform ADD COLUMN invitation_emails_per_hour BIGINT NOT NULL DEFAULT 200;
ALTER TABLE platform ADD COLUMN invitation_emails_per_day BIGINT NOT NULL DEFAULT 1000;
ALTER TABLE platform ADD COLUMN platform_invitation_emails_per_hour BIGINT NOT NULL DEFAULT 10000;
