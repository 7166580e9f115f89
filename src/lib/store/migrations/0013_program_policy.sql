-- The operator-set program policy (issue 8): every duration, limit and factor of the program's
-- rules, versioned. Version 1 is the announced program (shared/PROGRAM.md) and equals
-- cwt__program_policy_default() (a test checks). A change inserts the next version; rows are never
-- updated, so the policy in force at any instant is the latest version set at or before it.
CREATE TABLE program_policies (
    version BIGINT PRIMARY KEY,
    set_at BIGINT NOT NULL,                   -- UTC Unix seconds; in force from this instant
    set_by TEXT NOT NULL,                     -- who: "key <id> of <enterprise>", "user <email>", "seed"
    duty_window_s BIGINT NOT NULL,
    review_lock_months INTEGER NOT NULL,
    customs_months INTEGER NOT NULL,
    weight_bonus @REAL@ NOT NULL,
    score_top @REAL@ NOT NULL,
    curve TEXT NOT NULL,                      -- linear, smoothstep
    attestation_ttl_s BIGINT NOT NULL,
    clock_skew_s BIGINT NOT NULL,
    reeval_interval_s BIGINT NOT NULL
);
INSERT INTO program_policies (version, set_at, set_by, duty_window_s, review_lock_months, customs_months,
    weight_bonus, score_top, curve, attestation_ttl_s, clock_skew_s, reeval_interval_s)
    VALUES (1, 0, 'seed', 259200, 6, 6, 0.15, 100, 'smoothstep', 604800, 300, 86400);
-- A mark keeps the terms of its window from the policy in force when it turned green: the window's
-- end and the lock a miss brings. Marks written before this migration had the defaults.
ALTER TABLE marks ADD COLUMN duty_due_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE marks ADD COLUMN lock_months INTEGER NOT NULL DEFAULT 6;
UPDATE marks SET duty_due_at = green_at + 259200 WHERE green_at <> 0;
