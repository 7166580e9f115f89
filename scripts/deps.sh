#!/bin/sh
# Installs the Debian packages listed in scripts/packages.txt that are missing.
# Idempotent and silent when everything is present. Needs root (or sudo) only
# when something is missing.
set -eu
here=$(dirname "$0")
missing=""
for p in $(grep -v '^[[:space:]]*#' "$here/packages.txt" | grep -v '^[[:space:]]*$'); do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
# Debian starts nginx and postgresql as system services on install; cwtap's tests
# run their own instances on loopback, so the system ones are stopped.
for svc in nginx postgresql; do
    if command -v systemctl >/dev/null 2>&1; then $sudo systemctl stop "$svc" >/dev/null 2>&1 || true; fi
    $sudo service "$svc" stop >/dev/null 2>&1 || true
done
