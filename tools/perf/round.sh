#!/usr/bin/env bash
# One round of tools/perf/compare.sh: Hyperfit, then the PyTorch peer, on one model and one kind of work; prints one
# JSON line per measurement. Usage: round.sh WORK MODEL_DIR ROUND STEPS THREADS CLI
# (WORK: train-float32, train-bfloat16 or generate). Expects the reference environment sourced (compare.sh does).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$1" dir="$2" round="$3" steps="$4" threads="$5" cli="$6"
py=/usr/bin/python3
# Both sides: the same thread count, OpenMP threads sleeping while they wait. The peer: OpenBLAS's AVX-512 kernels
# (Debian's OpenBLAS picks its AVX2 kernels on this EPYC otherwise) - its best settings (issue 18).
common=(env OMP_NUM_THREADS="$threads" OMP_WAIT_POLICY=PASSIVE)
peer=("${common[@]}" OPENBLAS_CORETYPE=SkylakeX "$py")
load_before="$(cut -d' ' -f1 /proc/loadavg)"
emit() { # side json...
  local side="$1"; shift
  "$py" - "$side" "$work" "$(basename "$dir")" "$round" "$load_before" "$@" <<'PY'
import json, sys
side, work, model, rnd, load = sys.argv[1:6]
for text in sys.argv[6:]:
    data = json.loads(text)
    for d in (data if isinstance(data, list) else [data]):
        print(json.dumps({"side": side, "work": work, "model": model, "round": int(rnd), "load": float(load), "data": d}))
PY
}
case "$work" in
  train-float32|train-bfloat16)
    dtype="${work#train-}"
    a="$("${common[@]}" "$cli" bench train --model "$dir" --batch-size 8 --seq-len 256 --steps "$steps" --dtype "$dtype" --json)"
    b1="$("${peer[@]}" "$here/peer_train.py" "$dir" --dtype "$dtype" --steps "$steps" --foreach 1)"
    b2="$("${peer[@]}" "$here/peer_train.py" "$dir" --dtype "$dtype" --steps "$steps" --foreach 0)"
    emit hyperfit "$a"
    emit pytorch "$b1" "$b2"
    ;;
  generate)
    a="$("${common[@]}" "$cli" bench generate --model "$dir" --batch 8 --cached-only --json)"
    b1="$("${peer[@]}" "$here/peer_generate.py" "$dir" --batch 1)"
    b8="$("${peer[@]}" "$here/peer_generate.py" "$dir" --batch 8)"
    emit hyperfit "$a"
    emit pytorch "$b1" "$b8"
    ;;
  *) echo "round.sh: unknown work '$work' (train-float32, train-bfloat16 or generate)" >&2; exit 2;;
esac
