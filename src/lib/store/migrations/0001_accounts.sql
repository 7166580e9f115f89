-- Enterprises, their users, login sessions and API keys. Times are Unix seconds, UTC.
CREATE TABLE enterprises (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'exporter',   -- exporter, platform, portal, operator
    country TEXT,
    created_at BIGINT NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    email TEXT NOT NULL UNIQUE,               -- lowercased
    password_hash TEXT NOT NULL,              -- crypto_pwhash_str (Argon2id)
    created_at BIGINT NOT NULL
);
CREATE INDEX users_enterprise ON users (enterprise_id);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,              -- hex SHA-256 of the cookie token
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,                     -- first characters, shown in lists
    key_hash TEXT NOT NULL UNIQUE,            -- hex SHA-256 of the whole key
    scopes TEXT NOT NULL,                     -- comma-separated: platform,registry,operator,sites
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_keys_enterprise ON api_keys (enterprise_id, created_at, id);
