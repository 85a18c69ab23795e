#!/usr/bin/env bash
# Developer check of `hyperfit export-job` / `import-run` against real PyTorch (not part of `dotnet test`: CI has no
# Python torch). Needs Debian 12's python3-torch and a transformers source release on PYTHONPATH: the reference
# environment of tools/goldens/setup-reference.sh (branch fidelity), sourced from $HYPERFIT_REF_ENV.
#
#   tools/scale-out/check.sh [WORK_DIR]        (≈ 2–3 minutes on 2 cores)
#
# It builds a tiny Llama (hidden 64, 2 layers, the default model's 4096-token tokenizer), hyperfits it with
# `hyperfit train`, exports the same options as `single` and as `torchrun-ddp` with 2 gloo processes, runs both jobs,
# imports them (--verify-greedy: Hyperfit regenerates the last validation continuations from the imported model), and
# compares the per-update training losses (validate_every 1, so each log entry is one update) to 1e-4. It also
# interrupts a DDP run after 3 updates, resumes it, and requires the same log; and runs a bf16-mixed job (informational).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-/tmp/hyperfit-scale-out-check}"
ref_env="${HYPERFIT_REF_ENV:-/work/ref/env.sh}"
[[ -f "$ref_env" ]] || { echo "error: $ref_env not found (set HYPERFIT_REF_ENV to the reference environment's env.sh)" >&2; exit 1; }
# shellcheck disable=SC1090
. "$ref_env"
export PYTHON="${HYPERFIT_REF_PYTHON:-/usr/bin/python3}" OMP_NUM_THREADS=1
# torch 1.13's torchrun on Python 3.11 cannot parse its default --redirects/--tee value 0 (its Std enum lost the
# zero member in iteration); 1 (stdout) parses. Newer torch does not need this.
export TORCHRUN_ARGS="--redirects 1 --tee 1"

dotnet build "$repo/src/Hyperfit.Cli" -c Release -v q -nologo >/dev/null
hyperfit() { dotnet "$repo/src/Hyperfit.Cli/bin/Release/net10.0/Hyperfit.Cli.dll" "$@"; }

rm -rf "$work" && mkdir -p "$work"
hyperfit new-model --tokenizer "$repo/models/brown-llama-23m" --arch llama --preset tiny --out "$work/model" >/dev/null
echo '{"ttr_context_tokens": 16, "ttr_generated_tokens": 24}' > "$work/ttr.json"
options=(--model "$work/model" --data "$repo/data/brown/hyperfit.jsonl" --config "$work/ttr.json" --samples 16 --seq-len 64
         --batch-size 8 --lr 1e-3 --max-updates 8 --val-every 1 --val-sequences 4)

echo "== hyperfit train"
hyperfit train "${options[@]}" --out "$work/hyperfit" | tail -n 1

run_job() { # name, extra export options…, then -- and extra train.py options
  local name="$1"; shift
  local export_options=() train_options=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do export_options+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift && train_options=("$@")
  echo "== $name: export-job ${export_options[*]}"
  hyperfit export-job "${options[@]}" "${export_options[@]}" --out "$work/job-$name" | head -n 1
  "$work/job-$name/launch.sh" "${train_options[@]}" 2>&1 | grep -E "^(\[default0\]:)?update|trained|stopped" | tail -n 3 || true
}

run_job single --engine single
hyperfit import-run --job "$work/job-single" --out "$work/run-single" --verify-greedy
run_job ddp --engine torchrun-ddp --gpus-per-node 2
hyperfit import-run --job "$work/job-ddp" --out "$work/run-ddp" --verify-greedy
run_job ddp-resumed --engine torchrun-ddp --gpus-per-node 2 -- --stop-after 3
"$work/job-ddp-resumed/launch.sh" --resume 2>&1 | grep -E "trained" || true
hyperfit import-run --job "$work/job-ddp-resumed" --out "$work/run-ddp-resumed" --verify-greedy
run_job bf16 --engine single --precision bf16-mixed
hyperfit train "${options[@]}" --dtype bfloat16 --out "$work/hyperfit-bf16" | tail -n 1

echo "== per-update losses against hyperfit train (float32, tolerance 1e-4)"
"$PYTHON" "$repo/tools/scale-out/compare_logs.py" "$work/hyperfit/training_log.json" \
  single="$work/run-single/training_log.json" torchrun-ddp-2="$work/run-ddp/training_log.json" \
  torchrun-ddp-2-resumed="$work/run-ddp-resumed/training_log.json"
"$PYTHON" "$repo/tools/scale-out/compare_logs.py" "$work/run-ddp/training_log.json" --tolerance 0 \
  resumed-vs-uninterrupted="$work/run-ddp-resumed/training_log.json"
"$PYTHON" "$repo/tools/scale-out/compare_logs.py" "$work/hyperfit-bf16/training_log.json" --informational \
  bf16-mixed-vs-hyperfit-bf16="$work/job-bf16/output/training_log.json"
echo "scale-out check passed"
