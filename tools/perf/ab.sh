#!/usr/bin/env bash
# A/B of one Hyperfit benchmark under two environments, alternating A B A B, each pair under /tmp/cpu.lock
# (PERF_LOCK=path; empty: no lock). Used for the settings in docs/performance.md ("what was tried").
#
# Usage: tools/perf/ab.sh ROUNDS "A-ENV" "B-ENV" CLI-ARGS...
#   e.g. tools/perf/ab.sh 3 "OMP_WAIT_POLICY=ACTIVE" "OMP_WAIT_POLICY=PASSIVE" bench train --model DIR --json
# The command must print JSON with tokens_per_second (bench train) or a list with TokensPerSecond (bench generate).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export AB_CLI="$here/../../src/Hyperfit.Cli/bin/Release/net10.0/Hyperfit.Cli"
rounds="$1"; export AB_A="$2" AB_B="$3"; shift 3
lock="${PERF_LOCK-/tmp/cpu.lock}"

one_pair() {
  tps() {
    python3 -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, list):
    print(" ".join("%s=%.1f tok/s (%.1f per CPU-s)" % (x["Name"], x["TokensPerSecond"], x["Batch"] * x["NewTokens"] / x["CpuSeconds"]) for x in d))
else:
    print("%.1f tok/s, %.0f CPU-ms/update" % (d["tokens_per_second"], d["cpu_ms_per_step"]))'
  }
  local load a b
  load="$(cut -d' ' -f1 /proc/loadavg)"
  # shellcheck disable=SC2086
  a="$(env $AB_A "$AB_CLI" "$@" | tps)"
  # shellcheck disable=SC2086
  b="$(env $AB_B "$AB_CLI" "$@" | tps)"
  echo "load $load | A ($AB_A): $a | B ($AB_B): $b"
}
export -f one_pair
for ((r = 1; r <= rounds; r++)); do
  if [[ -n "$lock" ]]; then flock "$lock" bash -c 'one_pair "$@"' _ "$@"; else bash -c 'one_pair "$@"' _ "$@"; fi
done
