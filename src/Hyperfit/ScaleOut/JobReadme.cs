using System.Globalization;
using System.Text;
using Hyperfit.Training;

namespace Hyperfit.ScaleOut;

/// <summary>The job's README.md: what the job is, how to run it on one or N nodes, how to take it back, and the
/// memory plan for this model and world size.</summary>
public static class JobReadme
{
    public static string Write(ScaleOutJob job, HyperfitRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(recipe);
        var m = job.Model;
        var t = new StringBuilder();
        void Line(FormattableString s) => t.Append(s.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"# Hyperfit job {job.JobId[..12]}");
        Line($"");
        Line($"Written by `hyperfit export-job`: hyperfits `{m.Architecture}` ({Millions(m.Parameters)} parameters, from `{m.Source}`) on");
        Line($"{job.Data.TrainingSamples} × {job.Data.SequenceLength} tokens of `{job.Data.Source}` for {job.Schedule.TotalUpdates} updates with");
        Line($"PyTorch, engine **{job.Engine.Name()}** on {job.Nodes} node(s) × {job.ProcessesPerNode} process(es) = world size {job.WorldSize}, precision {job.Precision.Name()}{(job.GradientCheckpointing ? ", gradient checkpointing" : "")}.");
        Line($"The recipe is `recipe.json` (Hyperfit's format: `hyperfit train --config recipe.json` runs the same one); the");
        Line($"token ids, the per-update batches and learning rates are `data.safetensors`, exactly what `hyperfit train` would use.");
        Line($"");
        Line($"| File | What it is |");
        Line($"|---|---|");
        Line($"| `job.json` | engine, layout, model and data facts, validation schedule (read by `train.py` and `hyperfit import-run`) |");
        Line($"| `recipe.json` | epochs {recipe.Epochs}, max_updates {(recipe.MaxUpdates?.ToString(CultureInfo.InvariantCulture) ?? "none")}, {recipe.Optimizer} lr {recipe.LearningRate:G}, betas {recipe.Beta1:G}/{recipe.Beta2:G}, eps {recipe.Epsilon:G}, weight decay {recipe.WeightDecay:G}, batch {recipe.BatchSize}, dropout {recipe.Dropout:G}, validate every {recipe.ValidateEvery} |");
        Line($"| `data.safetensors` | `train_ids` I32 ({job.Data.TrainingSamples}, {job.Data.SequenceLength}), `validation_ids` I32 ({job.Data.ValidationSequences}, {job.Data.SequenceLength}), `update_offsets`/`update_samples` I64 (update u reads `train_ids[update_samples[update_offsets[u]:update_offsets[u+1]]]`), `learning_rates` F64 |");
        Line($"| `{m.Directory}` | the starting model (Hugging Face folder) |");
        Line($"| `train.py` | the training script (PyTorch + transformers{(job.Engine.UsesAccelerate() ? " + Accelerate" : "")}) |");
        Line($"| `launch.sh`{(job.Engine == ScaleOutEngine.SingleProcess ? "" : ", `launch-multinode.sh`")}{(job.Engine.UsesAccelerate() ? ", `accelerate.yaml`" : "")} | how to start it |");
        Line($"");
        Line($"## Run");
        Line($"Needs Python 3 with PyTorch (≥ 1.13; FSDP needs ≥ 2.0 in practice), numpy and transformers (tested with 4.47){(job.Engine.UsesAccelerate() ? $", and accelerate (config checked against v{JobFiles.AccelerateVersion})" : "")}.");
        Line($"```bash");
        if (job.Nodes == 1)
        {
            Line($"./launch.sh                     # one node; add --resume after an interruption");
        }

        if (job.Engine != ScaleOutEngine.SingleProcess)
        {
            Line($"# {job.Nodes} node(s): on every node, with its rank and node 0's address");
            Line($"NODE_RANK=0 MASTER_ADDR=node0.example MASTER_PORT=29500 ./launch-multinode.sh");
            Line($"# Slurm: srun --nodes {job.Nodes} --ntasks-per-node 1 bash -c 'NODE_RANK=$SLURM_NODEID MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n1) ./launch-multinode.sh'");
        }

        Line($"```");
        Line($"It writes `output/training_log.json` (Hyperfit's log keys: {string.Join(", ", job.LogKeys)}, plus `val_gen_ids`),");
        Line($"`output/checkpoint/` every {job.Schedule.CheckpointEvery} updates and on SIGTERM/SIGINT (continue with `--resume`), and");
        Line($"`output/final/` (safetensors, float32) at the end. Then, on a machine with Hyperfit:");
        Line($"```bash");
        Line($"hyperfit import-run --job THIS_FOLDER --out RUN      # RUN/final + RUN/training_log.json, as hyperfit train writes them");
        Line($"```");
        Line($"");
        Line($"Each update's batch of {job.GlobalBatchSize} sequences is split evenly: {job.PerDeviceBatchSize} per process, in micro-batches of {job.MicroBatchSize}");
        Line($"({job.PerDeviceBatchSize / job.MicroBatchSize} forward/backward pass(es) per process and update); the losses are weighted so the update is Hyperfit's mean over the batch.");
        Line($"");
        Line($"## Memory plan (per device, estimate)");
        AppendMemoryPlan(t, job);
        Line($"");
        Line($"## More nodes, other GPUs");
        Line($"The world size is fixed in the job because it must divide the batch ({job.GlobalBatchSize}) and the data was checked against it:");
        Line($"re-export with `--nodes`/`--gpus-per-node` (and `--engine accelerate-fsdp` when the replica above does not fit) rather than");
        Line($"editing the launchers. Per-device memory falls with the world size only under FSDP (weights, gradients and Adam states");
        Line($"are divided by it; activations are not). `--gradient-checkpointing` trades a second forward for activation memory;");
        Line($"`--micro-batch-size` lowers activation memory further at no change to the update.");
        return t.ToString();
    }

    private static void AppendMemoryPlan(StringBuilder t, ScaleOutJob job)
    {
        var m = job.Model;
        var rows = new List<(string Label, MemoryPlan Plan)>
        {
            ($"DDP (replica), world {job.WorldSize}", MemoryPlan.Estimate(m, job.WorldSize, false, job.MicroBatchSize, job.Data.SequenceLength, job.Precision, job.GradientCheckpointing)),
            ($"FSDP full shard, world {job.WorldSize}", MemoryPlan.Estimate(m, job.WorldSize, true, job.MicroBatchSize, job.Data.SequenceLength, job.Precision, job.GradientCheckpointing)),
        };
        t.Append(CultureInfo.InvariantCulture, $"{m.Architecture}: P = {m.Parameters:N0} parameters ({m.NumLayers} layers, hidden {m.HiddenSize}, intermediate {m.IntermediateSize}, ")
            .Append(CultureInfo.InvariantCulture, $"{m.NumAttentionHeads} heads / {m.NumKeyValueHeads} kv, vocabulary {m.VocabSize}; largest layer {m.LargestLayerParameters:N0}); ")
            .Append(CultureInfo.InvariantCulture, $"micro-batch {job.MicroBatchSize} × {job.Data.SequenceLength} tokens, {job.Precision.Name()}{(job.GradientCheckpointing ? ", gradient checkpointing" : "")}. ")
            .Append(CultureInfo.InvariantCulture, $"This job uses **{(job.Engine.Shards() ? "FSDP" : "a full replica per device")}**.\n\n");
        t.Append("| Layout | Weights | Gradients | Adam states | Gathered units / bf16 casts | Activations | Logits + loss | Total |\n");
        t.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var (label, p) in rows)
        {
            t.Append(CultureInfo.InvariantCulture,
                $"| {label} | {Size(p.WeightBytes)} | {Size(p.GradientBytes)} | {Size(p.AdamBytes)} | {Size(p.GatheredBytes)} | {Size(p.ActivationBytes)} | {Size(p.LogitBytes)} | **{Size(p.TotalBytes)}** |\n");
        }

        t.Append('\n');
        t.Append("Formulas (P parameters, W world size, U largest FSDP unit, c = 4 bytes fp32 / 2 bf16, b micro-batch, T tokens, L layers,\n");
        t.Append("h hidden, h_kv = h·kv/heads, i intermediate, a heads, V vocabulary): weights 4P, gradients 4P, Adam 8P (float32 master;\n");
        t.Append("FSDP divides the three by W and adds 3·c·U for two gathered units and one unsharded gradient; DDP in bf16 keeps the\n");
        t.Append("bfloat16 cast of every weight, 2P); activations L·b·T·((6h + 2h_kv + 4i)·c + a·T·4) (GELU MLPs: 2i; bf16 adds c to\n");
        t.Append("the a·T term), with gradient checkpointing L·b·T·h·c plus one layer's; logits b·T·V·(c + 4, + 4 in bf16). Not counted:\n");
        t.Append("the CUDA context, NCCL buffers and allocator slack (add 1–3 GB per GPU).\n");
    }

    private static string Millions(long n) => n >= 1_000_000_000
        ? (n / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "B"
        : (n / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M";

    /// <summary>Binary units: GiB above 1 GiB, else MiB.</summary>
    public static string Size(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
