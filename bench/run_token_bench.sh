#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Token issuance against the crypto limit, measured in the same run:
#   ratio = (cost per token) / (one RS256 grant verify + one token sign)
# Usage: bench/run_token_bench.sh [BUILD_DIR] [N]
set -euo pipefail
build=${1:-build}
n=${2:-3000}
speed() {  # prints "sign/s verify/s" for one openssl speed algorithm
  openssl speed -seconds 3 "$1" 2>/dev/null | awk -v a="$2" '$0 ~ a {print $(NF-1), $NF}' | tail -1
}
read -r rsa_sign rsa_verify < <(speed rsa2048 "^rsa 2048")
read -r ec_sign ec_verify < <(speed ecdsap256 "256 bits ecdsa")
for alg in RS256 ES256; do
  line=$("$build/bench/bench_token" "$alg" "$n")
  us=$(awk '{print $2}' <<<"$line")
  if [ "$alg" = RS256 ]; then sign=$rsa_sign; else sign=$ec_sign; fi
  awk -v alg="$alg" -v us="$us" -v s="$sign" -v v="$rsa_verify" 'BEGIN {
    limit = 1e6 / s + 1e6 / v
    printf "%s server key: %.1f us/token; crypto limit %.1f us (sign %.1f + RS256 verify %.1f); ratio %.2f\n",
      alg, us, limit, 1e6 / s, 1e6 / v, us / limit }'
done
