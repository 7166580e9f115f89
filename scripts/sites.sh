#!/bin/sh
# Serves the fixture sites (tests/fixtures/sites) over HTTP and HTTPS with a real nginx on
# 127.0.0.1, with a test CA and per-site certificates made here with openssl.
#   sites.sh start DIR HTTP_PORT HTTPS_PORT [DNS_PORT]
#                                   set up DIR, start nginx (pid in DIR/nginx.pid) and, given a port,
#                                   dnsmasq on 127.0.0.1 (MX and TXT records of the fixture sites)
#   sites.sh dns DIR DNS_PORT       restart dnsmasq, adding the TXT records listed in DIR/txt-records
#                                   (lines NAME,VALUE: ownership proofs made after start)
#   sites.sh stop DIR               stop nginx and dnsmasq
# After start, DIR/ca.pem is the CA to trust and DIR/resolve lists the --resolve arguments.
set -eu
cmd=$1
dir=$2
src=$(cd "$(dirname "$0")/.." && pwd)/tests/fixtures/sites
sites="ningbo-valves shenzhen-gadgets cheap-brand-outlet"
dirs="$sites rdap"

# dnsmasq on 127.0.0.1:$1, answering only for the fixture names (no upstream, no /etc/hosts).
start_dns() {
    set -- --port="$1" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --user=root \
        --pid-file="$dir/dnsmasq.pid" --log-facility="$dir/logs/dnsmasq.log" \
        --mx-host=ningbo-valves.example,mail.ningbo-valves.example,10 \
        --address=/mail.ningbo-valves.example/127.0.0.1 \
        --txt-record=_cwtap.ningbo-valves.example,cwtap-site-verification=demo
    if [ -f "$dir/txt-records" ]; then
        while IFS= read -r rec; do
            [ -n "$rec" ] && set -- "$@" --txt-record="$rec"
        done < "$dir/txt-records"
    fi
    dnsmasq "$@"
}

stop_dns() {
    if [ -f "$dir/dnsmasq.pid" ]; then
        pid=$(cat "$dir/dnsmasq.pid")
        kill "$pid" 2>/dev/null || true
        i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        rm -f "$dir/dnsmasq.pid"
    fi
}

if [ "$cmd" = dns ]; then
    stop_dns
    start_dns "$3"
    exit 0
fi

if [ "$cmd" = stop ]; then
    stop_dns
    if [ -f "$dir/nginx.pid" ]; then
        kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
        i=0; while [ -f "$dir/nginx.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    fi
    exit 0
fi

http=$3
https=$4
dns=${5:-}
mkdir -p "$dir/certs" "$dir/logs" "$dir/root"
cd "$dir/certs"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
    -subj '/O=cwtap test CA/CN=cwtap Test Root' -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1
mkdir -p db && : > db/index.txt && echo 1000 > db/serial
cat > ca.cnf <<CNF
[ca]
default_ca = c
[c]
database = db/index.txt
serial = db/serial
new_certs_dir = db
default_md = sha256
policy = p
unique_subject = no
copy_extensions = copy
[p]
commonName = supplied
organizationName = optional
countryName = optional
CNF
day() { date -u -d "$1 days" +%Y%m%d%H%M%SZ; }
issue() { # name host subject from_days to_days
    openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$3" \
        -addext "subjectAltName=DNS:www.$2,DNS:$2" >/dev/null 2>&1
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$1.csr" -out "$1.pem" \
        -startdate "$(day "$4")" -enddate "$(day "$5")" -notext >/dev/null 2>&1
}
issue ningbo-valves ningbo-valves.example "/C=CN/O=Ningbo Valves Co., Ltd./CN=www.ningbo-valves.example" -30 335
issue shenzhen-gadgets shenzhen-gadgets.example "/CN=www.shenzhen-gadgets.example" -80 10
issue cheap-brand-outlet cheap-brand-outlet.example "/CN=www.cheap-brand-outlet.example" -400 -35
cp ca.pem "$dir/ca.pem"
cd "$dir"
for s in $dirs; do rm -rf "root/$s"; cp -R "$src/$s" "root/$s"; done
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat > root/ningbo-valves/capacity.json <<JSON
{"@context":"https://schema.org","@type":"Dataset","name":"Live production capacity","dateModified":"$now",
 "lines":[{"line":"ball valves","output_today":1630,"capacity_per_day":2000,"updated":"$now"},
          {"line":"gate valves","output_today":410,"capacity_per_day":600,"updated":"$now"}]}
JSON
sed -e "s#@HTTP_PORT@#$http#g; s#@HTTPS_PORT@#$https#g; s#@ROOT@#$dir/root#g; s#@CERTS@#$dir/certs#g" \
    "$src/sites.conf" > servers.conf
cat > nginx.conf <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
user root;
events { worker_connections 512; }
http {
    access_log $dir/logs/access.log;
    client_body_temp_path $dir/tmp_body; proxy_temp_path $dir/tmp_proxy; fastcgi_temp_path $dir/tmp_fcgi;
    uwsgi_temp_path $dir/tmp_uwsgi; scgi_temp_path $dir/tmp_scgi;
    types { text/html html htm; text/plain txt; application/json json; application/xml xml;
            application/pdf pdf; video/mp4 mp4; image/jpeg jpg; image/png png; }
    default_type application/octet-stream;
    gzip on;
    include $dir/servers.conf;
}
CONF
nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
i=0; while [ ! -f "$dir/nginx.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
: > resolve
for s in $sites; do
    for h in "www.$s.example" "$s.example"; do
        printf -- '--resolve %s:%s:127.0.0.1 --resolve %s:%s:127.0.0.1 ' "$h" "$https" "$h" "$http" >> resolve
    done
done
printf -- '--resolve rdap.cwtap.test:%s:127.0.0.1 ' "$http" >> resolve
printf -- '--resolve old-gadgets.example:%s:127.0.0.1 ' "$http" >> resolve
echo "http://rdap.cwtap.test:$http/" > rdap-base
# A DNS server on loopback for the MX and TXT look-ups (only when a port is given).
if [ -n "$dns" ]; then
    start_dns "$dns"
    echo "127.0.0.1:$dns" > dns-server
fi
