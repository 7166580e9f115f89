#!/bin/sh
# A throwaway PostgreSQL 15 cluster for tests, on 127.0.0.1 only, trust auth.
#   pg.sh start [DIR]   initdb in DIR (default: a new temp dir), start it on a free high
#                       port, create database "cwtap_test"; prints the conninfo on stdout
#                       and remembers DIR in $CWTAP_PG_STATE (default build-pg.state).
#                       The conninfo names the Unix socket in DIR (same port): integration
#                       tests run in their own network namespace (scripts/netns-run.sh),
#                       where 127.0.0.1 is another loopback but the socket file is reachable.
#   pg.sh stop          stop the cluster and remove its directory
# PostgreSQL refuses to run as root: when root, the cluster runs as user "postgres"
# (Debian's package creates it) and the directory is owned by it.
set -eu
state=${CWTAP_PG_STATE:-$PWD/build-pg.state}
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bindir/initdb" ] || { echo "pg.sh: no PostgreSQL server binaries (postgresql package)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case ${1:-} in
start)
    dir=${2:-$(mktemp -d /tmp/cwtap-pg.XXXXXX)}
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 755 "$dir"   # the socket lives here; data/ itself is 0700
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U cwtap -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U cwtap cwtap_test
    printf '%s\n' "$dir" >"$state"
    echo "postgresql://cwtap@/cwtap_test?host=$dir&port=$port"
    ;;
stop)
    [ -f "$state" ] || exit 0
    dir=$(cat "$state")
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir" "$state"
    ;;
*)
    echo "usage: pg.sh start [DIR] | stop" >&2; exit 2 ;;
esac
