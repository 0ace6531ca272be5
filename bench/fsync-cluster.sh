#!/usr/bin/env bash
# Run a benchmark on a production-like throwaway cluster: PostgreSQL from the
# local binaries, fsync / synchronous_commit / full_page_writes ON (unlike the
# test harness's cluster), listening on a unix socket only, removed afterwards.
# The machine's own server (127.0.0.1:5432) is never used.
#
#   bench/fsync-cluster.sh cargo run --release -p tests --bin bench-create -- 200 4
set -euo pipefail
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
dir=$(mktemp -d /tmp/rsm-bench-XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
cleanup() { as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
  "-c listen_addresses='' -k $dir -p $port -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=300" \
  start >/dev/null
echo "fsync-on cluster: $dir (PostgreSQL $("$bin/postgres" --version | awk '{print $3}'))"
TEST_DATABASE_URL="postgres://postgres@localhost:$port/postgres?host=$dir" "$@"
