#!/usr/bin/env bash
# Sets up the reference environment the golden generators run in (developers only; tests never need it).
#
#   tools/goldens/setup-reference.sh TRANSFORMERS_GIT_DIR HUB_GIT_DIR [REF_DIR]
#
# TRANSFORMERS_GIT_DIR: any git directory (clone, fork, bare mirror) of huggingface/transformers that holds
#   commit 93f87d3cf5d937fc885c2131c6255863e5c1bfc5 (2024-12-05, "bump tokenizers to 0.21"): the last commit on
#   main before the 4.48.0.dev0 version bump, i.e. the point the v4.47 release branch was cut from. Its version
#   string is 4.47.0.dev0. Pinned by hash, so the same source everywhere.
# HUB_GIT_DIR: a git directory of huggingface/huggingface_hub holding tag v0.26.5 (pure Python).
# REF_DIR: where to put it (default /work/ref). Writes REF_DIR/env.sh (source it) and REF_DIR/READY-transformers.
#
# Python is Debian 12's /usr/bin/python3 with python3-torch 1.13.1 (CPU) and Debian's numpy/regex/yaml/...;
# the Python package registry is not used. The Rust `safetensors` extension is replaced by the pure-Python
# stand-in in tools/goldens/shims (file format only); the Rust `tokenizers` Python package is not installed,
# so transformers uses its slow (pure Python / sentencepiece) tokenizers, and fast-tokenizer goldens come from
# the npm `tokenizers` package (tools/goldens/tokenizers/).
set -euo pipefail
TF_GIT=${1:?TRANSFORMERS_GIT_DIR}
HUB_GIT=${2:?HUB_GIT_DIR}
REF=${3:-/work/ref}
TF_COMMIT=93f87d3cf5d937fc885c2131c6255863e5c1bfc5
HUB_TAG=v0.26.5
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

need=()
for p in python3-torch python3-numpy python3-regex python3-yaml python3-filelock python3-tqdm python3-packaging \
         python3-requests python3-fsspec python3-typing-extensions python3-sentencepiece; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  echo "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi

mkdir -p "$REF"
TF_DIR="$REF/transformers-${TF_COMMIT:0:7}"
HUB_DIR="$REF/huggingface_hub-$HUB_TAG"
SITE="$REF/site-packages"
git --git-dir="$TF_GIT" cat-file -e "$TF_COMMIT^{commit}" || { echo "error: $TF_GIT lacks commit $TF_COMMIT" >&2; exit 1; }
git --git-dir="$HUB_GIT" rev-parse -q --verify "refs/tags/$HUB_TAG" >/dev/null || { echo "error: $HUB_GIT lacks tag $HUB_TAG" >&2; exit 1; }
rm -rf "$TF_DIR" "$HUB_DIR" "$SITE"
mkdir -p "$TF_DIR" "$HUB_DIR" "$SITE"
git --git-dir="$TF_GIT" archive "$TF_COMMIT" src setup.py LICENSE | tar -x -C "$TF_DIR"
git --git-dir="$HUB_GIT" archive "$HUB_TAG" src setup.py LICENSE | tar -x -C "$HUB_DIR"

# Package metadata, so transformers' start-up version checks (importlib.metadata) see the exported sources.
hub_version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$HUB_DIR/src/huggingface_hub/__init__.py")
tf_version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$TF_DIR/src/transformers/__init__.py")
mkdir -p "$SITE/huggingface_hub-$hub_version.dist-info" "$SITE/transformers-$tf_version.dist-info"
printf 'Metadata-Version: 2.1\nName: huggingface_hub\nVersion: %s\n' "$hub_version" > "$SITE/huggingface_hub-$hub_version.dist-info/METADATA"
printf 'Metadata-Version: 2.1\nName: transformers\nVersion: %s\n' "$tf_version" > "$SITE/transformers-$tf_version.dist-info/METADATA"
cp -r "$HERE/shims/." "$SITE/"

cat > "$REF/env.sh" <<ENV
# source this: the reference Python for tools/goldens/*.py
export HYPERFIT_REF_PYTHON=$PY
export PYTHONPATH=$TF_DIR/src:$HUB_DIR/src:$SITE
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 TOKENIZERS_PARALLELISM=false
export OMP_NUM_THREADS=1
ENV

# shellcheck disable=SC1091
. "$REF/env.sh"
"$PY" - <<'PYEOF'
import torch, transformers
from transformers import LlamaConfig, LlamaForCausalLM
torch.manual_seed(0)
cfg = LlamaConfig(vocab_size=32, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                  num_attention_heads=2, num_key_value_heads=1, attn_implementation="eager")
m = LlamaForCausalLM(cfg).eval()
with torch.no_grad():
    out = m(torch.tensor([[1, 2, 3]]))
assert out.logits.shape == (1, 3, 32)
print(f"transformers {transformers.__version__} on torch {torch.__version__}: tiny Llama forward OK")
PYEOF

{
  echo "transformers_commit=$TF_COMMIT"
  echo "transformers_version=$tf_version"
  echo "huggingface_hub=$HUB_TAG"
  echo "torch=$("$PY" -c 'import torch; print(torch.__version__)') (Debian python3-torch $(dpkg-query -W -f='${Version}' python3-torch))"
  echo "python=$("$PY" -c 'import sys; print(sys.version.split()[0])')"
  echo "sentencepiece=$("$PY" -c 'import sentencepiece; print(sentencepiece.__version__)')"
} > "$REF/READY-transformers"
echo "reference environment ready: . $REF/env.sh; \$HYPERFIT_REF_PYTHON tools/goldens/<script>.py"
