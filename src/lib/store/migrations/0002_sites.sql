-- Registered sites, ownership proof and evaluations.
CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    domain TEXT NOT NULL,                     -- host name as an IDNA A-label, lowercase
    registrable TEXT NOT NULL,                -- registrable domain (Public Suffix List)
    url TEXT NOT NULL,                        -- home page
    token TEXT NOT NULL,                      -- ownership token to publish
    verified_at BIGINT,
    verify_method TEXT,                       -- dns, meta, well-known
    active INTEGER NOT NULL DEFAULT 1,
    next_eval_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sites_enterprise_domain ON sites (enterprise_id, domain);
CREATE INDEX sites_list ON sites (enterprise_id, created_at, id);
CREATE INDEX sites_due ON sites (active, next_eval_at);
CREATE TABLE evaluations (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (id),
    at BIGINT NOT NULL,
    model_version TEXT NOT NULL,
    total @REAL@,                             -- NULL when no score could be computed
    grade TEXT NOT NULL,
    report TEXT NOT NULL                      -- the evaluation JSON (docs/schema/evaluation.schema.json)
);
CREATE INDEX evaluations_site ON evaluations (site_id, at, id);
