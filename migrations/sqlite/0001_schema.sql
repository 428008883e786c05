-- Roster schema (SQLite). migrations/postgres/0001_schema.sql is the same schema for PostgreSQL.
-- Portable column types, because the app reaches both through sqlx's Any driver:
--   ids INTEGER (BIGINT on PostgreSQL), instants INTEGER milliseconds since the Unix epoch (UTC),
--   calendar dates TEXT 'YYYY-MM-DD', flags INTEGER 0/1, states TEXT with CHECK.
-- `*_key` columns hold the normalised (lower-cased, trimmed) form that uniqueness is decided on;
-- the column beside them keeps what was typed.

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    email                TEXT,
    email_key            TEXT,
    username             TEXT,
    username_key         TEXT,
    first_name           TEXT    NOT NULL,
    last_name            TEXT    NOT NULL,
    language             TEXT    CHECK (language IN ('en', 'fr')),
    status               TEXT    NOT NULL CHECK (status IN ('invited', 'active')),
    password_hash        TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    deletion_date        TEXT,
    created_at           INTEGER NOT NULL,
    activated_at         INTEGER,
    CHECK (email IS NOT NULL OR username IS NOT NULL),
    CHECK ((email IS NULL) = (email_key IS NULL)),
    CHECK ((username IS NULL) = (username_key IS NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (email_key) WHERE email_key IS NOT NULL;
CREATE UNIQUE INDEX users_username_key ON users (username_key) WHERE username_key IS NOT NULL;
CREATE INDEX users_name ON users (last_name, first_name);

CREATE TABLE platform (
    id                       INTEGER PRIMARY KEY CHECK (id = 1),
    name                     TEXT    NOT NULL,
    default_language         TEXT    NOT NULL DEFAULT 'en' CHECK (default_language IN ('en', 'fr')),
    time_zone                TEXT    NOT NULL DEFAULT 'UTC',
    invitation_lifetime_days INTEGER NOT NULL DEFAULT 7 CHECK (invitation_lifetime_days BETWEEN 1 AND 30),
    owner_id                 INTEGER REFERENCES users (id),
    created_at               INTEGER NOT NULL
);

CREATE TABLE groups (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES groups (id),
    name       TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    name_key   TEXT    NOT NULL,
    visibility TEXT    NOT NULL CHECK (visibility IN ('public', 'private')),
    created_at INTEGER NOT NULL,
    -- The root is the platform group: always private (R10 relies on it to stop the climb).
    CHECK (parent_id IS NOT NULL OR visibility = 'private'),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE UNIQUE INDEX groups_one_root ON groups ((parent_id IS NULL)) WHERE parent_id IS NULL;
CREATE UNIQUE INDEX groups_sibling_name ON groups (parent_id, name_key);

CREATE TABLE memberships (
    id                     INTEGER PRIMARY KEY,
    user_id                INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    group_id               INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    role                   TEXT    NOT NULL CHECK (role IN ('learner', 'author', 'coach', 'user_admin', 'admin')),
    -- R11: a propagated learner membership remembers the group it climbed from.
    propagated_from        INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    created_at             INTEGER NOT NULL,
    UNIQUE (user_id, group_id, role)
);
CREATE INDEX memberships_group ON memberships (group_id, role);

CREATE TABLE programs (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE program_sessions (
    id         INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    group_id   INTEGER NOT NULL REFERENCES groups (id),
    name       TEXT    NOT NULL,
    starts_on  TEXT,
    ends_on    TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE session_instructors (
    session_id INTEGER NOT NULL REFERENCES program_sessions (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE session_groups (
    session_id INTEGER NOT NULL REFERENCES program_sessions (id) ON DELETE CASCADE,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, group_id)
);

CREATE TABLE enrollments (
    session_id INTEGER NOT NULL REFERENCES program_sessions (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

CREATE TABLE invitations (
    id                INTEGER PRIMARY KEY,
    email             TEXT    NOT NULL,
    email_key         TEXT    NOT NULL,
    token_hash        TEXT    NOT NULL UNIQUE,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'accepted', 'cancelled')),
    language          TEXT    CHECK (language IN ('en', 'fr')),
    deletion_date     TEXT,
    invited_by        INTEGER NOT NULL REFERENCES users (id),
    origin_group_id   INTEGER REFERENCES groups (id),
    origin_session_id INTEGER REFERENCES program_sessions (id),
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    last_sent_at      INTEGER,
    send_count        INTEGER NOT NULL DEFAULT 0,
    accepted_at       INTEGER,
    accepted_user_id  INTEGER REFERENCES users (id),
    cancelled_at      INTEGER,
    cancelled_by      INTEGER REFERENCES users (id)
);
-- One pending invitation per normalised email.
CREATE UNIQUE INDEX invitations_one_pending ON invitations (email_key) WHERE status = 'pending';
CREATE INDEX invitations_listing ON invitations (status, created_at, id);

CREATE TABLE invitation_grants (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    group_id      INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    role          TEXT    NOT NULL CHECK (role IN ('learner', 'author', 'coach', 'user_admin', 'admin')),
    PRIMARY KEY (invitation_id, group_id, role)
);

CREATE TABLE outbox_emails (
    id              INTEGER PRIMARY KEY,
    -- What caused it, written so that a retried change cannot queue the same email twice.
    dedupe_key      TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    to_address      TEXT    NOT NULL,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    invitation_id   INTEGER REFERENCES invitations (id) ON DELETE SET NULL,
    language        TEXT    NOT NULL CHECK (language IN ('en', 'fr')),
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox_emails (status, next_attempt_at);

CREATE TABLE billing_events (
    id        INTEGER PRIMARY KEY,
    -- One billing activation per user, whatever the races.
    user_id   INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    reason    TEXT    NOT NULL,
    billed_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT    NOT NULL,
    target_type TEXT,
    target_id   INTEGER,
    details     TEXT,
    ip          TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE auth_sessions (
    -- SHA-256 of the 256-bit token in the cookie; the token itself is never stored.
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);

CREATE TABLE labels (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE
);

CREATE TABLE user_labels (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label_id INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, label_id)
);

CREATE TABLE custom_fields (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE
);

CREATE TABLE user_custom_values (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field_id INTEGER NOT NULL REFERENCES custom_fields (id) ON DELETE CASCADE,
    value    TEXT    NOT NULL,
    PRIMARY KEY (user_id, field_id)
);

-- Fixed-window counters for rate limits (login per account and per IP…), shared by every
-- app instance because they live in the database.
CREATE TABLE rate_limits (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
);
