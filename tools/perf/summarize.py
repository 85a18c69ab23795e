"""Markdown table of tools/perf/compare.sh's results (JSON lines from round.sh).

Usage: python3 tools/perf/summarize.py RESULTS.jsonl
Each round pairs one Hyperfit run with the peer's run(s) made right after it under the same lock, so the ratio is
taken per round (the peer's best variant of that round: foreach or per-parameter Adam) and reported as median and
range over rounds, alongside the raw tokens/s.
"""
import datetime
import json
import platform
import statistics
import subprocess
import sys


def rows_of(records):
    """(work label, model) -> round -> {"hyperfit": (tok/s, rss), "pytorch": (tok/s, rss, note)}"""
    table = {}
    for rec in records:
        d, side = rec["data"], rec["side"]
        if rec["work"] == "generate":
            batch = d.get("Batch") if side == "hyperfit" else d.get("batch")
            label = f"greedy, KV cache, batch {batch}"
            tps = d["TokensPerSecond"] if side == "hyperfit" else d["tokens_per_second"]
            rss = d["PeakRssBytes"] if side == "hyperfit" else d["peak_rss_bytes"]
            cpu = d.get("CpuSeconds") if side == "hyperfit" else d.get("cpu_seconds")
            per_cpu = (d["Batch"] * d["NewTokens"] if side == "hyperfit" else d["batch"] * d["new_tokens"]) / cpu if cpu else None
            note = ""
        else:
            label = "training " + ("fp32" if rec["work"].endswith("float32") else "bf16") + " tokens/s"
            tps, rss = d["tokens_per_second"], d["peak_rss_bytes"]
            tokens = d["batch_size"] * (d["sequence_length"] if side == "hyperfit" else d["seq_len"])
            per_cpu = tokens / (d["cpu_ms_per_step"] / 1000) if d.get("cpu_ms_per_step") else None
            note = ("foreach" if d.get("foreach") else "per-param") if side == "pytorch" else ""
        cell = table.setdefault((label, rec["model"]), {}).setdefault(rec["round"], {})
        best = cell.get(side)
        if best is None or tps > best[0]:
            cell[side] = (tps, rss, note, rec["load"], per_cpu)
    return table


def fmt(values):
    return ", ".join(f"{v:.0f}" for v in values)


def main(path):
    records = [json.loads(line) for line in open(path) if line.strip()]
    if not records:
        print("no results")
        return 1
    loads = [r["load"] for r in records]
    cpu = "?"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "?"
    some_peer = next((r["data"] for r in records if r["side"] == "pytorch"), {})
    some_self = next((r["data"] for r in records if r["side"] == "hyperfit"), {})
    threads = some_self.get("threads", some_self.get("Threads", "?"))
    policy = some_self.get("omp_wait_policy", some_self.get("OmpWaitPolicy", "?"))
    print(f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {cpu} ({platform.machine()}), "
          f"Hyperfit {commit}, PyTorch {some_peer.get('torch', '?')} + transformers' Llama (eager); {threads} threads both sides, "
          f"OMP_WAIT_POLICY {policy} (peer: {some_peer.get('omp_wait_policy', '?')}, OPENBLAS_CORETYPE "
          f"{some_peer.get('openblas_coretype', '?')}); batch 8 x 256 Adam for training, 32 context + 224 new tokens for "
          f"generation; 1-minute load average at the start of the rounds {min(loads):.1f}-{max(loads):.1f} (2 = both cores busy).")
    print("Tokens/s are wall-clock; 'tokens per CPU-second' divides by the processor time (user + system, all threads) of "
          "the timed part instead, which other people's load moves much less.")
    print()
    print("| work | model | Hyperfit (per round) | PyTorch + HF (per round, best variant) | ratio (median, range) | "
          "tokens per CPU-second Hyperfit / peer (medians) | ratio of tokens per CPU-second | peak RSS Hyperfit / peer |")
    print("|---|---|---|---|---|---|---|---|")
    for (label, model), rounds in sorted(rows_of(records).items(), key=lambda kv: (kv[0][1], kv[0][0])):
        paired = [rounds[r] for r in sorted(rounds) if "hyperfit" in rounds[r] and "pytorch" in rounds[r]]
        if not paired:
            continue
        a = [p["hyperfit"][0] for p in paired]
        b = [p["pytorch"][0] for p in paired]
        ratios = [x / y for x, y in zip(a, b)]
        cpu_ratios = [p["hyperfit"][4] / p["pytorch"][4] for p in paired if p["hyperfit"][4] and p["pytorch"][4]]
        per_cpu_a = [p["hyperfit"][4] for p in paired if p["hyperfit"][4]]
        per_cpu_b = [p["pytorch"][4] for p in paired if p["pytorch"][4]]
        per_cpu = (f"{statistics.median(per_cpu_a):.0f} / {statistics.median(per_cpu_b):.0f}"
                   if per_cpu_a and per_cpu_b else "–")
        notes = sorted({p["pytorch"][2] for p in paired if p["pytorch"][2]})
        rss_a = max(p["hyperfit"][1] for p in paired) / 2**20
        rss_b = max(p["pytorch"][1] for p in paired) / 2**20
        print(f"| {label} | {model} | {fmt(a)} | {fmt(b)}{' (' + '/'.join(notes) + ')' if notes else ''} | "
              f"**{statistics.median(ratios):.2f}×** ({min(ratios):.2f}-{max(ratios):.2f}) | {per_cpu} | "
              f"{f'{statistics.median(cpu_ratios):.2f}×' if cpu_ratios else '–'} | "
              f"{rss_a:.0f} / {rss_b:.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
