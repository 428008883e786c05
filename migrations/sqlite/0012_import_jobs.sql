-- Issue 12 (R35–R37): creating users in batch. An import keeps its file from the upload to its
-- end, so that the job survives the server: `rows_done` is the resume point, moved in the same
-- transaction as the rows it counts; `lease_owner`/`lease_until` say which instance runs it (a
-- lease renewed with every part; an instance that dies lets it lapse and another takes over).
CREATE TABLE import_jobs (
    id              INTEGER PRIMARY KEY,
    created_by      INTEGER NOT NULL REFERENCES users (id),
    file_name       TEXT    NOT NULL,
    file            BLOB,
    file_size       INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('uploaded', 'queued', 'running', 'done', 'failed')),
    mode            TEXT    NOT NULL DEFAULT 'invite' CHECK (mode IN ('invite', 'set_up')),
    -- The panel's defaults for the file (groups, roles, language), as JSON.
    defaults        TEXT    NOT NULL DEFAULT '{}',
    add_existing    INTEGER NOT NULL DEFAULT 0,
    total_rows      INTEGER NOT NULL DEFAULT 0,
    rows_done       INTEGER NOT NULL DEFAULT 0,
    rows_new        INTEGER NOT NULL DEFAULT 0,
    rows_already_invited INTEGER NOT NULL DEFAULT 0,
    rows_active     INTEGER NOT NULL DEFAULT 0,
    rows_repeated   INTEGER NOT NULL DEFAULT 0,
    rows_invalid    INTEGER NOT NULL DEFAULT 0,
    accounts_added  INTEGER NOT NULL DEFAULT 0,
    -- Emails counted against the limits when the import started (R71), and those queued since.
    emails_reserved INTEGER NOT NULL DEFAULT 0,
    emails_queued   INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    lease_until     INTEGER,
    error           TEXT,
    created_at      INTEGER NOT NULL,
    started_at      INTEGER,
    updated_at      INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX import_jobs_due ON import_jobs (status, lease_until);
CREATE INDEX import_jobs_by_creator ON import_jobs (created_by, id);

-- The rows an import did not import, as the file has them, and why (the rejected-rows file).
CREATE TABLE import_rejections (
    job_id  INTEGER NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    line    INTEGER NOT NULL,
    -- The row's cells, as a JSON array.
    cells   TEXT    NOT NULL,
    reason  TEXT    NOT NULL,
    PRIMARY KEY (job_id, line)
);
