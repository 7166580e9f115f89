#!/bin/sh
# Load test of `cwtap serve` (release build in $1): wrk on the public read endpoints (every unauthenticated
# GET row of src/server/router.c without a parameter, e.g. /healthz, and the badge/weights/registry reads
# once they exist; CWTAP_LOAD_PATHS="/a /b" overrides) on 127.0.0.1 for a bounded time.
# Prints req/s, p50/p99 latency, errors (must be 0) and the server's RSS growth between the end of a
# warm-up and the end of the run (must stay under 5 %).
#   CWTAP_LOAD_SECONDS=N   measured run length (default 60)
#   CWTAP_SOAK=1           10-minute soak (600 s); not run in CI
#   CWTAP_LOAD_CONNS=N     wrk connections (default 32; at most the server's --max-conns-per-ip, 64)
set -eu
build=${1:-build-release}
bin=$build/src/cli/cwtap
[ -x "$bin" ] || { echo "load: no $bin (make build first)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "load: wrk is not installed" >&2; exit 1; }
secs=${CWTAP_LOAD_SECONDS:-60}
[ "${CWTAP_SOAK:-0}" = 1 ] && secs=600
conns=${CWTAP_LOAD_CONNS:-32}
threads=2
warm=$((secs / 10)); [ $warm -lt 5 ] && warm=5
tmp=$(mktemp -d /tmp/cwtap-load.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

paths=${CWTAP_LOAD_PATHS:-$(sed -n 's/^ *{"GET", "\(\/[^"{]*\)", [a-z_]*, SRV_AUTH_NONE.*/\1/p' src/server/router.c | tr '\n' ' ')}
[ -n "$paths" ] || paths=/healthz

"$bin" serve --listen 127.0.0.1:0 --db "sqlite:$tmp/load.db" --port-file "$tmp/port" --no-access-log \
    --rate-ip 1000000/1000000 --rate-key 1000000/1000000 --threads 2 >"$tmp/serve.log" 2>&1 &
pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1)); [ $i -gt 200 ] && { cat "$tmp/serve.log" >&2; exit 1; }
    sleep 0.05
done
port=$(cat "$tmp/port")
base=http://127.0.0.1:$port
for p in $paths; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base$p")
    case $code in 2*|3*) ok="${ok:-} $p" ;; *) echo "load: skipping $p ($code)" >&2 ;; esac
done
paths=${ok:-}
[ -n "$paths" ] || { echo "load: no endpoint answers 2xx" >&2; exit 1; }

cat >"$tmp/rotate.lua" <<'LUA'
local paths, i = {}, 0
function init(args) for k, a in ipairs(args) do paths[k] = a end end
function request() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
function done(s, lat, req)
  local e = s.errors
  io.write(string.format("requests=%d req_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    s.requests, s.requests / (s.duration / 1e6), lat:percentile(50) / 1000, lat:percentile(99) / 1000,
    lat.max / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
LUA
rss() { awk '/^VmRSS/ {print $2}' /proc/$pid/status; }

echo "load: $paths; ${conns} connections, ${warm}s warm-up + ${secs}s" >&2
wrk -t$threads -c"$conns" -d"${warm}s" -s "$tmp/rotate.lua" "$base" -- $paths >"$tmp/warm.txt"
rss0=$(rss)
wrk -t$threads -c"$conns" -d"${secs}s" --timeout 5s -s "$tmp/rotate.lua" "$base" -- $paths >"$tmp/run.txt"
rss1=$(rss)
line=$(grep '^requests=' "$tmp/run.txt")
growth=$(awk -v a="$rss0" -v b="$rss1" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
echo "load: $line rss_kib=$rss0->$rss1 growth=${growth}%"
errors=$(echo "$line" | sed 's/.* errors=\([0-9]*\) non2xx=\([0-9]*\)/\1 \2/')
set -- $errors
fail=0
[ "$1" = 0 ] && [ "$2" = 0 ] || { echo "load: FAIL: $1 socket errors, $2 non-2xx responses" >&2; fail=1; }
awk -v g="$growth" 'BEGIN { exit !(g >= 5) }' && { echo "load: FAIL: RSS grew ${growth}% (limit 5%)" >&2; fail=1; }
exit $fail
