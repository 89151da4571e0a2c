#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One `mpctl serve` replica on PostgreSQL against the same on LMDB, in one
# run on one machine: tokens/s over HTTP with keep-alive (the server pinned
# to core 0 with one worker thread, wrk on core 1, PostgreSQL unpinned),
# for RS256 and ES256 server keys; then, on PostgreSQL, the statements per
# token (transactions committed per token: every statement commits on its
# own) and the capacity of the replay insert alone (pgbench, the same
# INSERT ... ON CONFLICT, 4 connections).
# Runs itself beside a throwaway cluster (scripts/with-postgres), whose fsync
# is off as for the tests; MPCTL_BENCH_DURABLE=1 turns it on (with the
# default synchronous_commit), as a real database runs.
# Usage: bench/run_pg_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS] [THREADS]
#   THREADS: the server's worker threads, all on core 0 (default 1; with 2,
#   one signs while the other waits for the database).
set -euo pipefail
if [ -z "${MPCTL_TEST_PG:-}" ]; then
  [ "${MPCTL_BENCH_DURABLE:-}" = 1 ] && export MPCTL_PG_FSYNC=on
  exec "$(dirname "$0")/../scripts/with-postgres" "$0" "$@"
fi
build=$(cd "${1:-build}" && pwd)
secs=${2:-7}
conns=${3:-16}
threads=${4:-1}
# shellcheck source=bench/serve_lib.sh
. "$(dirname "$0")/serve_lib.sh"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
lmdb_dir=$work/db
export MPCTL_KEY_SECRET=bench-key-encryption-secret-0123456789abcdef

commits() {
  psql "$MPCTL_TEST_PG" -tAc "SELECT xact_commit FROM pg_stat_database WHERE datname = 'mpctl'"
}

durability=$(psql "$MPCTL_TEST_PG" -tAc \
  "SELECT 'fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit')")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
echo "PostgreSQL: $("$pgbin/postgres" --version), a local cluster on a Unix socket, $durability"
echo "mpctl serve: $threads worker thread(s) on core 0; wrk on core 1, $conns connections"
for alg in RS256 ES256; do
  for backend in lmdb postgresql; do
    if [ "$backend" = lmdb ]; then
      export MPCTL_DB=$lmdb_dir
      unset MPCTL_DB_SCHEMA
    else
      export MPCTL_DB=$MPCTL_TEST_PG MPCTL_DB_SCHEMA=bench_${alg,,}
    fi
    setup_store "$alg"
    start_server
    before=$(commits)
    if [ "$alg" = RS256 ]; then bound=4000; else bound=15000; fi
    rate=$(throughput "$alg-$backend" "$bound")
    after=$(commits)
    tokens=$(awk '/requests in/ {print $1}' "$work/wrk-$alg-$backend.txt")
    non200=$(awk '/Non-2xx/ {print $NF}' "$work/wrk-$alg-$backend.txt")
    printf '%s server key, %-10s %8.0f tokens/s' "$alg" "$backend:" "$rate"
    if [ "$backend" = postgresql ]; then
      awk -v r="$rate" -v l="$lmdb_rate" -v c=$((after - before)) -v t="$tokens" 'BEGIN {
        printf "  (%.2f of LMDB; %.2f statements per token)", r / l, c / t }'
    else
      lmdb_rate=$rate
    fi
    echo "${non200:+  non-2xx: $non200}"
    stop_server
  done
done

# The replay insert alone: what one PostgreSQL primary takes.
cat >"$work/insert.sql" <<'SQL'
INSERT INTO bench_rs256.used_grants AS u (k, expires)
  VALUES (md5(random()::text || clock_timestamp()::text), 2000000000)
  ON CONFLICT (k) DO UPDATE SET expires = EXCLUDED.expires WHERE u.expires < 0;
SQL
host=$(sed -E 's/.*host=([^&]*).*/\1/' <<<"$MPCTL_TEST_PG")
rate=$("$pgbin/pgbench" -n -h "$host" -U mpctl -c 4 -j 1 -T "$secs" -f "$work/insert.sql" mpctl \
  2>/dev/null | awk '/^tps/ {print $3}')
printf 'replay INSERT alone (pgbench, 4 connections, on these 2 cores): %.0f inserts/s\n' "$rate"
