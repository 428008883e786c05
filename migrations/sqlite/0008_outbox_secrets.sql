-- Issue 9.6: the personal link of an invitation and a one-time password are kept apart from the
-- email's stored body (which holds the placeholder {{secret}}) and forgotten once sent.
ALTER TABLE outbox_emails ADD COLUMN secret TEXT;
-- Copies already sent kept the raw link: they keep their subject and delivery status only.
UPDATE outbox_emails SET body_text = '(removed: it held a personal link)', body_html = '(removed: it held a personal link)'
 WHERE kind = 'invitation' AND status = 'sent';
