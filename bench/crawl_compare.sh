#!/bin/sh
# bench/crawl_compare.sh: did a change to the crawl, the page layer or the signals change any audit
# result? Runs bench/crawl.sh with two builds (e.g. main's and a branch's, each a release build in
# its own tree) and diffs their normalised audit reports; every speed change of issue 3 had to
# print "difflines 0".
# usage: sh bench/crawl_compare.sh BASE_TREE BASE_BUILD NEW_TREE NEW_BUILD [SITES]
# Runs bench/crawl.sh (BENCH_CRAWL_SITES=SITES, default 40) with each tree's release build, normalises
# the audit reports (ports, temp dir, timing fields, the TLS signal whose days-to-expiry moves) and
# diffs them. Audit results must be IDENTICAL: "difflines 0". Also prints each run's ratio line.
set -u
n=${5:-40}
run() {
  out=$(cd "$1" && BENCH_CRAWL_KEEP=1 BENCH_CRAWL_SITES=$n sh bench/crawl.sh "$2" 2>&1)
  echo "$out" | grep -E 'ratio|cwtap audit:' | sed "s|^|$1: |"
  d=$(echo "$out" | grep -o '/tmp/cwtap-bench-crawl\.[A-Za-z0-9]*' | tail -1)
  port=$(head -1 $d/urls.txt | sed 's/.*:\([0-9]*\)\/$/\1/')
  jq -S 'walk(if type == "object" then del(.ms) else . end) | map({host, crawl, signals: (.signals | map(select(.id != "tls")))})' $d/report.json | sed "s/:$port\b/:PORT/g; s/$(basename $d)/TMP/g" > $3
  rm -rf "$d"
}
t=$(mktemp -d)
run "$1" "$2" $t/base.json
run "$3" "$4" $t/new.json
diff $t/base.json $t/new.json | head -60
echo "difflines $(diff $t/base.json $t/new.json | wc -l)"
rm -rf "$t"
