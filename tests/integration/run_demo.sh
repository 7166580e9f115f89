#!/bin/sh
# Integration test of `make run` (scripts/run.sh), run in its own network namespace
# (scripts/netns-run.sh) so it cannot rot silently:
#   1. CWTAP_RUN_ONCE=1: the demo gets ready (three sites registered, proven, evaluated),
#      prints its URL and exits 0 with everything it started stopped;
#   2. the foreground mode: while it runs, the URL answers (/healthz, the dashboard or the
#      error envelope at /), the demo login works, the three sites are verified by the three
#      proofs and each has an evaluation; a Ctrl-C (SIGINT to its whole process group, as a
#      terminal sends it) stops serve, worker, nginx and dnsmasq, and it exits 0.
set -eu
root=${CWTAP_SOURCE_ROOT:?}
tmp=$(mktemp -d /tmp/cwtap-itest-run-XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    for f in "$tmp"/*.err "$tmp"/var/log/*.log; do [ -f "$f" ] && { echo "== $f" >&2; tail -20 "$f" >&2; }; done
    exit 1
}
# The ports of the demo, from its output: the API's and the fixture servers'.
ports() { # OUT ERR
    sed -n 's#^cwtap is running: open http://127.0.0.1:\([0-9]*\)/$#\1#p' "$1"
    sed -n 's#^run: fixture sites on 127.0.0.1 (http \([0-9]*\), https \([0-9]*\), dns \([0-9]*\))$#\1 \2 \3#p' "$2"
}
assert_closed() { # PORTS...: nothing listens on them any more (TCP or UDP)
    for p in "$@"; do
        if ss -Htlnu "sport = :$p" | grep -q .; then fail "port $p still open after the demo stopped"; fi
    done
}

# 1. One-shot mode.
CWTAP_VAR=$tmp/var1 CWTAP_RUN_ONCE=1 sh "$root/scripts/run.sh" > "$tmp/once.out" 2> "$tmp/once.err" ||
    fail "CWTAP_RUN_ONCE=1 scripts/run.sh exited with $?"
grep -q '^cwtap is running: open http://127.0.0.1:[0-9]*/$' "$tmp/once.out" || fail "no URL printed"
grep -q '^  demo login: ' "$tmp/once.out" || fail "no demo login printed"
grep -q 'Ningbo Valves' "$tmp/once.out" || fail "the audit reports are not printed"
[ "$(grep -c '^run: evaluated ' "$tmp/once.err")" = 3 ] || fail "not three evaluations reported"
# shellcheck disable=SC2046
assert_closed $(ports "$tmp/once.out" "$tmp/once.err")

# 2. Foreground mode, stopped by Ctrl-C. It runs in a process group of its own, with SIGINT
# not ignored (a job started with & by a script ignores it, and sh cannot trap it then).
CWTAP_VAR=$tmp/var CWTAP_RUN_PORT=8180 python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
open(sys.argv[1], "w").write(str(os.getpgrp()))
os.execvp(sys.argv[2], sys.argv[2:])' "$tmp/pgid" sh "$root/scripts/run.sh" > "$tmp/fg.out" 2> "$tmp/fg.err" &
pid=$!
i=0
until grep -q '^cwtap is running' "$tmp/fg.out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "scripts/run.sh exited before it was ready"
    [ $i -lt 600 ] || fail "scripts/run.sh not ready after 10 minutes"
    sleep 1; i=$((i + 1))
done
url=$(sed -n 's#^cwtap is running: open \(.*\)$#\1#p' "$tmp/fg.out")
email=$(sed -n 's#^  demo login: \(.*\) / .*$#\1#p' "$tmp/fg.out")
password=$(sed -n 's#^  demo login: .* / \(.*\)$#\1#p' "$tmp/fg.out")
[ "$(curl -s -o /dev/null -w '%{http_code}' "${url}healthz")" = 200 ] || fail "${url}healthz does not answer 200"
code=$(curl -s -o "$tmp/home" -w '%{http_code}' "$url")
if [ -f "$root/web/dashboard/index.html" ]; then
    [ "$code" = 200 ] || fail "$url answers $code, not the dashboard"
else
    [ "$code" = 404 ] && jq -e .error.code "$tmp/home" >/dev/null || fail "$url answers $code without the error envelope"
fi
jar=$tmp/jar
code=$(curl -s -c "$jar" -o "$tmp/login" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"password\":\"$password\"}" "${url}v1/login")
[ "$code" = 200 ] || fail "the demo login answers $code: $(cat "$tmp/login")"
curl -sf -b "$jar" "${url}v1/sites" > "$tmp/sites" || fail "GET /v1/sites failed"
[ "$(jq '.items | length' "$tmp/sites")" = 3 ] || fail "not three demo sites: $(cat "$tmp/sites")"
[ "$(jq -r '[.items[].verify_method] | sort | join(",")' "$tmp/sites")" = "dns,meta,well-known" ] ||
    fail "the sites are not proven by dns, meta and well-known: $(cat "$tmp/sites")"
# Nothing left the machine: no probe of the third-party chat hosts the fixture sites link to.
probes=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM service_probes").fetchone()[0])' "$tmp/var/cwtap.db") || fail "cannot read the demo database"
[ "$probes" = 0 ] || fail "the worker probed $probes third-party channel(s)"
for id in $(jq -r '.items[].id' "$tmp/sites"); do
    curl -sf -b "$jar" "${url}v1/sites/$id/evaluations" > "$tmp/evals" || fail "GET evaluations of $id failed"
    jq -e '.items | length > 0 and (.[0].total | type) == "number" and (.[0].grade | type) == "string"' \
        "$tmp/evals" >/dev/null || fail "site $id has no evaluation: $(cat "$tmp/evals")"
done
python3 -c 'import os, signal, sys; os.killpg(int(sys.argv[1]), signal.SIGINT)' "$(cat "$tmp/pgid")"
st=0
wait "$pid" || st=$?
pid=
[ "$st" = 0 ] || fail "scripts/run.sh exited with $st on Ctrl-C"
grep -q '^run: stopping$' "$tmp/fg.err" || fail "scripts/run.sh did not take the Ctrl-C"
if grep -q 'exited with .* on SIGTERM' "$tmp/fg.err"; then fail "serve or worker did not stop cleanly"; fi
grep -q 'cwtap serve: stopping' "$tmp/var/log/serve.log" || fail "cwtap serve did not stop gracefully"
# shellcheck disable=SC2046
assert_closed $(ports "$tmp/fg.out" "$tmp/fg.err")
echo "ok: make run gets ready, answers, evaluates the three demo sites and stops cleanly"
