#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Token throughput of `mpctl serve` over HTTP with keep-alive: the server
# pinned to core 0 with one worker thread, wrk on core 1 posting pre-signed,
# unique RS256 grants; against the crypto limit on the same core in the same
# run: 1 / (server-key sign + RS256 verify), from `openssl speed`.
# Then latency at half the peak rate (bench_paced, open loop), latency with
# one connection, and `mpctl token` end to end (hyperfine),
# uncached and cached, while 1,000 idle connections are held open.
# Usage: bench/run_serve_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
secs=${2:-7}
conns=${3:-16}
# shellcheck source=bench/serve_lib.sh
. "$(dirname "$0")/serve_lib.sh"

read -r rsa_sign rsa_verify < <(speed rsa2048 "^rsa 2048")
read -r ec_sign _ < <(speed ecdsap256 "256 bits ecdsa")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
for alg in RS256 ES256; do
  setup_store "$alg"
  start_server
  if [ "$alg" = RS256 ]; then sign=$rsa_sign; bound=3000; else sign=$ec_sign; bound=12000; fi
  rate=$(throughput "$alg" "$bound")
  awk -v alg="$alg" -v r="$rate" -v s="$sign" -v v="$rsa_verify" 'BEGIN {
    limit = 1 / (1 / s + 1 / v)
    printf "%s server key: %.0f tokens/s over HTTP; crypto limit %.0f/s (sign %.1f us + verify %.1f us); ratio %.2f\n",
      alg, r, limit, 1e6 / s, 1e6 / v, r / limit }'
  grep -E 'non-200|Latency|50%|99%' "$work/wrk-$alg.txt" | sed 's/^/    /'
  echo "    RSS after the run: $(awk '/VmRSS/ {print $2, $3}' "/proc/$server_pid/status")"
  half=$(awk -v r="$rate" 'BEGIN {printf "%d", r / 2}')
  make_grants "$half"
  echo "    at half the peak rate, $conns connections, open loop:"
  echo "    $(taskset -c 1 "$build/bench/bench_paced" 127.0.0.1 "$port" "$work/grants" "$half" "$secs" "$conns")"
  stop_server
done

# One connection at a time: latency without queueing.
setup_store RS256
start_server
secs_saved=$secs; conns_saved=$conns; secs=5; conns=1
throughput RS256-c1 3000 >/dev/null
echo "RS256, one connection (no queueing):"
grep -E 'non-200|Latency|50%|99%' "$work/wrk-RS256-c1.txt" | sed 's/^/    /'
secs=$secs_saved; conns=$conns_saved

# mpctl token end to end while 1,000 idle connections are held open.
python3 - "$port" <<'PY' &
import socket, sys, time
conns = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(1000)]
time.sleep(120)
PY
idle_pid=$!
sleep 1
token=("$mpctl" token --issuer "$issuer" --client-id "$client" --key "$key" --scope bench:api)
hyperfine -N --warmup 3 --runs 40 --export-json "$work/uncached.json" "${token[*]} --no-cache" >/dev/null 2>&1
"${token[@]}" >/dev/null
hyperfine -N --warmup 3 --runs 40 --export-json "$work/cached.json" "${token[*]}" >/dev/null 2>&1
kill "$idle_pid"
python3 - "$work" <<'PY'
import json, sys
for name in ("uncached", "cached"):
    r = json.load(open(f"{sys.argv[1]}/{name}.json"))["results"][0]
    print(f"mpctl token {name}, 1,000 idle connections open: median {r['median']*1e3:.1f} ms, "
          f"max {r['max']*1e3:.1f} ms")
PY
echo "server RSS at the end: $(awk '/VmRSS/ {print $2, $3}' "/proc/$server_pid/status")"
