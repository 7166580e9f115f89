#!/bin/sh
# bench/crawl (issue 3): ~200 generated sites of 10 pages each (the pages are the fixture pages of
# tests/fixtures, real pages of 2 KB to 460 KB, each with a navigation block to the site's
# due-diligence pages), served over HTTPS (HTTP/2, a test CA) by nginx on 127.0.0.1, audited with
# `cwtap audit --jobs 8` (registry look-ups off: nothing leaves 127.0.0.1). Baseline in the same run:
# bench/xml_parse, libxml2's HTML parse alone of exactly the HTML responses nginx sent (its access
# log; three runs, the median counts). Prints sites/s, pages/s, cwtap CPU ms per page, the baseline's, their ratio (target <= 1.5)
# and cwtap's peak RSS.
#   sh bench/crawl.sh BUILD_DIR      (a release build; BENCH_CRAWL_SITES=N, default 200; BENCH_CRAWL_JOBS=N, default 8)
# BENCH_CRAWL_SYSTEM_CA=1 audits without --ca-file, with the system trust store as an agency's run
# does (every site's certificate is then untrusted; the CPU of loading trust stores is what it shows).
# BENCH_CRAWL_GZIP_STATIC=0: nginx compresses the pages on the fly (see below).
# BENCH_CRAWL_RUNS=N: audits and baseline runs, alternated (default 3; the medians count).
# To profile: BENCH_CRAWL_RUNS=1 BENCH_CRAWL_WRAP='perf record -g -o /tmp/crawl.perf' (the times then include perf's);
# BENCH_CRAWL_KEEP=1 keeps the temporary directory.
set -eu
# In a network namespace of its own (loopback only: nothing can leave) and a mount namespace where
# /etc/hosts names every site at 127.0.0.1, so that cwtap resolves them as it would real names (400
# --resolve entries would be re-read by libcurl on every transfer and distort the CPU measured).
if [ -z "${CWTAP_BENCH_NS:-}" ] && unshare -n -m true 2>/dev/null; then
    exec unshare -n -m sh -c 'ip link set lo up; CWTAP_BENCH_NS=1 exec sh "$0" "$@"' "$0" "$@"
fi
build=${1:-build-release}
nsites=${BENCH_CRAWL_SITES:-200}
jobs=${BENCH_CRAWL_JOBS:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
cwtap=$build/src/cli/cwtap
base=$build/bench/xml_parse
[ -x "$cwtap" ] && [ -x "$base" ] || { echo "bench/crawl.sh: build $build first" >&2; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
T=$(mktemp -d /tmp/cwtap-bench-crawl.XXXXXX)
chmod 755 "$T"
cleanup() {
    [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
    [ -n "${BENCH_CRAWL_KEEP:-}" ] && echo "bench/crawl.sh: kept $T" >&2 || rm -rf "$T"
}
trap cleanup EXIT INT TERM
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
https=$(freeport)
http=$(freeport)

# The sites: site001.example ... with index, contact, about, privacy, terms, returns, products,
# certificates, factory and reports pages, a robots.txt and a sitemap.xml.
mkdir -p "$T/www" "$T/common" "$T/logs" "$T/certs"
python3 - "$root" "$T" "$nsites" "$https" <<'PY'
import glob, os, random, sys
root, out, n, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
pool = sorted(glob.glob(root + "/tests/fixtures/pages/readability/*/source.html") +
              glob.glob(root + "/tests/fixtures/pages/exporter/*.html") +
              glob.glob(root + "/tests/fixtures/sites/*/*.html"))
pages = [("index", "Home"), ("contact", "Contact us"), ("about", "About us"), ("privacy", "Privacy policy"),
         ("terms", "Terms and conditions"), ("returns", "Returns and refunds"), ("products", "Products"),
         ("certificates", "Certificates"), ("factory", "Factory tour"), ("reports", "Test reports")]
nav = b"<nav>" + b" ".join(b'<a href="/%s.html">%s</a>' % (p.encode(), t.encode()) for p, t in pages) + b"</nav>"
rng = random.Random(3)
body = {p: open(p, "rb").read() for p in pool}
for i in range(1, n + 1):
    host = "site%03d.example" % i
    d = os.path.join(out, "www", host)
    os.makedirs(d)
    for name, _ in pages:
        html = body[rng.choice(pool)]
        k = html.lower().find(b"<body")
        k = html.find(b">", k) + 1 if k >= 0 else 0
        with open(os.path.join(d, name + ".html"), "wb") as f:
            f.write(html[:k] + nav + html[k:])
    with open(os.path.join(d, "robots.txt"), "w") as f:
        f.write("User-agent: *\nAllow: /\n")
    with open(os.path.join(d, "sitemap.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
        for name, _ in pages:
            f.write("<url><loc>https://%s:%s/%s.html</loc></url>\n" % (host, port, name))
        f.write("</urlset>\n")
    print("https://%s:%s/" % (host, port), file=open(os.path.join(out, "urls.txt"), "a"))
with open(os.path.join(out, "common", "404.html"), "w") as f:
    f.write("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n")
PY

# A certificate per site, as real sites have (its name alone in subjectAltName), from a test CA as
# scripts/sites.sh does; nginx picks it by the SNI name. BENCH_CRAWL_ONE_CERT=1 serves one certificate
# naming every site instead (200 SANs: each handshake then decodes and checks them all; the bench did
# this until 2026-12-06).
cd "$T/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 30 \
    -subj '/CN=cwtap bench CA' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
    >/dev/null 2>&1
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout site.key -out site.csr \
    -subj '/CN=cwtap bench sites' >/dev/null 2>&1
mkdir by-name
if [ -n "${BENCH_CRAWL_ONE_CERT:-}" ]; then
    san=$(awk -F/ '{ split($3, h, ":"); printf "%sDNS:%s", (NR > 1 ? "," : ""), h[1] }' "$T/urls.txt")
    printf 'subjectAltName=%s\n' "$san" > ext.cnf
    openssl x509 -req -in site.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile ext.cnf -out site.pem \
        >/dev/null 2>&1
    awk -F/ '{ split($3, h, ":"); print h[1] }' "$T/urls.txt" | while read -r h; do ln -s ../site.pem "by-name/$h.pem"; done
else
    awk -F/ '{ split($3, h, ":"); print h[1] }' "$T/urls.txt" | while read -r h; do
        printf 'subjectAltName=DNS:%s\n' "$h" > ext.cnf
        openssl x509 -req -in site.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile ext.cnf \
            -subj "/CN=$h" -out "by-name/$h.pem" >/dev/null 2>&1
    done
fi
cd - >/dev/null
chmod -R a+rX "$T/www" "$T/common" "$T/certs" # nginx workers read the certificates at each handshake

# nginx serves the pages gzip-compressed as it compresses on the fly (gzip on, level 1), but from files
# compressed beforehand (gzip -1, gzip_static): compressing 120 MB on the fly took one of the machine's
# two cores from the audit while it ran (nginx was the wall time's bottleneck) and slowed the audit's
# own CPU time with it. The audit receives the same gzip responses either way. BENCH_CRAWL_GZIP_STATIC=0:
# on the fly, as before 2026-12-06's third round.
gzip_static=off
if [ "${BENCH_CRAWL_GZIP_STATIC:-1}" != 0 ]; then
    gzip_static=on
    find "$T/www" "$T/common" -name '*.html' -exec gzip -1 -k {} +
fi
cat > "$T/nginx.conf" <<CONF
worker_processes 1;
pid $T/nginx.pid;
error_log $T/logs/error.log warn;
events { worker_connections 1024; }
http {
    log_format bench '\$status \$sent_http_content_type \$document_root\$uri';
    access_log $T/logs/access.log bench;
    client_body_temp_path $T/body; proxy_temp_path $T/proxy; fastcgi_temp_path $T/fcgi;
    uwsgi_temp_path $T/uwsgi; scgi_temp_path $T/scgi;
    types { text/html html; text/plain txt; application/xml xml; }
    gzip on;
    gzip_static $gzip_static;
    server {
        listen 127.0.0.1:$https ssl http2;
        server_name ~^(?<site>[a-z0-9.-]+)\$;
        ssl_certificate $T/certs/by-name/\$ssl_server_name.pem;
        ssl_certificate_key $T/certs/site.key;
        root $T/www/\$site;
        index index.html;
        error_page 404 /404.html;
        location = /404.html { root $T/common; }
    }
    server {
        listen 127.0.0.1:$http;
        return 301 https://\$host:$https\$request_uri;
    }
}
CONF
"$nginx" -p "$T" -c "$T/nginx.conf" -e "$T/logs/error.log"
i=0
until [ -s "$T/nginx.pid" ]; do
    i=$((i + 1)); [ $i -lt 50 ] || { cat "$T/logs/error.log" >&2; exit 1; }; sleep 0.1
done

# Every name at 127.0.0.1: in /etc/hosts inside the namespaces, else as --resolve arguments (at most
# 256, so 128 sites) for the https port and the plain-http probe's port.
: > "$T/resolve"
if [ "${CWTAP_BENCH_NS:-}" = 1 ]; then
    { cat /etc/hosts; awk -F/ '{ split($3, a, ":"); print "127.0.0.1 " a[1] }' "$T/urls.txt"; } > "$T/hosts"
    mount --bind "$T/hosts" /etc/hosts
else
    [ "$nsites" -le 128 ] || { echo "bench/crawl.sh: no namespaces here: at most 128 sites (BENCH_CRAWL_SITES)" >&2; exit 1; }
    awk -F/ -v h="$http" '{ split($3, a, ":"); print "--resolve " a[1] ":" a[2] ":127.0.0.1 --resolve " a[1] ":" h ":127.0.0.1" }' \
        "$T/urls.txt" > "$T/resolve"
fi
# cwtap's audit and the baseline alternate, BENCH_CRAWL_RUNS times each (default 3), and each side's
# median CPU counts (every run is printed): a shared machine slows a run now and then, and a slow
# spell then touches both sides alike instead of one single reading. The first audit's report and
# nginx's log of it are the ones checked and counted.
runs=${BENCH_CRAWL_RUNS:-3}
audit() { # $1: where its time goes
    : > "$T/logs/access.log"
    /usr/bin/time -f '%e %U %S %M' -o "$1" ${BENCH_CRAWL_WRAP:-} "$cwtap" audit --json --quiet --allow-private --offline-registry \
        $([ -n "${BENCH_CRAWL_SYSTEM_CA:-}" ] || echo --ca-file "$T/certs/ca.pem") --http-port "$http" --jobs "$jobs" --urls "$T/urls.txt" -o "$T/report.json" \
        $(cat "$T/resolve") 2>"$T/audit.err" || {
        rc=$?
        [ $rc -eq 1 ] || [ $rc -eq 3 ] || { echo "bench/crawl.sh: cwtap audit exited $rc" >&2; tail -5 "$T/audit.err" >&2; exit 1; }
    }
}
audit "$T/time.cwtap1"
cp "$T/report.json" "$T/report.first.json"
cp "$T/logs/access.log" "$T/access.first.log"
# The HTML responses of the https server (pages, including the 404 page), as files: the pages cwtap
# parsed. The plain-http probe's redirect lands on the home page a second time; cwtap does not parse
# that copy, so each site's index.html counts once (before 2026-12-06 it counted twice, 200 more pages
# for the baseline to parse at 200 sites, which made the ratio about 10% kinder than it was).
awk '($1 == 200 || $1 == 404) && $2 ~ /^text\/html/ && !($3 ~ /\/index\.html$/ && seen[$3]++) { print $3 }' \
    "$T/access.first.log" > "$T/pages.txt"
parsed=$(jq '[.[] | .crawl.pages[]? | select((.content_type // "") | test("^text/html"))] | length' "$T/report.first.json")
[ "$parsed" -eq "$(wc -l < "$T/pages.txt")" ] ||
    echo "bench/crawl.sh: the report lists $parsed html pages, the baseline parses $(wc -l < "$T/pages.txt")" >&2
k=1
while :; do
    /usr/bin/time -f '%e %U %S %M' -o "$T/time.base$k" "$base" < "$T/pages.txt" > "$T/base.out"
    [ "$k" -lt "$runs" ] || break
    k=$((k + 1))
    audit "$T/time.cwtap$k"
done
# each side's median run by CPU (user + sys), and every run's CPU for the record
median() { # $1: time.cwtap or time.base; writes the median run's line to $T/$1
    i=1
    while [ $i -le "$runs" ]; do awk '{ print $1, $2, $3, $4, $2 + $3 }' "$T/$1$i"; i=$((i + 1)); done > "$T/$1.all"
    sort -n -k5 "$T/$1.all" | sed -n "$(( (runs + 1) / 2 ))p" | cut -d' ' -f1-4 > "$T/$1"
    awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), $5 }' "$T/$1.all"
}
cwtap_all=$(median time.cwtap)
base_all=$(median time.base)
cp "$T/report.first.json" "$T/report.json"
cp "$T/access.first.log" "$T/logs/access.log"

requests=$(wc -l < "$T/logs/access.log")
failed=$(grep -c '"error": "' "$T/report.json" || true)
read -r c_wall c_user c_sys c_rss < "$T/time.cwtap"
read -r b_wall b_user b_sys b_rss < "$T/time.base"
read -r _ pages _ bytes < "$T/base.out"
awk -v sites="$nsites" -v pages="$pages" -v bytes="$bytes" -v req="$requests" -v jobs="$jobs" \
    -v cw="$c_wall" -v cu="$c_user" -v cs="$c_sys" -v cr="$c_rss" -v bu="$b_user" -v bs="$b_sys" \
    -v ball="$base_all" -v call="$cwtap_all" -v runs="$runs" -v gz="$([ $gzip_static = on ] && echo precompressed || echo on the fly)" -v cores="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    c = (cu + cs) * 1000 / pages; b = (bu + bs) * 1000 / pages
    printf "crawl: %d sites, %d html pages (%.1f MB), %d requests to nginx (gzip %s), cwtap audit --jobs %d, %d cores, load %s\n", sites, pages, bytes / 1e6, req, gz, jobs, cores, load
    printf "  cwtap audit: %.1f s wall, %.2f sites/s, %.1f pages/s, CPU %.2f s (user %.2f + sys %.2f; median of %d runs: %s s), %.2f ms/page, peak RSS %.1f MB\n", cw, sites / cw, pages / cw, cu + cs, cu, cs, runs, call, c, cr / 1024
    printf "  libxml2 parse only: CPU %.2f s (median of %d runs: %s s), %.2f ms/page, %.1f MB/s\n", bu + bs, runs, ball, b, bytes / 1e6 / (bu + bs)
    printf "  ratio cwtap/libxml2 CPU per page %.2f (target <= 1.50)\n", c / b }'
[ "$failed" -eq 0 ] || echo "  note: $failed report(s) mention an error (see the audit's JSON)" >&2
