#!/bin/sh
# bench/badge: the live, domain-checked badge (GET /v1/badge/{site} with an Origin header, from
# `cwtap serve`) against nginx serving the same bytes as a static file, same machine, same run,
# wrk with 64 connections. Prints requests/s and p99 latency of both and the ratio (target >= 1.0).
#   sh bench/badge.sh BUILD_DIR        (BENCH_SECONDS=N per run, default 10; loopback only)
set -eu
build=${1:-build-release}
secs=${BENCH_SECONDS:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
cwtap="$build/src/cli/cwtap"
[ -x "$cwtap" ] || { echo "badge: no $cwtap (build first)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "badge: wrk is not installed" >&2; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
T=$(mktemp -d)
chmod 755 "$T" # nginx workers run as nobody when started by root
spid=""
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM
cores=$(nproc)

"$cwtap" serve --listen 127.0.0.1:0 --db "sqlite:$T/cwtap.db" --port-file "$T/port" --no-access-log \
    --pwhash-cost min --threads "$cores" --rate-ip 1000000000/1000000000 \
    --rate-badge 1000000000/1000000000 2>"$T/serve.log" &
spid=$!
i=0
while [ ! -s "$T/port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { cat "$T/serve.log" >&2; exit 1; }; sleep 0.1
done
port=$(cat "$T/port")
sqlite3 "$T/cwtap.db" < "$root/tests/fixtures/badge/seed.sql"
origin="http://www.ningbo-valves.example"
url="http://127.0.0.1:$port/v1/badge/site_ningbo"
i=0
until curl -fs -H "Origin: $origin" "$url" | grep -q '"verified_for_origin":true'; do
    i=$((i + 1)); [ $i -gt 50 ] && { echo "badge: the server never showed the seeded mark" >&2; exit 1; }; sleep 0.2
done

# nginx serves the very bytes the server sends, as a static file under the same path.
mkdir -p "$T/www/v1/badge" "$T/logs"
chmod -R a+rX "$T/www"
curl -fs -H "Origin: $origin" "$url" > "$T/www/v1/badge/site_ningbo"
chmod a+r "$T/www/v1/badge/site_ningbo"
nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$T/nginx.conf" <<CONF
worker_processes $cores;
pid $T/nginx.pid;
error_log $T/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $T/body; proxy_temp_path $T/proxy; fastcgi_temp_path $T/fcgi;
    uwsgi_temp_path $T/uwsgi; scgi_temp_path $T/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nport;
        root $T/www;
        default_type application/json;
        location / { add_header Cache-Control "public, max-age=60"; add_header Vary "Origin"; }
    }
}
CONF
"$nginx" -p "$T" -c "$T/nginx.conf" 2>>"$T/logs/error.log"
i=0
until curl -fs "http://127.0.0.1:$nport/v1/badge/site_ningbo" >/dev/null; do
    i=$((i + 1)); [ $i -gt 50 ] && { tail -5 "$T/logs/error.log" >&2; exit 1; }; sleep 0.1
done

# wrk's output: "Requests/sec: N" and the latency distribution's "99% X".
run() {
    wrk -t2 -c64 -d"${secs}s" --latency -H "Origin: $origin" "$1" > "$T/wrk.out" 2>&1
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$T/wrk.out")
    p99=$(awk '$1 == "99%" {print $2}' "$T/wrk.out")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$T/wrk.out")
    [ -n "$non2xx" ] && { echo "badge: $non2xx non-2xx answers from $1" >&2; cat "$T/wrk.out" >&2; exit 1; }
    echo "$rps $p99"
}
curl -fs -H "Origin: $origin" "$url" > /dev/null
# Rounds alternate nginx and cwtap so load from elsewhere on the machine falls on both alike.
rounds=${BENCH_ROUNDS:-2}
printf 'badge: wrk -t2 -c64 -d%ss x %s rounds, %s cores, body %s bytes, load %s\n' "$secs" "$rounds" "$cores" \
    "$(wc -c < "$T/www/v1/badge/site_ningbo")" "$(cut -d' ' -f1 /proc/loadavg)"
n_sum=0 c_sum=0 r=1
while [ $r -le "$rounds" ]; do
    set -- $(run "http://127.0.0.1:$nport/v1/badge/site_ningbo")
    n_rps=$1 n_p99=$2
    set -- $(run "$url")
    c_rps=$1 c_p99=$2
    printf '  round %s: nginx static file %9.0f req/s  p99 %-8s  cwtap /v1/badge %9.0f req/s  p99 %s\n' \
        "$r" "$n_rps" "$n_p99" "$c_rps" "$c_p99"
    n_sum=$(awk -v a="$n_sum" -v b="$n_rps" 'BEGIN { print a + b }')
    c_sum=$(awk -v a="$c_sum" -v b="$c_rps" 'BEGIN { print a + b }')
    r=$((r + 1))
done
awk -v c="$c_sum" -v n="$n_sum" -v k="$rounds" 'BEGIN {
    printf "  mean: nginx %.0f req/s, cwtap %.0f req/s\n  ratio cwtap/nginx %.2f (target >= 1.00)\n", n / k, c / k, c / n }'
