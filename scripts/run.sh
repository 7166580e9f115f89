#!/bin/sh
# make run: the demo. Serves the three fixture sites (a strong exporter, a weak one and a
# scam-like shop) with nginx on 127.0.0.1 under their own names and audits them (the reports
# are printed); then starts `cwtap serve` and a `cwtap worker` on SQLite (var/cwtap.db), signs
# up a demo exporter, registers the three sites through the API, proves their ownership (a
# /.well-known/cwtap.txt file, a <meta> tag, a DNS TXT record served by dnsmasq), runs their
# first evaluations, and prints the URL to open with the demo login. It stays in the
# foreground until Ctrl-C (or SIGTERM), then stops serve, worker, nginx and dnsmasq.
# Nothing leaves this machine: names are pinned with --resolve, DNS answers come from dnsmasq
# on loopback, registration data from a local RDAP server, and the worker does not probe the
# chat channels the sites link to (wa.me, line.me: --no-probes).
#   sh scripts/run.sh [BUILD_DIR]     (default build-release; CWTAP_BIN overrides the binary)
# Environment: CWTAP_VAR (default ./var: database, logs), CWTAP_RUN_ONCE=1 (exit once ready),
# CWTAP_RUN_PORT (first port tried for the API, default 8080).
set -eu
build=${1:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
cwtap=${CWTAP_BIN:-$root/$build/src/cli/cwtap}
var=${CWTAP_VAR:-$root/var}
email=demo@cwtap.test
password='cwtap-demo-password'
free_port() {
    p=$1
    while ss -Htln "sport = :$p" 2>/dev/null | grep -q .; do p=$((p + 1)); done
    echo "$p"
}
say() { echo "run: $*" >&2; }
die() { echo "run: $*" >&2; exit 1; }
command -v jq >/dev/null || die "jq is missing (make installs it: scripts/packages.txt)"
http=$(free_port 18080)
https=$(free_port $((http + 1)))
dns=$(free_port $((https + 1)))
api=$(free_port "${CWTAP_RUN_PORT:-8080}")
dir=$(mktemp -d /tmp/cwtap-run-XXXXXX)
serve_pid=
worker_pid=
stopped=0
# Stops everything this script started, each by its own pid. serve and worker finish what they
# are doing on SIGTERM and exit 0; any other exit makes this script's status 1.
stop_all() {
    rc=$?
    [ "$stopped" = 1 ] && return 0
    stopped=1
    for p in $worker_pid $serve_pid; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $worker_pid $serve_pid; do
        st=0
        wait "$p" || st=$?
        if [ "$st" != 0 ]; then
            say "$([ "$p" = "$serve_pid" ] && echo serve || echo worker) exited with $st on SIGTERM (see $var/log/)"
            rc=1
        fi
    done
    sh "$root/scripts/sites.sh" stop "$dir"
    rm -rf "$dir"
    exit "$rc"
}
trap 'stop_all' EXIT
trap 'say "stopping"; exit 0' INT TERM
sh "$root/scripts/sites.sh" start "$dir" "$http" "$https" "$dns"
say "fixture sites on 127.0.0.1 (http $http, https $https, dns $dns)"
resolve=$(cat "$dir/resolve")
rdap=$(cat "$dir/rdap-base")
dnsserver=$(cat "$dir/dns-server")
sites="ningbo-valves shenzhen-gadgets cheap-brand-outlet"

# 1. The audit reports, as `cwtap audit` prints them.
urls=
for s in $sites; do urls="$urls https://www.$s.example:$https/"; done
status=0
# shellcheck disable=SC2086
"$cwtap" audit --allow-private --ca-file "$dir/ca.pem" --rdap-base "$rdap" --dns-server "$dnsserver" $resolve \
    --http-port "$http" --jobs 3 $urls || status=$?
say "cwtap audit exited with $status (1 = a site below --fail-under, 3 = unreachable)"

# 2. The server and a worker on a fresh demo database (a previous one is kept as cwtap.db.prev).
mkdir -p "$var/log"
if [ -f "$var/cwtap.db" ]; then
    mv "$var/cwtap.db" "$var/cwtap.db.prev"
    rm -f "$var/cwtap.db-wal" "$var/cwtap.db-shm"
fi
db="sqlite:$var/cwtap.db"
mkdir -p "$root/web/dashboard"
# shellcheck disable=SC2086
"$cwtap" serve --listen "127.0.0.1:$api" --db "$db" --port-file "$dir/api-port" --insecure-cookies \
    --static-dir "$root/web/dashboard" --openapi "$root/docs/openapi.yaml" --master-key "$var/cwtap-master.key" \
    --allow-private --ca-file "$dir/ca.pem" --dns-server "$dnsserver" $resolve 2> "$var/log/serve.log" &
serve_pid=$!
i=0
while [ ! -f "$dir/api-port" ]; do
    kill -0 "$serve_pid" 2>/dev/null || die "cwtap serve did not start: $(tail -5 "$var/log/serve.log")"
    [ $i -lt 300 ] || die "cwtap serve did not start in 30 s"
    sleep 0.1; i=$((i + 1))
done
base="http://127.0.0.1:$(cat "$dir/api-port")"
# shellcheck disable=SC2086
"$cwtap" worker --db "$db" --poll 1 --no-probes --allow-private --ca-file "$dir/ca.pem" --dns-server "$dnsserver" \
    --rdap-base "$rdap" --http-port "$http" $resolve 2> "$var/log/worker.log" &
worker_pid=$!

# 3. The demo exporter, its sites and their ownership proofs, through the API.
jar="$dir/cookies"
csrf=
api() { # METHOD PATH [JSON]: prints the reply; fails on a status >= 400
    out=$(curl -sS -b "$jar" -c "$jar" -X "$1" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
        ${3:+--data "$3"} -w '\n%{http_code}' "$base$2") || die "$1 $2: no answer"
    code=$(printf '%s' "$out" | tail -n 1)
    body=$(printf '%s' "$out" | sed '$d')
    [ "$code" -lt 400 ] || die "$1 $2 answered $code: $body"
    printf '%s\n' "$body"
}
r=$(api POST /v1/signup "{\"enterprise_name\":\"Ningbo Demo Trading Co.\",\"email\":\"$email\",\"password\":\"$password\",\"country\":\"CN\"}")
csrf=$(printf '%s' "$r" | jq -r .csrf_token)
publish() { # SITE-DIR METHOD ID TOKEN DOMAIN: the owner publishes the proof, then asks for the check
    case $2 in
    well-known)
        mkdir -p "$dir/root/$1/.well-known"
        echo "cwtap-site-verification=$4" > "$dir/root/$1/.well-known/cwtap.txt" ;;
    meta)
        sed -i "s#<head>#<head>\n<meta name=\"cwtap-site-verification\" content=\"$4\">#" "$dir/root/$1/index.html" ;;
    dns)
        echo "_cwtap.$5,cwtap-site-verification=$4" >> "$dir/txt-records"
        sh "$root/scripts/sites.sh" dns "$dir" "$dns" ;;
    esac
    v=$(api POST "/v1/sites/$3/verify" "{\"method\":\"$2\"}")
    [ "$(printf '%s' "$v" | jq -r .verified)" = true ] || die "www.$1.example not verified: $v"
}
ids=
for s in $sites; do
    case $s in ningbo-valves) m=well-known ;; shenzhen-gadgets) m=meta ;; *) m=dns ;; esac
    r=$(api POST /v1/sites "{\"domain\":\"https://www.$s.example:$https/\"}")
    id=$(printf '%s' "$r" | jq -r .id)
    publish "$s" "$m" "$id" "$(printf '%s' "$r" | jq -r .verification.dns.value | sed 's/^cwtap-site-verification=//')" \
        "$(printf '%s' "$r" | jq -r .domain)"
    say "registered www.$s.example ($id), ownership proven by $m"
    api POST "/v1/sites/$id/evaluations" >/dev/null
    ids="$ids $id"
done

# 4. The first evaluations, run by the worker.
say "waiting for the first evaluations (worker log: $var/log/worker.log)"
for id in $ids; do
    i=0
    while :; do
        r=$(api GET "/v1/sites/$id/evaluations")
        [ "$(printf '%s' "$r" | jq '.items | length')" -gt 0 ] && break
        kill -0 "$worker_pid" 2>/dev/null || die "cwtap worker stopped: $(tail -5 "$var/log/worker.log")"
        [ $i -lt 600 ] || die "no evaluation of $id after 10 minutes"
        sleep 1; i=$((i + 1))
    done
    d=$(api GET "/v1/sites/$id")
    d=$(printf '%s' "$d" | jq -r .domain)
    printf '%s' "$r" | jq -r --arg d "$d" '.items[0] | "run: evaluated \($d): \(.total) (\(.grade))"' >&2
done

echo
echo "cwtap is running: open $base/"
echo "  demo login: $email / $password"
echo "  API: $base/v1/ (OpenAPI at $base/v1/openapi.yaml); logs: $var/log/"
echo "  Ctrl-C stops the server, the worker, nginx and dnsmasq."
[ "${CWTAP_RUN_ONCE:-0}" = 1 ] && exit 0
# The foreground: until Ctrl-C, or until serve or worker stops by itself.
while kill -0 "$serve_pid" 2>/dev/null && kill -0 "$worker_pid" 2>/dev/null; do
    sleep 1 &
    wait $! || true
done
# (A Ctrl-C reaches serve and worker too: they stop gracefully and exit 0; a crash exits non-zero.)
say "cwtap serve or worker stopped; stopping the rest (logs: $var/log/)"
exit 0
