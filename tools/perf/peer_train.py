"""The PyTorch peer of `hyperfit bench train`: Adam updates of Hugging Face's LlamaForCausalLM (eager PyTorch, the
modeling code from the transformers source) on random ids, float32 or bfloat16 autocast.

Usage: . /work/ref/env.sh && OMP_NUM_THREADS=2 /usr/bin/python3 tools/perf/peer_train.py MODEL_DIR
           [--dtype float32|bfloat16] [--batch-size 8] [--seq-len 256] [--steps 3] [--foreach 0|1] [--profile]
Prints one JSON line: tokens/s (over the timed updates), ms per update (mean, best), phase medians (forward incl.
the loss, backward, optimizer) and, with --profile, self CPU time per op family from torch.profiler.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
from transformers import LlamaForCausalLM

FAMILIES = [  # aten op name (self time) -> family; the first match wins
    ("attention", ("aten::bmm", "aten::_softmax", "aten::_softmax_backward_data", "aten::baddbmm")),
    ("matmul", ("aten::mm", "aten::addmm", "aten::matmul", "aten::linear")),
    ("cross-entropy", ("aten::_log_softmax", "aten::_log_softmax_backward_data", "aten::nll_loss", "aten::nll_loss_forward",
                       "aten::nll_loss_backward")),
    ("copies/casts", ("aten::copy_", "aten::to", "aten::_to_copy", "aten::contiguous", "aten::clone", "aten::cat",
                      "aten::index_select", "aten::embedding", "aten::embedding_dense_backward")),
]


def family(name):
    for fam, names in FAMILIES:
        if any(name == n or (n.endswith("_") and name.startswith(n)) for n in names):
            return fam
    return "elementwise/other"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--seq-len", type=int, default=256)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--foreach", type=int, default=1)
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args()

    torch.manual_seed(0)
    model = LlamaForCausalLM.from_pretrained(a.model, torch_dtype=torch.float32, attn_implementation="eager")
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-6, betas=(0.9, 0.999), eps=1e-8, foreach=bool(a.foreach))
    ids = torch.randint(0, model.config.vocab_size, (a.batch_size, a.seq_len))
    bf16 = a.dtype == "bfloat16"

    def step(phases):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(input_ids=ids, labels=ids).loss
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        phases.append((t1 - t0, t2 - t1, t3 - t2))
        return loss.item()

    step([])  # warm-up
    phases = []
    cpu = time.process_time()  # user + system time of all threads
    start = time.perf_counter()
    for _ in range(a.steps):
        step(phases)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    totals = [sum(p) for p in phases]
    result = {
        "side": "pytorch", "torch": torch.__version__, "dtype": a.dtype, "batch_size": a.batch_size, "seq_len": a.seq_len,
        "steps": a.steps, "foreach": bool(a.foreach), "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "parameters": sum(p.numel() for p in model.parameters()),
        "tokens_per_second": a.batch_size * a.seq_len * a.steps / seconds,
        "ms_per_step": seconds * 1000 / a.steps, "best_ms_per_step": min(totals) * 1000, "cpu_ms_per_step": cpu * 1000 / a.steps,
        "phases_ms": {name: statistics.median(p[i] for p in phases) * 1000
                      for i, name in enumerate(["forward+loss", "backward", "optimizer"])},
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    if a.profile:
        # Forward, loss and backward under the profiler; the optimizer is the timed phase above.
        from torch.profiler import profile, ProfilerActivity
        opt.zero_grad(set_to_none=True)
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                loss = model(input_ids=ids, labels=ids).loss
            loss.backward()
        fams = {}
        for e in prof.key_averages():
            f = family(e.key)
            fams[f] = fams.get(f, 0.0) + e.self_cpu_time_total / 1000.0
        result["op_families_ms"] = dict(sorted(fams.items(), key=lambda kv: -kv[1]))
        result["top_ops_ms"] = {e.key: e.self_cpu_time_total / 1000.0
                                for e in sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)[:15]}
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
