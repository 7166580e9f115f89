-- bench/load.sh: what the load test reads, on the database of a started `cwtap serve` (run after
-- tests/fixtures/badge/seed.sql). Marks for the two badge fixture sites (one green, one below the
-- threshold) and 200 more green sites, so the registry, its pages and the weights answer with data.
-- The counter bumps make the server's snapshots reload.
INSERT INTO sites (id, enterprise_id, domain, registrable, url, token, verified_at, verify_method, active, created_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
  SELECT 'site_load' || i, 'ent_ningbo', 'shop' || i || '.load.example', 'shop' || i || '.load.example',
         'http://shop' || i || '.load.example/', 'tok-load' || i, 1780000100, 'meta', 1, 1780000000 FROM n;
INSERT INTO marks (site_id, state, since, integrated_at, qualified_at, green_at, has_score, score, evaluated_at,
                   threshold, updated_at, grade)
  SELECT id, 'green', 1780003600, 1780000200, 1780003600, 1780003600, 1, 82.0, 1780003600, 70.0, 1780003600, 'A'
  FROM sites WHERE id = 'site_ningbo' OR id LIKE 'site_load%';
INSERT INTO marks (site_id, state, since, integrated_at, has_score, score, evaluated_at, threshold, updated_at, grade)
  VALUES ('site_weak', 'below_threshold', 1780003600, 1780000200, 1, 41.5, 1780003600, 70.0, 1780003600, 'D');
INSERT INTO change_counters (name, version) VALUES ('program', 1000)
  ON CONFLICT (name) DO UPDATE SET version = change_counters.version + 1000;
INSERT INTO change_counters (name, version) VALUES ('sites', 1000)
  ON CONFLICT (name) DO UPDATE SET version = change_counters.version + 1000;
