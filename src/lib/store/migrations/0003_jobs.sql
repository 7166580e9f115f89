-- The job queue shared by every worker process (docs/internals/store.md).
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                       -- evaluate, ...
    site_id TEXT REFERENCES sites (id),
    payload TEXT NOT NULL,                    -- JSON
    state TEXT NOT NULL,                      -- queued, running, done, failed
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at BIGINT NOT NULL,                   -- not before
    locked_by TEXT,                           -- worker id while running
    locked_until BIGINT,                      -- lease; an expired lease makes the job claimable again
    last_error TEXT,
    dedupe_key TEXT UNIQUE,                   -- set while queued/running so a job is not queued twice
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_ready ON jobs (state, run_at);
