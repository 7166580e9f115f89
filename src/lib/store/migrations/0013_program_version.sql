-- One counter bumped in the transaction of every change the program's hot path shows
-- (marks, uploads, cycles, thresholds, keys), so servers see other processes' changes
-- by polling one row (src/server/program_snapshot.c).
CREATE TABLE program_version (id INTEGER PRIMARY KEY, v BIGINT NOT NULL);
INSERT INTO program_version (id, v) VALUES (1, 0);
