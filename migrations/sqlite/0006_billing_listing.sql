-- R45: Dashboard > BILLING lists billed accounts, the latest first.
CREATE INDEX billing_events_listing ON billing_events (billed_at, id);
