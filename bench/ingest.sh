#!/bin/sh
# Benchmark of platform event ingestion (issue 9): N events (default 1,000,000;
# CWTAP_BENCH_INGEST_N for quick runs) in batches of 5,000 posted over HTTP to
# `cwtap serve` on 127.0.0.1 into SQLite, and the same rows inserted directly
# with SQLite (one prepared INSERT, one transaction per batch) in the same run,
# the two alternating batch by batch.
# Prints events/s of both, the ratio (target >= 0.5) and the server's peak RSS.
#   sh bench/ingest.sh BUILD_DIR      (BUILD_DIR: a release build, default build-release)
set -eu
build=${1:-build-release}
n=${CWTAP_BENCH_INGEST_N:-1000000}
batch=5000
cwtap=$build/src/cli/cwtap
client=$build/bench/ingest_client
[ -x "$cwtap" ] && [ -x "$client" ] || { echo "bench/ingest.sh: build $build first" >&2; exit 1; }
dir=$(mktemp -d /tmp/cwtap-bench-ingest.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT INT TERM

"$cwtap" serve --listen 127.0.0.1:0 --db "sqlite:$dir/serve.db" --port-file "$dir/port" --insecure-cookies \
    --pwhash-cost min --rate-ip 10000/20000 --rate-key 10000/20000 --no-access-log --threads 2 2>"$dir/serve.log" &
pid=$!
i=0
while [ ! -s "$dir/port" ]; do
    i=$((i + 1)); [ $i -lt 200 ] || { cat "$dir/serve.log" >&2; exit 1; }
    sleep 0.05
done
base="http://127.0.0.1:$(cat "$dir/port")"
curl -sf -c "$dir/jar" -o "$dir/signup.json" -H 'Content-Type: application/json' \
    -d '{"enterprise_name":"Bench Market","email":"bench@example.com","password":"long enough pw"}' \
    "$base/v1/signup"
# Public signup makes exporters; make this one a platform directly in the store (no operator route yet).
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("update enterprises set kind=?", ("platform",)); c.commit()' "$dir/serve.db"
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$dir/signup.json")
curl -sf -b "$dir/jar" -o "$dir/key.json" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
    -d '{"name":"bench","scopes":["platform"]}' "$base/v1/keys"
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' "$dir/key.json")

# One client alternates the two loads batch by batch (a shared machine's load drifts).
rates=$("$client" "$base/v1/platform/events" "$key" "$dir/direct.db" src/lib/store/migrations/0020_ops_events.sql \
    "$n" "$batch")
http_rate=${rates% *}
direct_rate=${rates#* }
rss_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from platform_events").fetchone()[0])' "$dir/serve.db")
[ "$stored" -eq "$n" ] || { echo "bench/ingest.sh: $stored rows stored, want $n" >&2; exit 1; }
ratio=$(python3 -c "print('%.2f' % ($http_rate / $direct_rate))")
echo "ingest: $n events in batches of $batch"
echo "  http (POST /v1/platform/events, SQLite): $http_rate events/s"
echo "  direct SQLite insert, one tx per batch:  $direct_rate events/s"
echo "  ratio http/direct: $ratio (target >= 0.5)"
echo "  server peak RSS: $((rss_kb / 1024)) MiB"
