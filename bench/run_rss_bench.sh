#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Memory of `mpctl serve` over many tokens: batches of fresh grants (each
# batch signed within its 10-second iat window), wrk posting them, and the
# server's RSS after every batch. It must level off, not grow with the count.
# ES256 keys on both sides, so that a million grants sign in reasonable time.
# Usage: bench/run_rss_bench.sh [BUILD_DIR] [TOKENS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
total=${2:-1000000}
# shellcheck source=bench/serve_lib.sh
. "$(dirname "$0")/serve_lib.sh"

setup_store ES256 ec
start_server
batch=30000
run=6
issued=0
rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
echo "tokens  RSS_kB  runtime_store_kB"
echo "0  $(rss)  $(du -k "$MPCTL_DB/runtime" | cut -f1)"
while [ "$issued" -lt "$total" ]; do
  "$grants_bin" "$key" "$client" "$kid" "$issuer" bench:api "$batch" $(($(date +%s) + 9)) >"$work/grants"
  out=$(GRANTS=$work/grants taskset -c 1 wrk -t1 -c16 -d"${run}s" -s "$here/token.lua" "$issuer")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  refused=$(awk '/non-200/ {print $3}' <<<"$out")
  issued=$((issued + requests - refused))
  echo "$issued  $(rss)  $(du -k "$MPCTL_DB/runtime" | cut -f1)"
done
stop_server
