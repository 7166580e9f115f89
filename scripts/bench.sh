#!/bin/sh
# make bench: runs every benchmark under bench/ against the release build in $1.
set -eu
build=${1:-build-release}
for b in bench/*.sh; do
    [ -f "$b" ] || continue
    echo "== $b" >&2
    sh "$b" "$build"
done
