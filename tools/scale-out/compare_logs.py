#!/usr/bin/env python3
"""Compares training logs of `hyperfit train` and imported scale-out runs (stdlib only).

Usage: compare_logs.py REFERENCE_LOG [--tolerance T] [--informational] NAME=LOG ...
Prints, per run, the largest absolute difference of train_loss, val_loss and val_entropy over the log's entries, and
whether val_ttr and every greedy continuation (val_gen_seqs) are equal. Exits 1 when a run is not informational and
a loss differs by more than the tolerance or a continuation differs.
"""
import json
import sys


def entries(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["logs"]


def main(argv):
    tolerance = 1e-4
    informational = False
    reference = None
    failed = False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--tolerance":
            tolerance = float(args.pop(0))
        elif arg == "--informational":
            informational = True
        elif reference is None:
            reference = entries(arg)
        else:
            name, path = arg.split("=", 1)
            other = entries(path)
            if [e["update_counter"] for e in other] != [e["update_counter"] for e in reference]:
                print(f"{name}: validation points differ")
                failed = True
                continue
            worst = {}
            for key in ("train_loss", "val_loss", "val_entropy"):
                diffs = [abs(a[key] - b[key]) for a, b in zip(reference, other) if a[key] is not None and b[key] is not None]
                worst[key] = max(diffs) if diffs else 0.0
            per_update = [abs(a["train_loss"] - b["train_loss"]) for a, b in zip(reference, other) if a["train_loss"] is not None]
            ttr_equal = all(a["val_ttr"] == b["val_ttr"] for a, b in zip(reference, other))
            texts_equal = all(a["val_gen_seqs"] == b["val_gen_seqs"] for a, b in zip(reference, other))
            print(f"{name}: max |d train_loss| {worst['train_loss']:.3e} (per update: {' '.join(f'{d:.1e}' for d in per_update)}); "
                  f"max |d val_loss| {worst['val_loss']:.3e}; max |d val_entropy| {worst['val_entropy']:.3e}; "
                  f"val_ttr equal: {ttr_equal}; greedy texts equal: {texts_equal}{' (informational)' if informational else ''}")
            if not informational and (max(worst.values()) > tolerance or not texts_equal or not ttr_equal):
                failed = True
            informational = False
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
