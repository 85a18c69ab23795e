"""Writes the two random-weight Llama folders the performance comparison uses (issue 18's shapes), with
Hugging Face's own LlamaForCausalLM.save_pretrained, so Hyperfit and the PyTorch peer load identical weights.

Usage: . /work/ref/env.sh && /usr/bin/python3 tools/perf/make_models.py OUT_DIR
Writes OUT_DIR/llama-17m (hidden 384, 6 layers, 6 heads, MLP 1024, vocab 8192, untied: 16.9M parameters) and
OUT_DIR/llama-75m (hidden 768, 8 layers, 12 heads of which 4 key/value heads, MLP 3072, vocab 8192, tied: 75.5M).
"""
import os
import sys

import torch
from transformers import LlamaConfig, LlamaForCausalLM

SHAPES = {
    "llama-17m": dict(hidden_size=384, num_hidden_layers=6, num_attention_heads=6, num_key_value_heads=6,
                      intermediate_size=1024, vocab_size=8192, tie_word_embeddings=False),
    "llama-75m": dict(hidden_size=768, num_hidden_layers=8, num_attention_heads=12, num_key_value_heads=4,
                      intermediate_size=3072, vocab_size=8192, tie_word_embeddings=True),
}


def main(out_dir):
    for name, shape in SHAPES.items():
        path = os.path.join(out_dir, name)
        if os.path.exists(os.path.join(path, "model.safetensors")):
            continue
        torch.manual_seed(0)
        config = LlamaConfig(max_position_embeddings=1024, rms_norm_eps=1e-5, rope_theta=10000.0,
                             attention_dropout=0.0, bos_token_id=1, eos_token_id=2, torch_dtype="float32", **shape)
        model = LlamaForCausalLM(config)
        model.save_pretrained(path, safe_serialization=True)
        n = sum(p.numel() for p in model.parameters())
        print(f"{name}: {n / 1e6:.1f}M parameters -> {path}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/perf-models")
