#!/usr/bin/env python3
"""Trains a Hyperfit job with PyTorch: the recipe in recipe.json, on the token ids and batches in data.safetensors.

Written by `hyperfit export-job` (Hyperfit's own code, not generated from another project). Launch it with
launch.sh (one node) or launch-multinode.sh; `hyperfit import-run --job JOB --out RUN` takes the result back.

What it does, update by update, is what `hyperfit train` does:
  * update u trains on train_ids[update_samples[update_offsets[u]:update_offsets[u + 1]]] at learning_rates[u]
    (the order, Shuffle-1/Shuffle-All and sample counts were decided by Hyperfit and are only read here);
  * the batch is split evenly over the processes and into micro-batches; each micro-batch's mean next-token
    cross-entropy is weighted by its share of the batch, so the update is the mean over the whole batch;
  * Adam (or AdamW on >= 2-D weights) on float32 master weights; bf16-mixed runs forward/backward under bfloat16
    autocast; dropout is off unless the recipe says otherwise (paper section 3);
  * validation (loss, entropy, greedy continuations and their TTR over the last 96 tokens) before the first
    update and after the updates listed in job.json, logged under the official keys to output/training_log.json;
  * a resumable checkpoint every checkpoint_every updates and on SIGTERM/SIGINT (rerun with --resume);
  * the final model with save_pretrained (safetensors) in output/final.
"""

import argparse
import contextlib
import json
import math
import os
import shutil
import signal
import struct
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

TTR_WINDOW = 96  # paper Appendix A.1: TTR over the last 96 tokens
ACCELERATE_ENGINES = ("accelerate-ddp", "accelerate-fsdp")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model", "vocab.json",
                   "merges.txt", "added_tokens.json", "generation_config.json")


class JobError(Exception):
    """An expected failure: printed as one line, exit code 1."""


def read_data(path, job_id):
    """Reads Hyperfit's data.safetensors (our own arrays: I32 ids, I64 indices, F64 rates) with numpy only."""
    dtypes = {"I32": "<i4", "I64": "<i8", "F64": "<f8"}
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        buffer = f.read()
    meta = header.pop("__metadata__", {})
    if meta.get("job_id") != job_id:
        raise JobError(f"{path}: written for job {meta.get('job_id')}, not for this job.json ({job_id})")
    arrays = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        dtype = np.dtype(dtypes[info["dtype"]])
        arrays[name] = np.frombuffer(buffer[start:end], dtype=dtype).reshape(info["shape"])
    return arrays


def write_json_atomically(path, value):
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, allow_nan=False)
        f.write("\n")
    os.replace(temp, path)


def finite_or_none(x):
    return x if x is not None and math.isfinite(x) else None


def next_token_loss(logits, ids):
    """Mean cross-entropy of logits[:, :-1] against ids[:, 1:], in float32 (every position predicts the next token)."""
    b, t, v = logits.shape
    return F.cross_entropy(logits[:, :-1].float().reshape(b * (t - 1), v), ids[:, 1:].reshape(b * (t - 1)))


def mean_entropy(logits):
    """Mean over positions of -sum p log p of the predicted next-token distribution (nats), in float32."""
    log_probs = logits[:, :-1].float().log_softmax(-1)  # (B, T-1, V)
    return -(log_probs.exp() * log_probs).sum(-1).mean()


def type_token_ratio(ids):
    tail = ids[-TTR_WINDOW:]
    return len(set(tail)) / len(tail)


class Engine:
    """The process group and the wrappers of one engine: single, torchrun-ddp, or Accelerate (DDP or FSDP)."""

    def __init__(self, job):
        self.name = job["engine"]
        self.accelerator = None
        self.backend = None
        self.sharded = self.name == "accelerate-fsdp"
        if self.name in ACCELERATE_ENGINES:
            from accelerate import Accelerator  # the engine's config (accelerate.yaml) decides FSDP and mixed precision
            self.accelerator = Accelerator()
            self.rank = self.accelerator.process_index
            self.world = self.accelerator.num_processes
            self.device = self.accelerator.device
            self.backend = str(getattr(self.accelerator.state, "backend", None) or "") or None
        else:
            self.world = int(os.environ.get("WORLD_SIZE", "1"))
            local_rank = int(os.environ.get("LOCAL_RANK", "0"))
            if self.world > 1:
                self.backend = "nccl" if torch.cuda.is_available() else "gloo"
                dist.init_process_group(self.backend)
                self.rank = dist.get_rank()
            else:
                self.rank = 0
            self.device = torch.device("cuda", local_rank) if torch.cuda.is_available() else torch.device("cpu")
            if self.device.type == "cuda":
                torch.cuda.set_device(self.device)
        if self.world != job["world_size"]:
            raise JobError(f"launched with {self.world} processes, but the job was exported for world size "
                           f"{job['world_size']} (re-export with other --nodes/--gpus-per-node)")
        self.main = self.rank == 0
        self.bf16 = job["precision"] == "bf16-mixed"

    def wrap(self, model):
        """Moves and wraps the model; returns (model used for training, the bare transformers model)."""
        if self.accelerator is not None:
            wrapped = self.accelerator.prepare(model)
            return wrapped, self.accelerator.unwrap_model(wrapped)
        model.to(self.device)
        if self.world > 1:
            from torch.nn.parallel import DistributedDataParallel
            ids = [self.device.index] if self.device.type == "cuda" else None
            # No buffer changes during training (rotary tables are recomputed), so no per-forward broadcast.
            wrapped = DistributedDataParallel(model, device_ids=ids, broadcast_buffers=False, gradient_as_bucket_view=True)
            return wrapped, model
        return model, model

    def prepare_optimizer(self, optimizer):
        return self.accelerator.prepare(optimizer) if self.accelerator is not None else optimizer

    def autocast(self):
        if self.accelerator is not None or not self.bf16:
            return contextlib.nullcontext()  # Accelerate autocasts the prepared model itself (mixed_precision in its config)
        return torch.autocast(device_type=self.device.type, dtype=torch.bfloat16)

    def no_sync(self, model, skip):
        if not skip or self.world == 1:
            return contextlib.nullcontext()
        return self.accelerator.no_sync(model) if self.accelerator is not None else model.no_sync()

    def backward(self, loss):
        if self.accelerator is not None:
            self.accelerator.backward(loss)
        else:
            loss.backward()

    def clip(self, model, max_norm):
        if self.accelerator is not None:
            self.accelerator.clip_grad_norm_(model.parameters(), max_norm)
        else:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)

    def sum(self, value):
        """Sum of a float over all processes (float64)."""
        if self.world == 1:
            return value
        t = torch.tensor([value], dtype=torch.float64, device=self.device)
        if self.accelerator is not None:
            t = self.accelerator.reduce(t, reduction="sum")
        else:
            dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return float(t.item())

    def barrier(self):
        if self.accelerator is not None:
            self.accelerator.wait_for_everyone()
        elif self.world > 1:
            dist.barrier()

    def close(self):
        if self.accelerator is None and self.world > 1 and dist.is_initialized():
            dist.destroy_process_group()


def clean_name(name):
    """A parameter's name without the wrappers' prefixes (DDP's module., FSDP's and checkpointing's)."""
    for token in ("_fsdp_wrapped_module.", "_checkpoint_wrapped_module.", "_orig_mod."):
        name = name.replace(token, "")
    return name[len("module."):] if name.startswith("module.") else name


def make_optimizer(model, recipe, decayed_names):
    betas = (recipe["beta1"], recipe["beta2"])
    if recipe["optimizer"] == "adam":
        # Paper section 3: Adam, no weight decay (a non-zero weight_decay is Adam's coupled L2, as in Hyperfit).
        return torch.optim.Adam(model.parameters(), lr=recipe["learning_rate"], betas=betas, eps=recipe["epsilon"],
                                weight_decay=recipe["weight_decay"])
    if recipe["optimizer"] == "adam_w":
        # Decoupled decay on matrices only (embeddings, projections, head), as Hyperfit's AdamW.
        decay, no_decay = [], []
        for name, p in model.named_parameters():
            (decay if clean_name(name) in decayed_names else no_decay).append(p)
        return torch.optim.AdamW([{"params": decay, "weight_decay": recipe["weight_decay"]},
                                  {"params": no_decay, "weight_decay": 0.0}],
                                 lr=recipe["learning_rate"], betas=betas, eps=recipe["epsilon"])
    raise JobError(f"recipe optimizer {recipe['optimizer']!r} is not supported")


class Run:
    def __init__(self, args):
        self.job_dir = os.path.abspath(args.job)
        with open(os.path.join(self.job_dir, "job.json"), encoding="utf-8") as f:
            self.job = json.load(f)
        with open(os.path.join(self.job_dir, self.job["recipe_file"]), encoding="utf-8") as f:
            self.recipe = json.load(f)
        self.out = os.path.abspath(args.output or os.path.join(self.job_dir, self.job["output_directory"]))
        self.checkpoint_dir = os.path.join(self.out, "checkpoint")
        self.log_path = os.path.join(self.out, "training_log.json")
        self.stop_after = args.stop_after
        self.stop_requested = False
        self.engine = Engine(self.job)

        arrays = read_data(os.path.join(self.job_dir, self.job["data"]["file"]), self.job["job_id"])
        self.train_ids = arrays["train_ids"]
        self.val_ids = torch.from_numpy(arrays["validation_ids"].astype(np.int64))
        self.offsets = arrays["update_offsets"]
        self.samples = arrays["update_samples"]
        self.rates = arrays["learning_rates"]
        self.total = self.job["schedule"]["total_updates"]
        if len(self.rates) != self.total or self.train_ids.shape[1] != self.job["data"]["sequence_length"]:
            raise JobError("data.safetensors does not match job.json (updates or sequence length)")
        self.validate_after = set(self.job["schedule"]["validate_after"])

        if self.engine.main:
            os.makedirs(self.out, exist_ok=True)
        has_checkpoint = os.path.isdir(self.checkpoint_dir)
        if args.resume and not has_checkpoint:
            raise JobError(f"--resume: no checkpoint in {self.out}")
        if not args.resume and has_checkpoint:
            raise JobError(f"{self.checkpoint_dir} exists: pass --resume to continue that run, or choose another --output")
        if not args.resume and os.path.isdir(os.path.join(self.out, "final")):
            raise JobError(f"{self.out}/final exists: this job already finished (choose another --output to train again)")
        self.resume = args.resume

        torch.manual_seed(self.recipe["seed"])
        self.model, self.bare = self.load_model()
        self.optimizer = self.engine.prepare_optimizer(make_optimizer(self.model, self.recipe, self.decayed_names))
        self.tokenizer = self.load_tokenizer()
        self.update = 0
        self.loss_sum = 0.0
        self.loss_count = 0
        self.logs = []
        self.resumed_at = []
        if self.resume:
            self.load_checkpoint()

    def model_dir(self):
        path = self.job["model"]["directory"]
        return path if os.path.isabs(path) else os.path.join(self.job_dir, path)

    def load_model(self):
        from transformers import AutoConfig, AutoModelForCausalLM
        config = AutoConfig.from_pretrained(self.model_dir())
        # Paper section 3: no dropout while hyperfitting (config.json values are ignored, as in Hyperfit).
        self.saved_config = {}
        for key, value in config.to_dict().items():
            if ("dropout" in key or "pdrop" in key) and isinstance(value, float):
                self.saved_config[key] = value
                setattr(config, key, float(self.recipe["dropout"]))
        self.saved_config["use_cache"] = config.use_cache
        config.use_cache = False
        model = AutoModelForCausalLM.from_pretrained(self.model_dir(), config=config, torch_dtype=torch.float32)
        self.decayed_names = {name for name, p in model.named_parameters() if p.dim() >= 2}
        if self.job["gradient_checkpointing"] and not self.engine.sharded:
            # FSDP checkpoints activations itself (fsdp_activation_checkpointing in accelerate.yaml).
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.train()
        return self.engine.wrap(model)

    def load_tokenizer(self):
        """For readable val_gen_seqs only: `hyperfit import-run` re-decodes val_gen_ids with Hyperfit's tokenizer."""
        try:
            from transformers import AutoTokenizer
            return AutoTokenizer.from_pretrained(self.model_dir())
        except Exception as e:  # noqa: BLE001 - any failure only costs readable texts in this log
            if self.engine.main:
                print(f"note: no Python tokenizer ({type(e).__name__}); val_gen_seqs hold ids until import-run decodes them",
                      file=sys.stderr)
            return None

    # ---- training ------------------------------------------------------------------------------------------------

    def train(self):
        if 0 in self.validate_after and not self.logs:
            self.validate(None)
        world, rank = self.engine.world, self.engine.rank
        micro = self.job["micro_batch_size"]
        while self.update < self.total:
            if self.should_stop():
                self.save_checkpoint()
                if self.engine.main:
                    print(f"stopped at update {self.update}; checkpoint in {self.checkpoint_dir} (rerun with --resume)",
                          file=sys.stderr)
                return 130
            u = self.update
            rows = self.samples[self.offsets[u]:self.offsets[u + 1]]
            share = len(rows) // world
            mine = rows[rank * share:(rank + 1) * share]
            for group in self.optimizer.param_groups:
                group["lr"] = float(self.rates[u])
            chunks = [mine[i:i + micro] for i in range(0, share, micro)]
            local = 0.0
            for k, chunk in enumerate(chunks):
                ids = torch.from_numpy(self.train_ids[chunk].astype(np.int64)).to(self.engine.device)  # (b, T)
                weight = len(chunk) / len(rows)
                with self.engine.no_sync(self.model, skip=k < len(chunks) - 1):
                    with self.engine.autocast():
                        logits = self.model(input_ids=ids).logits  # (b, T, V)
                    loss = next_token_loss(logits, ids)
                    # DDP and FSDP average gradients over the processes: scale by the world size so the sum over
                    # micro-batches and processes is the mean over the whole batch.
                    self.engine.backward(loss * (weight * world))
                local += loss.item() * weight  # sync point
            batch_loss = self.engine.sum(local)
            if not math.isfinite(batch_loss):
                kept = self.checkpoint_dir if os.path.isdir(self.checkpoint_dir) else "no checkpoint written yet"
                raise JobError(f"update {u + 1}: training loss is {batch_loss}; stopped without applying it ({kept})")
            if self.recipe.get("clip_grad_norm") is not None:
                self.engine.clip(self.model, self.recipe["clip_grad_norm"])
            self.optimizer.step()
            self.optimizer.zero_grad(set_to_none=True)
            self.update = u + 1
            self.loss_sum += batch_loss
            self.loss_count += 1
            if self.engine.main:
                print(f"update {self.update}/{self.total} loss {batch_loss:.6f}", flush=True)
            if self.update in self.validate_after:
                self.validate(self.loss_sum / self.loss_count)
            every = self.job["schedule"]["checkpoint_every"]
            if every > 0 and self.update % every == 0 and self.update < self.total:
                self.save_checkpoint()
            if self.stop_after is not None and self.update == self.stop_after and self.update < self.total:
                self.save_checkpoint()
                if self.engine.main:
                    print(f"stopped after update {self.update} (--stop-after); rerun with --resume", file=sys.stderr)
                return 3
        self.save_final()
        return 0

    def should_stop(self):
        flag = self.engine.sum(1.0 if self.stop_requested else 0.0)
        return flag > 0

    # ---- validation ----------------------------------------------------------------------------------------------

    def validate(self, train_loss):
        epoch = self.update / self.job["schedule"]["updates_per_epoch"]
        m = len(self.val_ids)
        if m == 0:
            self.log_entry(train_loss, epoch, None, None, None, [], [])
            return
        # FSDP needs every process in every forward; the bare model suffices elsewhere (all processes compute the
        # same numbers; process 0 writes them).
        net = self.model if self.engine.sharded else self.bare
        net.eval()
        batch = self.recipe["batch_size"]
        loss_sum = entropy_sum = 0.0
        with torch.no_grad():
            for start in range(0, m, batch):
                ids = self.val_ids[start:start + batch].to(self.engine.device)  # (b, T)
                logits = net(input_ids=ids).logits  # (b, T, V)
                loss_sum += next_token_loss(logits, ids).item() * len(ids)  # sync point
                entropy_sum += mean_entropy(logits).item() * len(ids)  # sync point
            continuations = self.greedy(net, self.val_ids[:, :self.recipe["ttr_context_tokens"]])
        net.train()
        n = self.recipe["ttr_generated_tokens"]
        ttr = sum(type_token_ratio(c) for c in continuations) / len(continuations) if n > 0 else None
        if self.tokenizer is not None:
            texts = [self.tokenizer.decode(c) for c in continuations]
        else:
            texts = [" ".join(str(t) for t in c) for c in continuations]
        self.log_entry(train_loss, epoch, loss_sum / m, entropy_sum / m, ttr, texts, continuations)

    def greedy(self, net, contexts):
        """Figure 2: fixed-length greedy continuations of held-out contexts (no EOS stop), with the KV cache."""
        n = self.recipe["ttr_generated_tokens"]
        if n == 0:
            return [[] for _ in range(len(contexts))]
        from transformers import DynamicCache
        ids = contexts.to(self.engine.device)  # (M, C)
        out = net(input_ids=ids, past_key_values=DynamicCache(), use_cache=True)
        generated = []
        for step in range(n):
            token = out.logits[:, -1].argmax(-1)  # (M,)
            generated.append(token)
            if step + 1 < n:
                out = net(input_ids=token[:, None], past_key_values=out.past_key_values, use_cache=True)
        return torch.stack(generated, 1).cpu().tolist()  # (M, n)

    def log_entry(self, train_loss, epoch, val_loss, val_entropy, val_ttr, texts, ids):
        self.logs.append({
            "train_loss": finite_or_none(train_loss), "update_counter": self.update, "epoch": epoch,
            "val_loss": finite_or_none(val_loss), "val_entropy": finite_or_none(val_entropy),
            "val_ttr": finite_or_none(val_ttr), "val_gen_seqs": texts, "val_gen_ids": ids,
        })
        self.loss_sum = 0.0
        self.loss_count = 0
        if self.engine.main:
            write_json_atomically(self.log_path, {"config": self.config_echo(), "logs": self.logs})

    def config_echo(self):
        import transformers
        try:
            import accelerate
            accelerate_version = accelerate.__version__
        except ImportError:
            accelerate_version = None
        return {
            "job_id": self.job["job_id"], "engine": self.engine.name, "world_size": self.engine.world,
            "precision": self.job["precision"], "device": self.engine.device.type, "backend": self.engine.backend,
            "torch_version": torch.__version__, "transformers_version": transformers.__version__,
            "accelerate_version": accelerate_version if self.engine.accelerator is not None else None,
            "python_version": sys.version.split()[0], "resumed_at": self.resumed_at,
        }

    # ---- checkpoints and the final model -------------------------------------------------------------------------

    def save_checkpoint(self):
        temp = self.checkpoint_dir + ".tmp"
        if self.engine.main:
            shutil.rmtree(temp, ignore_errors=True)
            os.makedirs(temp)
        self.engine.barrier()
        if self.engine.accelerator is not None:
            self.engine.accelerator.save_state(temp)  # every process: FSDP shards model and optimizer states
        elif self.engine.main:
            torch.save({"model": self.bare.state_dict(), "optimizer": self.optimizer.state_dict()},
                       os.path.join(temp, "state.pt"))
        if self.engine.main:
            write_json_atomically(os.path.join(temp, "trainer_state.json"), {
                "job_id": self.job["job_id"], "update": self.update, "loss_sum": self.loss_sum,
                "loss_count": self.loss_count, "logs": self.logs, "resumed_at": self.resumed_at,
            })
            old = self.checkpoint_dir + ".old"
            shutil.rmtree(old, ignore_errors=True)
            if os.path.isdir(self.checkpoint_dir):
                os.replace(self.checkpoint_dir, old)
            os.replace(temp, self.checkpoint_dir)
            shutil.rmtree(old, ignore_errors=True)
        self.engine.barrier()

    def load_checkpoint(self):
        with open(os.path.join(self.checkpoint_dir, "trainer_state.json"), encoding="utf-8") as f:
            state = json.load(f)
        if state["job_id"] != self.job["job_id"]:
            raise JobError(f"{self.checkpoint_dir} was written by another job ({state['job_id'][:12]}...); nothing was changed")
        if self.engine.accelerator is not None:
            self.engine.accelerator.load_state(self.checkpoint_dir)
        else:
            saved = torch.load(os.path.join(self.checkpoint_dir, "state.pt"), map_location=self.engine.device)
            self.bare.load_state_dict(saved["model"])
            self.optimizer.load_state_dict(saved["optimizer"])
        self.update = state["update"]
        self.loss_sum = state["loss_sum"]
        self.loss_count = state["loss_count"]
        self.logs = state["logs"]
        self.resumed_at = state["resumed_at"] + [self.update]

    def save_final(self):
        final = os.path.join(self.out, "final")
        temp = final + ".tmp"
        if self.engine.main:
            shutil.rmtree(temp, ignore_errors=True)
        # The config as it came (dropout and use_cache were changed for training only).
        for key, value in self.saved_config.items():
            setattr(self.bare.config, key, value)
        if self.engine.accelerator is not None:
            state = self.engine.accelerator.get_state_dict(self.model)  # every process: gathers FSDP shards
            self.bare.save_pretrained(temp, is_main_process=self.engine.main, save_function=self.engine.accelerator.save,
                                      state_dict=state, safe_serialization=True)
        elif self.engine.main:
            self.bare.save_pretrained(temp, safe_serialization=True)
        if self.engine.main:
            for name in TOKENIZER_FILES:
                source = os.path.join(self.model_dir(), name)
                if os.path.isfile(source) and not os.path.exists(os.path.join(temp, name)):
                    shutil.copyfile(source, os.path.join(temp, name))
            os.replace(temp, final)
            shutil.rmtree(self.checkpoint_dir, ignore_errors=True)
            print(f"trained {self.update} updates; model -> {final}, log -> {self.log_path}", file=sys.stderr)
        self.engine.barrier()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--job", default=os.path.dirname(os.path.abspath(__file__)), help="job folder (default: this script's)")
    parser.add_argument("--output", help="where the log, checkpoint and final model go (default: JOB/output)")
    parser.add_argument("--resume", action="store_true", help="continue from OUTPUT/checkpoint")
    parser.add_argument("--stop-after", type=int, help="checkpoint and stop after this many updates (to test resuming)")
    args = parser.parse_args()
    run = None
    try:
        run = Run(args)

        def request_stop(signum, _frame):
            run.stop_requested = True  # finish the current update, checkpoint, exit

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        code = run.train()
    except JobError as e:
        print(f"error: {e}", file=sys.stderr)
        code = 1
    finally:
        if run is not None:
            run.engine.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
