-- Operator-set evaluation cycles (seeded with 2026-Q3 and quarterly cycles from 2026-10-01) and
-- threshold policies per cycle, and the threshold in force per evaluation (issue 8).
CREATE TABLE cycles (
    id TEXT PRIMARY KEY,                      -- "2026-Q3"
    deadline BIGINT NOT NULL,                 -- last second that counts for enrollment
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,                   -- first second after the cycle
    created_at BIGINT NOT NULL
);
INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES ('2026-Q3', 1785542399, 1782864000, 1790812800, 0);
INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES ('2026-Q4', 1793491199, 1790812800, 1798761600, 0);
INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES ('2027-Q1', 1801439999, 1798761600, 1806537600, 0);
INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES ('2027-Q2', 1809129599, 1806537600, 1814400000, 0);
INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES ('2027-Q3', 1817078399, 1814400000, 1822348800, 0);
INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES ('2027-Q4', 1825027199, 1822348800, 1830297600, 0);
INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES ('2028-Q1', 1832975999, 1830297600, 1838160000, 0);
INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES ('2028-Q2', 1840751999, 1838160000, 1846022400, 0);
INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES ('2028-Q3', 1848700799, 1846022400, 1853971200, 0);
CREATE TABLE threshold_policies (
    cycle_id TEXT PRIMARY KEY REFERENCES cycles (id),
    floor @REAL@ NOT NULL,
    floor_basic @REAL@ NOT NULL,              -- negative: no module floor
    floor_operational @REAL@ NOT NULL,
    floor_content @REAL@ NOT NULL,
    use_percentile INTEGER NOT NULL,
    percentile @REAL@ NOT NULL,
    min_cohort INTEGER NOT NULL,
    margin @REAL@ NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE evaluation_thresholds (
    evaluation_id TEXT PRIMARY KEY REFERENCES evaluations (id),
    cycle_id TEXT,
    enter @REAL@ NOT NULL,
    stay @REAL@ NOT NULL,
    meets_enter INTEGER NOT NULL,
    meets_stay INTEGER NOT NULL,
    explain TEXT NOT NULL
);
