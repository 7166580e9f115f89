#!/bin/sh
# Builds the libFuzzer targets under tests/fuzz with clang and runs each.
#   fuzz.sh check      every target briefly (make check; about a minute in all)
#   fuzz.sh run N      every target for N seconds (make fuzz SECONDS=N)
set -eu
mode=${1:-check}
secs=${2:-60}
dir=build-fuzz
targets=$(ls tests/fuzz/fuzz_*.c 2>/dev/null | sed 's#.*/fuzz_##; s#\.c$##' || true)
[ -n "$targets" ] || exit 0
if [ ! -f $dir/build.ninja ]; then
    CC=clang meson setup $dir --buildtype=debug -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
# Only the fuzz targets (and the library they link), not the whole project again.
ninja -C $dir $(for t in $targets; do printf 'tests/fuzz/fuzz_%s ' "$t"; done) >/dev/null
n=$(echo "$targets" | wc -w)
if [ "$mode" = check ]; then per=$((60 / n)); [ $per -lt 3 ] && per=3; else per=$secs; fi
for t in $targets; do
    corpus=$dir/corpus-$t
    mkdir -p "$corpus"
    seeds=tests/fuzz/seeds/$t
    echo "fuzz: $t for ${per}s" >&2
    if [ -d "$seeds" ]; then
        $dir/tests/fuzz/fuzz_$t -max_total_time=$per -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix=$dir/fuzz-$t- -print_final_stats=0 "$corpus" "$seeds" 2>$dir/fuzz-$t.log || { tail -50 $dir/fuzz-$t.log; echo "fuzz: $t failed; the input is $dir/fuzz-$t-*: add it as a regression fixture" >&2; exit 1; }
    else
        $dir/tests/fuzz/fuzz_$t -max_total_time=$per -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix=$dir/fuzz-$t- "$corpus" 2>$dir/fuzz-$t.log || { tail -50 $dir/fuzz-$t.log; echo "fuzz: $t failed; the input is $dir/fuzz-$t-*: add it as a regression fixture" >&2; exit 1; }
    fi
done
