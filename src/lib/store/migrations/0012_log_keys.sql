-- Accepted uploads, the hash-chained log of mark changes and the attestation key set (issue 8).
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (id),
    kind TEXT NOT NULL,                       -- customs, iso, outlets
    at BIGINT NOT NULL,
    rows_n INTEGER NOT NULL,
    data TEXT NOT NULL,                       -- the accepted CSV (a refused file is never stored)
    result TEXT NOT NULL                      -- the validation result JSON
);
CREATE INDEX uploads_site ON uploads (site_id, at, id);
CREATE TABLE mark_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    site TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE attest_keys (
    kid TEXT PRIMARY KEY,
    pk TEXT NOT NULL,                         -- hex of the Ed25519 public key
    sealed TEXT,                              -- hex nonce || secretbox(seed) under the master key file; NULL once retired
    created BIGINT NOT NULL,
    retired BIGINT NOT NULL DEFAULT 0
);
