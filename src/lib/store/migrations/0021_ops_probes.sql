-- Customer-service probes (issue 9): one row per probe of a channel endpoint
-- found on a site; availability = ok probes / probes over the window.
CREATE TABLE service_probes (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,                       -- the site's domain
    channel TEXT NOT NULL,                    -- livechat, zendesk, whatsapp, ...
    url TEXT NOT NULL,
    at BIGINT NOT NULL,
    ok INTEGER NOT NULL,                      -- 1 when the endpoint answered 2xx/3xx
    http_status INTEGER,
    error TEXT
);
CREATE INDEX service_probes_site ON service_probes (site, at);
