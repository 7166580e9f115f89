#!/bin/sh
# make run: the main job. Serves the three fixture sites (a strong exporter, a weak one and a
# scam-like shop) with nginx on 127.0.0.1 under their own names, audits them with cwtap, and
# prints the reports. Nothing leaves this machine: names are pinned with --resolve, the
# registration data comes from a local RDAP server.
set -eu
build=${1:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
cwtap="$root/$build/src/cli/cwtap"
free_port() {
    p=$1
    while ss -Htln "sport = :$p" 2>/dev/null | grep -q .; do p=$((p + 1)); done
    echo "$p"
}
http=$(free_port 18080)
https=$(free_port $((http + 1)))
dns=$(free_port $((https + 1)))
dir=$(mktemp -d /tmp/cwtap-run-XXXXXX)
trap 'sh "$root/scripts/sites.sh" stop "$dir"; rm -rf "$dir"' EXIT INT TERM
sh "$root/scripts/sites.sh" start "$dir" "$http" "$https" "$dns"
echo "run: fixture sites on 127.0.0.1 (http $http, https $https)" >&2
# shellcheck disable=SC2046
set -- $(cat "$dir/resolve")
status=0
"$cwtap" audit --allow-private --ca-file "$dir/ca.pem" --rdap-base "$(cat "$dir/rdap-base")" \
    --dns-server "$(cat "$dir/dns-server")" "$@" \
    --http-port "$http" --jobs 3 \
    "https://www.ningbo-valves.example:$https/" \
    "https://www.shenzhen-gadgets.example:$https/" \
    "https://www.cheap-brand-outlet.example:$https/" || status=$?
echo "run: cwtap audit exited with $status (1 = a site below --fail-under, 3 = unreachable)" >&2
