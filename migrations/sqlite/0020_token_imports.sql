-- Issue 15 (R103): imports through the REST API. An import started with an API token is the
-- token's: it runs with the token's rights (an admin of its group, R90), and only that token
-- sees it — not its creator's panel, nor another of their tokens.
ALTER TABLE import_jobs ADD COLUMN token_id INTEGER REFERENCES api_tokens (id);
