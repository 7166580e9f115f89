-- Customer-service channels to probe (issue 9, docs/internals/operational.md):
-- one row per endpoint of a channel and target-market language variant found
-- on a site by its last evaluation; the worker's probe scheduler probes each
-- row every probe interval (next_probe_at) and records service_probes rows.
CREATE TABLE service_channels (
    site TEXT NOT NULL,                       -- the site's domain (as platform_events and service_probes)
    channel TEXT NOT NULL,                    -- "WhatsApp", "LINE", "live chat", ...
    url TEXT NOT NULL,
    lang TEXT NOT NULL,                       -- target-market language of the variant, '' when none
    seen_at BIGINT NOT NULL,                  -- the evaluation that last found it
    next_probe_at BIGINT NOT NULL,
    PRIMARY KEY (site, channel, url, lang)
);
CREATE INDEX service_channels_due ON service_channels (next_probe_at);
ALTER TABLE service_probes ADD COLUMN lang TEXT NOT NULL DEFAULT '';
