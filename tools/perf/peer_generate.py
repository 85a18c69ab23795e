"""The PyTorch peer of `hyperfit bench generate`: greedy decoding with Hugging Face's LlamaForCausalLM and its
KV cache (past_key_values), float32, in a plain loop (no generate() overhead): the prompt in one forward, then one
token per row per step.

Usage: . /work/ref/env.sh && OMP_NUM_THREADS=2 /usr/bin/python3 tools/perf/peer_generate.py MODEL_DIR
           [--batch 1] [--context-tokens 32] [--new-tokens 224]
Prints one JSON line with new tokens/s over all rows (after a warm-up run) and peak RSS.
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
from transformers import DynamicCache, LlamaForCausalLM


def generate(model, ids, new_tokens):
    past = DynamicCache()  # transformers' own cache object (a legacy tuple would be converted back and forth every step)
    step_ids = ids
    out = []
    with torch.inference_mode():
        for _ in range(new_tokens):
            o = model(input_ids=step_ids, past_key_values=past, use_cache=True)
            past = o.past_key_values
            step_ids = o.logits[:, -1, :].argmax(-1, keepdim=True)  # (B, 1)
            out.append(step_ids)
    return torch.cat(out, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--context-tokens", type=int, default=32)
    ap.add_argument("--new-tokens", type=int, default=224)
    a = ap.parse_args()
    torch.manual_seed(0)
    model = LlamaForCausalLM.from_pretrained(a.model, torch_dtype=torch.float32, attn_implementation="eager")
    model.eval()
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(0, model.config.vocab_size, (a.batch, a.context_tokens), generator=gen)
    generate(model, ids[:1], a.new_tokens)  # warm-up
    cpu = time.process_time()  # user + system time of all threads
    start = time.perf_counter()
    generate(model, ids, a.new_tokens)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    print(json.dumps({
        "side": "pytorch", "torch": torch.__version__, "batch": a.batch, "context_tokens": a.context_tokens,
        "new_tokens": a.new_tokens, "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "seconds": seconds, "cpu_seconds": cpu, "tokens_per_second": a.batch * a.new_tokens / seconds,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    sys.exit(main())
