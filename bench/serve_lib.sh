# SPDX-License-Identifier: Apache-2.0
# Shared by the HTTP benchmarks: a store with one client, a pinned server.
# Expects $build (and $secs, $conns for make_grants and throughput; $threads,
# default 1, for start_server); sets $work, $port, $issuer, $client, $key,
# $kid, $server_pid.
mpctl=$build/src/cli/mpctl
grants_bin=$build/bench/bench_grants
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export MPCTL_DB=$work/db XDG_CACHE_HOME=$work/cache
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
issuer=http://127.0.0.1:$port/

speed() {  # "sign/s verify/s" of one openssl speed algorithm, on core 0
  taskset -c 0 openssl speed -seconds 3 "$1" 2>/dev/null | awk -v a="$2" '$0 ~ a {print $(NF-1), $NF}' | tail -1
}

setup_store() {  # $1: the server's signing alg; $2: the client's key type (default rsa)
  rm -rf "$MPCTL_DB"
  "$mpctl" init --issuer "$issuer" --alg "$1" >/dev/null
  "$mpctl" prefix add bench 974761076 >/dev/null
  "$mpctl" scope create bench:api --description bench >/dev/null
  "$mpctl" access grant bench:api 910000004 >/dev/null
  client=$("$mpctl" client register --org 910000004 --name bench --scope bench:api --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])')
  key=$work/client-${2:-rsa}.pem
  [ -f "$key" ] || "$mpctl" key generate --type "${2:-rsa}" --out "$key" >/dev/null
  kid=$("$mpctl" key thumbprint "$key")
  "$mpctl" key jwk "$key" | "$mpctl" client keys add "$client" --key - >/dev/null
}

start_server() {
  taskset -c 0 "$mpctl" serve --listen "127.0.0.1:$port" --threads "${threads:-1}" --access-log /dev/null \
    2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 500); do
    curl -sf "${issuer}healthz" >/dev/null && return 0
    sleep 0.02
  done
  cat "$work/server.err"; exit 1
}

stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=; }

# Signs enough grants for a run of $secs at up to $1 tokens/s, all with an
# iat that is good for the whole run, then waits for the run's start.
make_grants() {
  local rate=$1 count t0 per start iat
  count=$((rate * secs + 1000))
  t0=$(date +%s.%N)
  "$grants_bin" "$key" "$client" "$kid" "$issuer" bench:api 200 "$(date +%s)" >/dev/null
  per=$(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN {print (t1 - t0) / 200}')
  start=$(awk -v p="$per" -v n="$count" -v now="$(date +%s)" 'BEGIN {printf "%d", now + p * n * 1.2 + 2}')
  iat=$((start + secs / 2))
  "$grants_bin" "$key" "$client" "$kid" "$issuer" bench:api "$count" "$iat" >"$work/grants"
  while [ "$(date +%s)" -lt "$start" ]; do sleep 0.1; done
}

# Posts the grants with wrk (core 1) for $secs; the output stays in
# $work/wrk-LABEL.txt.
throughput() {  # $1: label, $2: a rate above what can be reached; prints tokens/s
  local out
  make_grants "$2"
  out=$(GRANTS=$work/grants taskset -c 1 wrk -t1 -c"$conns" -d"${secs}s" --latency \
    -s "$here/token.lua" "$issuer" 2>&1)
  echo "$out" >"$work/wrk-$1.txt"
  awk '/^Requests\/sec/ {print $2}' <<<"$out"
}
