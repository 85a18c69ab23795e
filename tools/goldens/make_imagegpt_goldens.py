"""ImageGPT goldens made by Hugging Face transformers itself (see docs/images.md, "Fidelity").

    . /work/ref/env.sh && $HYPERFIT_REF_PYTHON tools/goldens/make_imagegpt_goldens.py \
        tests/Hyperfit.Tests/Goldens/imagegpt /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz EMOJI_DIR

EMOJI_DIR is img/google/64 of the npm package emoji-datasource-google (Noto emoji, images Apache-2.0).
Needs python3-pil (transformers' image processor imports PIL). Writes into OUT:
  model/          a tiny random ImageGPTForCausalImageModeling saved by save_pretrained (config.json + model.safetensors)
  model-bin/      the same weights as pytorch_model.bin (torch.save), with the causal-mask buffers
                  (h.N.attn.bias, h.N.attn.masked_bias) that files written by older transformers carry
  images/         the real images the processor goldens use (two Fashion-MNIST test images, two Noto emoji)
  processor-*/    preprocessor_config.json files (an RGB palette, a gray palette with exact midpoints)
  golden.json     logits, hidden states, greedy completions in both sequence layouts (with every step's logits), processor ids
The versions used and the sha256 of every file written are recorded in golden.json.
"""
import gzip
import hashlib
import json
import os
import sys

import numpy as np
import torch
import transformers
from PIL import Image
from transformers import ImageGPTConfig, ImageGPTForCausalImageModeling, ImageGPTImageProcessor

torch.set_num_threads(1)
SIDE = 8                     # the tiny model's images are 8 x 8
CLUSTERS = 32
CONTEXT_ROWS = 2
EMOJI = ["1f34e.png", "1f600.png"]   # red apple, grinning face


def flat(t):
    return [float("%.9g" % x) for x in t.detach().reshape(-1).tolist()]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def reference_versions():
    ready = {}
    path = os.environ.get("HYPERFIT_REF_READY", "/work/ref/READY-transformers")
    if os.path.exists(path):
        for line in open(path):
            k, _, v = line.strip().partition("=")
            ready[k] = v
    import PIL
    return {
        "generator": "tools/goldens/make_imagegpt_goldens.py",
        "transformers": transformers.__version__,
        "transformers_commit": ready.get("transformers_commit"),
        "torch": torch.__version__,
        "torch_package": ready.get("torch"),
        "numpy": np.__version__,
        "pillow": PIL.__version__,
        "python": sys.version.split()[0],
        "attention": "eager",
        "dtype": "float32",
    }


def make_model(out):
    torch.manual_seed(1313)
    # head_dim 16: transformers >= 4.43 (commit c9f191a, June 2024) divides ImageGPT's attention scores by
    # int(sqrt(head_dim)) (utils.generic.torch_float returns int() outside tracing) instead of sqrt(head_dim); with a
    # square head_dim the two agree, so this golden pins the model without pinning that bug (docs/images.md).
    config = ImageGPTConfig(vocab_size=CLUSTERS + 1, n_positions=SIDE * SIDE, n_embd=64, n_layer=2, n_head=4,
                            attn_implementation="eager")
    model = ImageGPTForCausalImageModeling(config)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.2)  # every weight matters, norm gains included
    model.eval()
    os.makedirs(os.path.join(out, "model"), exist_ok=True)
    model.save_pretrained(os.path.join(out, "model"), safe_serialization=True)
    gen = os.path.join(out, "model", "generation_config.json")
    if os.path.exists(gen):
        os.remove(gen)

    # pytorch_model.bin as released ImageGPT checkpoints ship it, buffers included
    os.makedirs(os.path.join(out, "model-bin"), exist_ok=True)
    state = dict(model.state_dict())
    for i in range(config.n_layer):
        state[f"transformer.h.{i}.attn.bias"] = torch.tril(torch.ones(SIDE * SIDE, SIDE * SIDE, dtype=torch.bool)).view(
            1, 1, SIDE * SIDE, SIDE * SIDE)
        state[f"transformer.h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    torch.save(state, os.path.join(out, "model-bin", "pytorch_model.bin"))
    config.save_pretrained(os.path.join(out, "model-bin"))
    return model


def greedy(model, context, new_tokens):
    g = model.generate(torch.tensor([context]), attention_mask=torch.ones(1, len(context), dtype=torch.long),
                       do_sample=False, max_new_tokens=new_tokens, eos_token_id=None, pad_token_id=0,
                       output_logits=True, return_dict_in_generate=True, synced_gpus=False)
    return g.sequences[0, len(context):].tolist(), flat(torch.stack([s[0] for s in g.logits]))


def processor_ids(processor, rgb):
    return processor(images=rgb, return_tensors="np")["input_ids"][0].tolist()


def composite_on_white(rgba):
    # Hyperfit's documented rule for an alpha channel: round((c*a + 255*(255-a)) / 255)
    c = rgba[..., :3].astype(np.int64)
    a = rgba[..., 3:4].astype(np.int64)
    return ((c * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def main(out, fashion_idx, emoji_dir):
    golden = {"reference": reference_versions()}
    model = make_model(out)
    sos = model.config.vocab_size - 1
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, CLUSTERS, SIDE * SIDE).tolist()
    with torch.no_grad():
        ids = [sos] + pixels[:23]
        golden["input_ids"] = ids
        o = model(torch.tensor([ids]), output_hidden_states=True)
        golden["logits"] = flat(o.logits[0])
        golden["hidden_states"] = flat(torch.stack([h[0] for h in o.hidden_states]))
        golden["hidden_states_shape"] = [len(o.hidden_states), len(ids), model.config.n_embd]
        golden["vocab_size"] = model.config.vocab_size
        context = pixels[:CONTEXT_ROWS * SIDE]
        new = SIDE * SIDE - len(context)
        # the paper's official layout: the ids alone
        golden["raw_context"] = context
        golden["raw_greedy"], golden["raw_greedy_step_logits"] = greedy(model, context, new)
        # transformers' layout: start token first; 1 + 64 ids for 64 positions (the last is never fed)
        golden["start_context"] = [sos] + context
        golden["start_greedy"], golden["start_greedy_step_logits"] = greedy(model, [sos] + context, new)

    # which parameters a training step updates: ImageGPTLayerNorm multiplies by weight.data, so the norm gains get
    # no gradient (training with transformers leaves them unchanged)
    model.zero_grad()
    model(torch.tensor([ids]), labels=torch.tensor([ids])).loss.backward()
    golden["parameters_without_gradient"] = sorted(n for n, p in model.named_parameters() if p.grad is None)
    model.zero_grad()

    images = os.path.join(out, "images")
    os.makedirs(images, exist_ok=True)
    with gzip.open(fashion_idx, "rb") as f:
        raw = f.read()
    assert int.from_bytes(raw[:4], "big") == 0x803
    for i in (0, 1):
        gray = np.frombuffer(raw, np.uint8, 28 * 28, 16 + i * 28 * 28).reshape(28, 28)
        Image.fromarray(gray, "L").save(os.path.join(images, f"fashion-{i}.png"))
    for name in EMOJI:
        with open(os.path.join(emoji_dir, name), "rb") as src, open(os.path.join(images, "emoji-" + name), "wb") as dst:
            dst.write(src.read())

    # An RGB palette (seeded uniform in [-1, 1]) and, for ties, a gray palette of the even byte values: every odd
    # byte lies exactly half-way between two clusters, so float rounding alone decides which one transformers picks.
    rgb_clusters = np.round(rng.uniform(-1, 1, (CLUSTERS, 3)), 6)
    even = np.arange(0, 256, 16, dtype=np.float64)
    gray_clusters = np.repeat((even / 127.5 - 1)[:, None], 3, axis=1)
    processors = {
        "processor-rgb": (rgb_clusters, {"height": 64, "width": 64}),
        "processor-gray": (gray_clusters, 28),
    }
    for folder, (clusters, size) in processors.items():
        p = ImageGPTImageProcessor(clusters=clusters.tolist(), size=size)
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        p.save_pretrained(os.path.join(out, folder))

    cases = {}
    rgb_proc = ImageGPTImageProcessor.from_pretrained(os.path.join(out, "processor-rgb"))
    gray_proc = ImageGPTImageProcessor.from_pretrained(os.path.join(out, "processor-gray"))
    for i in (0, 1):
        img = np.array(Image.open(os.path.join(images, f"fashion-{i}.png")).convert("RGB"))
        cases[f"fashion-{i}.png"] = {"processor": "processor-gray", "input_ids": processor_ids(gray_proc, img)}
    for name in EMOJI:
        rgba = np.array(Image.open(os.path.join(images, "emoji-" + name)).convert("RGBA"))
        cases["emoji-" + name] = {"processor": "processor-rgb", "input_ids": processor_ids(rgb_proc, composite_on_white(rgba))}
    # every 8-bit gray value against the midpoint palette, as one 16 x 16 image
    ramp = np.repeat(np.arange(256, dtype=np.uint8).reshape(16, 16)[..., None], 3, axis=2)
    ramp_proc = ImageGPTImageProcessor(clusters=gray_clusters.tolist(), size=16)
    cases["gray-ramp"] = {"processor": "processor-gray", "size": 16, "input_ids": processor_ids(ramp_proc, ramp)}
    golden["processor_cases"] = cases
    # decoding as transformers' docs do it: rint(127.5 * (cluster + 1)) as uint8
    golden["decoded_rgb_clusters"] = np.rint(127.5 * (rgb_clusters + 1.0)).astype(np.uint8).tolist()

    files = {}
    for root, _, names in os.walk(out):
        for n in sorted(names):
            if n != "golden.json":
                path = os.path.join(root, n)
                files[os.path.relpath(path, out)] = sha256(path)
    golden["files_sha256"] = dict(sorted(files.items()))
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    print("raw greedy", golden["raw_greedy"][:8], "start greedy", golden["start_greedy"][:8])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
