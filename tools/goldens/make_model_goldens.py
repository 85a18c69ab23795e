"""Model goldens made by Hugging Face transformers itself (see docs/fidelity.md).

    . /work/ref/env.sh && $HYPERFIT_REF_PYTHON tools/goldens/make_model_goldens.py tests/Hyperfit.Tests/Goldens/models

For each tiny model below: builds it with transformers' own modeling code (float32, eager attention, CPU), gives
every weight a seeded random value (transformers' init leaves norms at 1 and biases at 0, which would hide
mistakes there), saves it with save_pretrained (config.json + model.safetensors) and writes golden.json with
    logits               forward of one unpadded sequence, (T, V)
    hidden_states        output_hidden_states=True: embeddings, each layer's output, the final norm, (L+1, T, D)
    rotary_inv_freq      the rotary embedding's inv_freq (RoPE families), and cos/sin for positions 0..T-1
    padded_logits        a left-padded batch of two rows with its attention mask, (2, T, V)
    greedy / padded_greedy  generate(do_sample=False) continuations and the logits of every step (output_logits)
The versions of everything used and the sha256 of every file written are recorded in golden.json / MANIFEST.json.
"""
import hashlib
import json
import os
import sys

import torch
import transformers
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, MistralConfig,
                          MistralForCausalLM, Qwen2Config, Qwen2ForCausalLM)

torch.set_num_threads(1)
COMMON_LLAMA = dict(vocab_size=67, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
                    rms_norm_eps=1e-5, max_position_embeddings=128, attn_implementation="eager", bos_token_id=1,
                    eos_token_id=2, pad_token_id=0, synced_gpus=False)

MODELS = {
    # plain multi-head attention, separate head
    "llama-mha": lambda: LlamaForCausalLM(LlamaConfig(**COMMON_LLAMA, num_key_value_heads=4, rope_theta=10000.0,
                                                      tie_word_embeddings=False)),
    # grouped-query attention, llama3 rope scaling, tied head (Llama 3.2 style)
    "llama-gqa-llama3-tied": lambda: LlamaForCausalLM(LlamaConfig(
        **COMMON_LLAMA, num_key_value_heads=2, rope_theta=500000.0, tie_word_embeddings=True,
        rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                      "original_max_position_embeddings": 16})),
    "qwen2": lambda: Qwen2ForCausalLM(Qwen2Config(
        vocab_size=67, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, rms_norm_eps=1e-6, rope_theta=1000000.0, max_position_embeddings=128,
        tie_word_embeddings=True, use_sliding_window=False, attn_implementation="eager", bos_token_id=1,
        eos_token_id=2, pad_token_id=0)),
    "mistral": lambda: MistralForCausalLM(MistralConfig(
        vocab_size=67, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, rms_norm_eps=1e-5, rope_theta=10000.0, max_position_embeddings=128, sliding_window=64,
        tie_word_embeddings=False, attn_implementation="eager", bos_token_id=1, eos_token_id=2, pad_token_id=0)),
    "gpt2": lambda: GPT2LMHeadModel(GPT2Config(
        vocab_size=67, n_embd=32, n_layer=2, n_head=4, n_positions=64, attn_implementation="eager",
        bos_token_id=1, eos_token_id=2, pad_token_id=0)),
    # the non-default GPT-2 flags and activations the loader accepts
    "gpt2-inverse-layer-idx-gelu": lambda: GPT2LMHeadModel(GPT2Config(
        vocab_size=67, n_embd=32, n_layer=2, n_head=4, n_positions=64, n_inner=40, activation_function="gelu",
        scale_attn_by_inverse_layer_idx=True, attn_implementation="eager", bos_token_id=1, eos_token_id=2,
        pad_token_id=0)),
    "gpt2-unscaled-relu": lambda: GPT2LMHeadModel(GPT2Config(
        vocab_size=67, n_embd=32, n_layer=2, n_head=4, n_positions=64, activation_function="relu",
        scale_attn_weights=False, attn_implementation="eager", bos_token_id=1, eos_token_id=2, pad_token_id=0)),
}

IDS = [5, 17, 3, 60, 9, 41, 33, 12, 28, 7]
PADDED = [[0, 0, 0, 14, 6, 50, 22, 8], [31, 4, 19, 44, 10, 27, 3, 61]]
MASK = [[0, 0, 0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]]
NEW_TOKENS = 6
# eos_token_id=None: fixed-length continuations (the paper's setting; min_new_tokens would instead ban EOS).
# synced_gpus=False: one process (what generate() would conclude); its default probes torch.distributed.fsdp,
# which Debian's torch 1.13 cannot import under Python 3.11.


def flat(t):
    # 9 significant digits: every float32 value round-trips exactly, at half the size of a float64 repr
    return [float("%.9g" % x) for x in t.detach().reshape(-1).tolist()]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def make(name, build, out_root, seed):
    torch.manual_seed(seed)
    model = build()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.2)  # every weight matters, norms and biases included
    model.eval()
    out = os.path.join(out_root, name)
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    # generation_config.json is not needed to load the model; keep the folder to config + weights.
    gen_cfg = os.path.join(out, "generation_config.json")
    if os.path.exists(gen_cfg):
        os.remove(gen_cfg)

    golden = {"model": name, "seed": seed}
    with torch.no_grad():
        ids = torch.tensor([IDS])
        o = model(ids, output_hidden_states=True)
        golden["input_ids"] = IDS
        golden["logits"] = flat(o.logits[0])
        golden["hidden_states"] = flat(torch.stack([h[0] for h in o.hidden_states]))
        golden["hidden_states_shape"] = [len(o.hidden_states), len(IDS), model.config.hidden_size]
        base = getattr(model, "model", None)
        # Llama and Qwen2 keep one rotary_emb on the backbone; Mistral (at this commit) one per attention layer.
        rot = getattr(base, "rotary_emb", None) or getattr(getattr(base, "layers", [None])[0].self_attn, "rotary_emb", None) \
            if base is not None else None
        if rot is not None:
            golden["rotary_inv_freq"] = flat(rot.inv_freq)
            golden["rotary_attention_scaling"] = float(getattr(rot, "attention_scaling", 1.0))
            pos = torch.arange(len(IDS)).unsqueeze(0)
            cos, sin = rot(o.hidden_states[0], pos)
            golden["rotary_cos"] = flat(cos[0])
            golden["rotary_sin"] = flat(sin[0])

        pids = torch.tensor(PADDED)
        mask = torch.tensor(MASK)
        # generate()'s position ids for a padded batch: cumsum(mask) - 1, pads set to 1
        pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
        golden["padded_input_ids"] = PADDED
        golden["padded_attention_mask"] = MASK
        golden["padded_position_ids"] = pos.tolist()
        golden["padded_logits"] = flat(model(pids, attention_mask=mask, position_ids=pos).logits)

        g = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=NEW_TOKENS,
                           eos_token_id=None, output_logits=True, return_dict_in_generate=True,
                           pad_token_id=0, synced_gpus=False)
        golden["greedy_new_tokens"] = NEW_TOKENS
        golden["greedy"] = g.sequences[0, len(IDS):].tolist()
        golden["greedy_step_logits"] = flat(torch.stack([s[0] for s in g.logits]))
        g = model.generate(pids, attention_mask=mask, do_sample=False, max_new_tokens=NEW_TOKENS,
                           eos_token_id=None, output_logits=True, return_dict_in_generate=True,
                           pad_token_id=0, synced_gpus=False)
        golden["padded_greedy"] = g.sequences[:, len(PADDED[0]):].tolist()
        golden["padded_greedy_step_logits"] = flat(torch.stack(list(g.logits), dim=1))
    golden["vocab_size"] = model.config.vocab_size
    golden["files_sha256"] = {f: sha256(os.path.join(out, f)) for f in sorted(os.listdir(out)) if f != "golden.json"}
    golden["reference"] = REFERENCE
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: logits {o.logits.shape}, greedy {golden['greedy']}")


def reference_versions():
    ready = {}
    path = os.environ.get("HYPERFIT_REF_READY", "/work/ref/READY-transformers")
    if os.path.exists(path):
        for line in open(path):
            k, _, v = line.strip().partition("=")
            ready[k] = v
    return {
        "generator": "tools/goldens/make_model_goldens.py",
        "generator_sha256": sha256(__file__),
        "transformers": transformers.__version__,
        "transformers_commit": ready.get("transformers_commit"),
        "torch": torch.__version__,
        "torch_package": ready.get("torch"),
        "python": sys.version.split()[0],
        "attention": "eager",
        "dtype": "float32",
    }


if __name__ == "__main__":
    out_root = sys.argv[1] if len(sys.argv) > 1 else "tests/Hyperfit.Tests/Goldens/models"
    REFERENCE = reference_versions()
    only = set(sys.argv[2:])
    for i, (name, build) in enumerate(MODELS.items()):
        if not only or name in only:
            make(name, build, out_root, seed=1000 + i)
