#!/usr/bin/env bash
# Hyperfit vs PyTorch + Hugging Face on the same CPU, alternating A B A B (issue 18; docs/performance.md).
#
# Usage: tools/perf/compare.sh [--rounds N] [--models "llama-17m llama-75m"] [--work "train-float32 train-bfloat16 generate"]
#                              [--steps N] [--threads N] [--models-dir DIR] [--out FILE.md]
# Needs: dotnet (builds the CLI in Release), Debian's python3-torch (/usr/bin/python3) and the transformers source of
# the reference environment (/work/ref, see tools/perf/README.md; REF_ENV=path/to/env.sh to use another).
# Each round (one Hyperfit run, then the peer's) holds /tmp/cpu.lock (PERF_LOCK=path; empty: no lock), so other jobs
# on a shared machine can run between rounds but not inside one. Prints a Markdown table (and writes it to --out).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
rounds=2 models="llama-17m llama-75m" work="train-float32 train-bfloat16 generate" steps=3 threads=2
models_dir=/tmp/perf-models out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2;; --models) models="$2"; shift 2;; --work) work="$2"; shift 2;;
    --steps) steps="$2"; shift 2;; --threads) threads="$2"; shift 2;; --models-dir) models_dir="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    *) echo "compare.sh: unknown argument '$1'" >&2; exit 2;;
  esac
done

ref_env="${REF_ENV:-/work/ref/env.sh}"
peer_python=/usr/bin/python3
if [[ ! -f "$ref_env" ]] || ! "$peer_python" -c 'import torch' 2>/dev/null; then
  echo "compare.sh: the PyTorch peer needs Debian's python3-torch (/usr/bin/python3 -c 'import torch') and the reference" >&2
  echo "environment's env.sh ($ref_env); see tools/perf/README.md" >&2
  exit 3
fi
# Debian's torch takes float32 BLAS from libblas.so.3: with the reference (netlib) BLAS there the peer's float32
# matmuls are ~50x slower than with OpenBLAS and the comparison means nothing.
blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)"
if [[ "$blas" != *openblas* ]]; then
  echo "compare.sh: libblas.so.3 is $blas, not OpenBLAS: apt-get install libopenblas0-openmp (tools/perf/README.md)" >&2
  exit 3
fi
# The reference env pins one thread for goldens; the comparison sets its own count below.
# shellcheck disable=SC1090
. "$ref_env"
lock="${PERF_LOCK-/tmp/cpu.lock}"
locked() { if [[ -n "$lock" ]]; then flock "$lock" "$@"; else "$@"; fi; }

"$peer_python" "$here/make_models.py" "$models_dir" >&2
dotnet build "$repo/src/Hyperfit.Cli" -c Release -v q -nologo >&2
cli="$repo/src/Hyperfit.Cli/bin/Release/net10.0/Hyperfit.Cli"

results="$(mktemp -d)/results.jsonl"
for m in $models; do
  for w in $work; do
    for ((r = 1; r <= rounds; r++)); do
      echo "round $r: $w $m (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
      locked "$here/round.sh" "$w" "$models_dir/$m" "$r" "$steps" "$threads" "$cli" >>"$results"
    done
  done
done

echo "raw results: $results" >&2
"$peer_python" "$here/summarize.py" "$results" | tee ${out:+"$out"}
