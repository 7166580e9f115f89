#!/bin/sh
# bench/langid: the crawl's n-gram language identification (page/textcat_fp.c's fingerprint and
# page/textcat_model.c's classification) against libexttextcat's fp_Create and textcat_Classify, timed
# in the same run on the window cwt__langid_detect() classifies of each page bench/crawl.sh serves (the
# fixture pages). Prints ns per window and the ratios ours/libexttextcat; fails if an answer differs.
#   sh bench/langid.sh BUILD_DIR      (a release build; BENCH_LANGID_REPEAT=N, default 20)
set -eu
build=${1:-build-release}
root=$(cd "$(dirname "$0")/.." && pwd)
exe=$build/bench/langid
[ -x "$exe" ] || { echo "bench/langid.sh: build $build first" >&2; exit 1; }
# shellcheck disable=SC2046
"$exe" --repeat "${BENCH_LANGID_REPEAT:-20}" $(ls "$root"/tests/fixtures/pages/readability/*/source.html \
    "$root"/tests/fixtures/pages/exporter/*.html "$root"/tests/fixtures/sites/*/*.html | sort)
