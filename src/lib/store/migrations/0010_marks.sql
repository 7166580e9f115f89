-- The program's rules (issue 8): marks, cycles, threshold policies, uploads,
-- the threshold in force per evaluation, the hash-chained log of mark changes
-- and the attestation key set. Times are UTC Unix seconds; 0 means "never".
CREATE TABLE marks (
    site_id TEXT PRIMARY KEY REFERENCES sites (id),
    state TEXT NOT NULL,                      -- cwt__mark_state_name()
    since BIGINT NOT NULL,
    integrated_at BIGINT NOT NULL DEFAULT 0,
    qualified_at BIGINT NOT NULL DEFAULT 0,
    green_at BIGINT NOT NULL DEFAULT 0,
    up_customs BIGINT NOT NULL DEFAULT 0,
    up_iso BIGINT NOT NULL DEFAULT 0,
    up_outlets BIGINT NOT NULL DEFAULT 0,
    duties_met INTEGER NOT NULL DEFAULT 0,
    downgraded_at BIGINT NOT NULL DEFAULT 0,
    review_locked_until BIGINT NOT NULL DEFAULT 0,
    has_score INTEGER NOT NULL DEFAULT 0,
    score @REAL@,
    evaluated_at BIGINT NOT NULL DEFAULT 0,
    last_eval_id TEXT,
    threshold @REAL@,                         -- the threshold in force at the last evaluation (enter line)
    next_deadline BIGINT NOT NULL DEFAULT 0,  -- cwt__mark_next_deadline(): 0 when none
    updated_at BIGINT NOT NULL,
    grade TEXT,                               -- grade of the last evaluation
    modules TEXT                              -- module scores of the last evaluation, JSON
);
CREATE INDEX marks_deadline ON marks (next_deadline);
-- The registry's industry filter: an industry declared for a site.
ALTER TABLE sites ADD COLUMN industry TEXT;
