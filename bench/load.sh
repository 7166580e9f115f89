#!/bin/sh
# Load test of `cwtap serve` (a release build in $1, default build-release; `make bench` runs it): wrk on
# the badge, weight and registry endpoints on 127.0.0.1 at the highest rate the machine takes (a closed
# loop: every connection sends its next request as soon as the last is answered), for a bounded time.
# The database is seeded first (tests/fixtures/badge/seed.sql and bench/load_seed.sql: 202 marks, one
# below the threshold) and a platform API key is made for the weights. The requests rotate over:
#   GET /v1/badge/{site} (with the site's Origin), /v1/registry, /v1/registry/{site},
#   GET /v1/platform/weights?site={site} (Bearer key)
# Prints req/s, p50/p99/max latency, errors (socket errors and non-2xx: must be 0) and the server's RSS
# at the end of the first minute (of the warm-up in a short run) and at the end: growth must stay < 5 %.
#   CWTAP_LOAD_SECONDS=N   measured run length (default 60)
#   SOAK=1 (or CWTAP_SOAK=1)  10-minute soak: a 60 s first minute, then 600 s; not run in CI
#   CWTAP_LOAD_CONNS=N     wrk connections (default 32; at most the server's --max-conns-per-ip, 64)
#   CWTAP_LOAD_PATHS="/a /b"  other paths instead (public GETs)
set -eu
build=${1:-build-release}
bin=$build/src/cli/cwtap
root=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$bin" ] || { echo "load: no $bin (make build first)" >&2; exit 1; }
for t in wrk sqlite3 curl python3; do
    command -v $t >/dev/null || { echo "load: $t is not installed" >&2; exit 1; }
done
secs=${CWTAP_LOAD_SECONDS:-60}
warm=$((secs / 10)); [ $warm -lt 5 ] && warm=5
if [ "${SOAK:-${CWTAP_SOAK:-0}}" = 1 ]; then secs=600; warm=60; fi
conns=${CWTAP_LOAD_CONNS:-32}
threads=2
tmp=$(mktemp -d /tmp/cwtap-load.XXXXXX)
pid=
sampler=
cleanup() {
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null && wait "$sampler" 2>/dev/null
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$bin" serve --listen 127.0.0.1:0 --db "sqlite:$tmp/load.db" --port-file "$tmp/port" --no-access-log \
    --insecure-cookies --pwhash-cost min --rate-ip 1000000/1000000 --rate-key 1000000/1000000 \
    --threads "$(nproc)" >"$tmp/serve.log" 2>&1 &
pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1)); [ $i -gt 200 ] && { cat "$tmp/serve.log" >&2; exit 1; }
    sleep 0.05
done
base=http://127.0.0.1:$(cat "$tmp/port")

# The data: marks in the registry, and a platform with a key for the weights.
sqlite3 "$tmp/load.db" <"$root/tests/fixtures/badge/seed.sql"
sqlite3 "$tmp/load.db" <"$root/bench/load_seed.sql"
curl -fs -c "$tmp/jar" -H 'Content-Type: application/json' -o /dev/null \
    -d '{"enterprise_name":"Load Platform","email":"load@example.com","password":"long enough pw","country":"SG"}' \
    "$base/v1/signup"
sqlite3 "$tmp/load.db" "UPDATE enterprises SET kind = 'platform' WHERE name = 'Load Platform'"
csrf=$(awk '$6 == "cwtap_csrf" {print $7}' "$tmp/jar")
key=$(curl -fs -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"name":"load","scopes":["platform"]}' "$base/v1/keys" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
export CWTAP_LOAD_KEY="$key"

if [ -n "${CWTAP_LOAD_PATHS:-}" ]; then
    paths=$CWTAP_LOAD_PATHS
else
    paths="/v1/badge/site_ningbo /v1/registry /v1/registry/site_ningbo /v1/platform/weights?site=site_ningbo"
    for n in 1 17 42 99 150 200; do
        paths="$paths /v1/badge/site_load$n /v1/registry/site_load$n /v1/platform/weights?site=site_load$n"
    done
    paths="$paths /v1/badge/site_weak /v1/registry?limit=20"
fi
# Every path must answer 2xx before the run (the snapshot reloads within a second of the seed).
for p in $paths; do
    i=0
    until curl -fs -o /dev/null -H "Authorization: Bearer $key" -H "Origin: http://www.ningbo-valves.example" \
        "$base$p"; do
        i=$((i + 1)); [ $i -gt 50 ] && { echo "load: $p does not answer 2xx" >&2; exit 1; }
        sleep 0.1
    done
done

cat >"$tmp/rotate.lua" <<'LUA'
local paths, i, key = {}, 0, os.getenv("CWTAP_LOAD_KEY")
function init(args) for k, a in ipairs(args) do paths[k] = a end end
function request()
  i = i % #paths + 1
  local p, h = paths[i], {}
  if p:find("^/v1/platform/") then h["Authorization"] = "Bearer " .. key end
  local site = p:match("^/v1/badge/(.+)$")
  if site == "site_ningbo" then h["Origin"] = "http://www.ningbo-valves.example" end
  if site and site:find("^site_load") then h["Origin"] = "http://shop" .. site:sub(10) .. ".load.example" end
  return wrk.format("GET", p, h)
end
function done(s, lat, req)
  local e = s.errors
  io.write(string.format("requests=%d req_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    s.requests, s.requests / (s.duration / 1e6), lat:percentile(50) / 1000, lat:percentile(99) / 1000,
    lat.max / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
LUA
rss() { awk '/^VmRSS/ {print $2}' /proc/$pid/status; }

echo "load: $(echo $paths | wc -w) paths (badge, registry, weights); $conns connections; ${warm}s first" \
    "minute/warm-up + ${secs}s" >&2
wrk -t$threads -c"$conns" -d"${warm}s" -s "$tmp/rotate.lua" "$base" -- $paths >"$tmp/warm.txt"
rss0=$(rss)
# The RSS every 10 s during the run (the soak's trend).
(while sleep 10; do rss >>"$tmp/rss.txt" 2>/dev/null || exit 0; done) &
sampler=$!
wrk -t$threads -c"$conns" -d"${secs}s" --timeout 5s -s "$tmp/rotate.lua" "$base" -- $paths >"$tmp/run.txt"
rss1=$(rss)
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true; sampler=
line=$(grep '^requests=' "$tmp/run.txt")
growth=$(awk -v a="$rss0" -v b="$rss1" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
peak=$(sort -n "$tmp/rss.txt" 2>/dev/null | tail -1)
echo "load: $line rss_kib=$rss0->$rss1 (peak ${peak:-$rss1}) growth=${growth}% seconds=$secs"
set -- $(echo "$line" | sed 's/.* errors=\([0-9]*\) non2xx=\([0-9]*\)/\1 \2/')
fail=0
[ "$1" = 0 ] && [ "$2" = 0 ] || { echo "load: FAIL: $1 socket errors, $2 non-2xx responses" >&2; fail=1; }
awk -v g="$growth" 'BEGIN { exit !(g >= 5) }' && { echo "load: FAIL: RSS grew ${growth}% (limit 5%)" >&2; fail=1; }
exit $fail
