using System.Globalization;
using System.Reflection;
using System.Text;
using Hyperfit.Training;

namespace Hyperfit.ScaleOut;

/// <summary>The text files of a job folder besides job.json, recipe.json and the data: the training script (an
/// embedded resource, Hyperfit's own), the launchers, the Accelerate config and the README with the memory plan.</summary>
public static class JobFiles
{
    public const string Script = "train.py";
    public const string Launch = "launch.sh";
    public const string LaunchMultinode = "launch-multinode.sh";
    public const string AccelerateConfig = "accelerate.yaml";
    public const string Readme = "README.md";

    /// <summary>The accelerate release whose config schema <see cref="AccelerateConfig"/> was checked against.</summary>
    public const string AccelerateVersion = "1.2.1";

    public static IReadOnlyList<(string Name, string Text)> For(ScaleOutJob job, HyperfitRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(job);
        var files = new List<(string, string)> { (Script, TrainScript()), (Launch, OneNodeLauncher(job)) };
        if (job.Engine != ScaleOutEngine.SingleProcess)
        {
            files.Add((LaunchMultinode, MultinodeLauncher(job)));
        }

        if (job.Engine.UsesAccelerate())
        {
            files.Add((AccelerateConfig, AccelerateYaml(job)));
        }

        files.Add((Readme, JobReadme.Write(job, recipe)));
        return files;
    }

    /// <summary>The job's training script, as shipped inside the library.</summary>
    public static string TrainScript()
    {
        using var stream = typeof(JobFiles).Assembly.GetManifestResourceStream("Hyperfit.ScaleOut.Templates.train.py")
                           ?? throw new InvalidOperationException("the train.py resource is missing from the Hyperfit assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Header(string what) =>
        $"#!/usr/bin/env bash\n# {what}\n# Written by hyperfit export-job. Extra arguments go to train.py (e.g. --resume). PYTHON picks the interpreter;\n# TORCHRUN_ARGS adds torchrun options, ACCELERATE names the accelerate command.\n" +
        "set -euo pipefail\ncd \"$(dirname \"$0\")\"\nPYTHON=\"${PYTHON:-python3}\"\n";

    private static string OneNodeLauncher(ScaleOutJob job)
    {
        var text = new StringBuilder(Header(Inv($"Trains this job on one node ({job.Engine.Name()}, {job.ProcessesPerNode} process(es)).")));
        if (job.Nodes > 1)
        {
            text.Append(Inv($"echo \"error: this job is for {job.Nodes} nodes: run ./{LaunchMultinode} on each of them\" >&2\nexit 1\n"));
            return text.ToString();
        }

        text.Append(job.Engine switch
        {
            ScaleOutEngine.SingleProcess => "exec \"$PYTHON\" train.py \"$@\"\n",
            ScaleOutEngine.TorchrunDdp => Inv($"exec \"$PYTHON\" -m torch.distributed.run --standalone --nnodes 1 --nproc_per_node {job.ProcessesPerNode} ${{TORCHRUN_ARGS:-}} train.py \"$@\"\n"),
            _ => $"exec \"${{ACCELERATE:-accelerate}}\" launch --config_file {AccelerateConfig} train.py \"$@\"\n",
        });
        return text.ToString();
    }

    private static string MultinodeLauncher(ScaleOutJob job)
    {
        var text = new StringBuilder(Header(Inv($"Trains this job on {job.Nodes} node(s) × {job.ProcessesPerNode} process(es): run it once on every node.")));
        text.Append("# NODE_RANK: 0 … nodes − 1 (this node); MASTER_ADDR: the address of node 0; MASTER_PORT: a free port there.\n");
        text.Append(": \"${NODE_RANK:?set NODE_RANK (0 on the first node)}\" \"${MASTER_ADDR:?set MASTER_ADDR (the address of node 0)}\"\n");
        text.Append("MASTER_PORT=\"${MASTER_PORT:-29500}\"\n");
        text.Append(job.Engine == ScaleOutEngine.TorchrunDdp
            ? Inv($"exec \"$PYTHON\" -m torch.distributed.run --nnodes {job.Nodes} --nproc_per_node {job.ProcessesPerNode} --node_rank \"$NODE_RANK\" --master_addr \"$MASTER_ADDR\" --master_port \"$MASTER_PORT\" ${{TORCHRUN_ARGS:-}} train.py \"$@\"\n")
            : Inv($"exec \"${{ACCELERATE:-accelerate}}\" launch --config_file {AccelerateConfig} --num_machines {job.Nodes} --num_processes {job.WorldSize} --machine_rank \"$NODE_RANK\" --main_process_ip \"$MASTER_ADDR\" --main_process_port \"$MASTER_PORT\" train.py \"$@\"\n"));
        return text.ToString();
    }

    /// <summary>An Accelerate <c>ClusterConfig</c> (keys as in accelerate v1.2.1's config_args.py and launch.py).
    /// FSDP: full shard, one unit per decoder layer of the architecture, sharded checkpoints, full state dict
    /// gathered for the final save; the training script does its own micro-batching and loss scaling.</summary>
    private static string AccelerateYaml(ScaleOutJob job)
    {
        var fsdp = job.Engine == ScaleOutEngine.AccelerateFsdp;
        var text = new StringBuilder();
        text.Append(Inv($"# Accelerate config of this job ({job.Engine.Name()}, {job.Nodes} node(s) × {job.ProcessesPerNode} GPU(s)), written by hyperfit export-job.\n"));
        text.Append(Inv($"# Keys follow accelerate v{AccelerateVersion}'s ClusterConfig; launch-multinode.sh overrides the machine settings.\n"));
        text.Append("compute_environment: LOCAL_MACHINE\n");
        text.Append("debug: false\n");
        text.Append(fsdp ? "distributed_type: FSDP\n" : "distributed_type: MULTI_GPU\n");
        text.Append("downcast_bf16: false\n");
        text.Append("gpu_ids: all\n");
        text.Append("machine_rank: 0\n");
        text.Append("main_training_function: main\n");
        text.Append(job.Precision == ScaleOutPrecision.Bf16Mixed
            ? "mixed_precision: bf16  # float32 master weights; forward/backward in bfloat16\n"
            : "mixed_precision: 'no'\n");
        text.Append(Inv($"num_machines: {job.Nodes}\n"));
        text.Append(Inv($"num_processes: {job.WorldSize}\n"));
        text.Append("rdzv_backend: static\n");
        text.Append("same_network: true\n");
        text.Append("use_cpu: false\n");
        if (fsdp)
        {
            text.Append("fsdp_config:\n");
            text.Append("  fsdp_sharding_strategy: FULL_SHARD\n");
            text.Append("  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP\n");
            text.Append("  fsdp_transformer_layer_cls_to_wrap: ").Append(job.Model.DecoderLayerClass).Append('\n');
            text.Append("  fsdp_backward_prefetch: BACKWARD_PRE\n");
            text.Append("  fsdp_forward_prefetch: false\n");
            text.Append("  fsdp_offload_params: false\n");
            text.Append("  fsdp_state_dict_type: SHARDED_STATE_DICT\n");
            text.Append("  fsdp_sync_module_states: true\n");
            text.Append("  fsdp_cpu_ram_efficient_loading: true\n");
            text.Append("  fsdp_use_orig_params: true\n");
            text.Append(job.GradientCheckpointing ? "  fsdp_activation_checkpointing: true\n" : "  fsdp_activation_checkpointing: false\n");
        }

        return text.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
