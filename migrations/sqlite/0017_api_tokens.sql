-- Issue 15 (R90): API tokens, for identity providers (SCIM) and scripts (REST). A token acts as
-- an admin of its group would (the platform group's when it names none), and only while the
-- platform administrator who created it still is one. Only the secret's SHA-256 is kept; a token
-- is revoked, never deleted, so that the audit log keeps its name.
CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    scope           TEXT    NOT NULL CHECK (scope IN ('scim', 'read', 'write')),
    group_id        INTEGER REFERENCES groups (id),
    -- SCIM: what a new user becomes (set up, active at once, or invited) and the role a SCIM
    -- group's members get.
    scim_creates    TEXT    NOT NULL DEFAULT 'set_up' CHECK (scim_creates IN ('set_up', 'invite')),
    scim_role       TEXT    NOT NULL DEFAULT 'learner',
    per_minute      INTEGER NOT NULL,
    token_hash      TEXT    NOT NULL UNIQUE,
    created_by      INTEGER NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER,
    revoked_at      INTEGER,
    last_used_at    INTEGER
);
-- Names are unique among the tokens not revoked.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (lower(name)) WHERE revoked_at IS NULL;

-- Whose key made a change: the token's, besides the person who created it (actor_id).
ALTER TABLE audit_log ADD COLUMN token_id INTEGER REFERENCES api_tokens (id);
