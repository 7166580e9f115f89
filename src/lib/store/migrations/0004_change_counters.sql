-- Change counters: writers bump a named counter in the transaction of their change, and
-- readers in other processes (the server's hot-path snapshot) notice the change by polling it.
CREATE TABLE change_counters (
    name TEXT PRIMARY KEY,                    -- evaluations, sites, marks, ...
    version BIGINT NOT NULL
);
