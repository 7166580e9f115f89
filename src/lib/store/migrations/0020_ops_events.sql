-- Platform events (issue 9, docs/internals/operational.md): one row per
-- (platform, event_id), so a replayed batch changes nothing. Times are Unix
-- seconds, NULL when absent; "at" is placed_at or requested_at (the window).
CREATE TABLE platform_events (
    platform TEXT NOT NULL,                   -- the API key's enterprise id, or cwtap ingest --platform
    event_id TEXT NOT NULL,
    kind INTEGER NOT NULL,                    -- 1 order, 2 refund/return
    site TEXT NOT NULL,                       -- the site's domain as the platform gave it (lowercased)
    subject_id TEXT NOT NULL,                 -- order_id or request_id
    at BIGINT NOT NULL,
    placed_at BIGINT,
    promised_ship_by BIGINT,
    shipped_at BIGINT,
    delivered_at BIGINT,
    requested_at BIGINT,
    first_response_at BIGINT,
    resolved_at BIGINT,
    state TEXT NOT NULL,                      -- order status or refund outcome
    received_at BIGINT NOT NULL,
    PRIMARY KEY (platform, event_id)
);
CREATE INDEX platform_events_site ON platform_events (site, at);
