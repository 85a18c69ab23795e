using System.Text.Json;
using Hyperfit.ScaleOut;
using Hyperfit.Tests.Training;
using Hyperfit.Tokenization;
using Hyperfit.Training;

namespace Hyperfit.Tests.ScaleOut;

public sealed class JobExporterTests : IClassFixture<ScaleOutFixture>
{
    private readonly ScaleOutFixture _fixture;

    public JobExporterTests(ScaleOutFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData(DataVariant.None)]
    [InlineData(DataVariant.Shuffle1)]
    [InlineData(DataVariant.ShuffleAll)]
    public void Should_export_the_ids_and_batches_that_hyperfit_train_reads_for_every_data_variant(DataVariant variant)
    {
        // Given the options of a hyperfit train run (12 samples, batch 4, 7 updates: three epochs begun)
        var recipe = ScaleOutFixture.Recipe(variant);

        // When it is exported
        var request = _fixture.Request(recipe);
        var job = JobExporter.Export(request);
        var data = JobData.Read(Path.Combine(request.OutputDirectory, job.Data.File));

        // Then the ids are the dataset hyperfit train builds from the same file and tokenizer...
        var dataset = SequenceDataset.Load(_fixture.DataPath, HfTokenizer.Load(_fixture.ModelDir), recipe, "body");
        Assert.Equal(dataset.Training, data.Training);
        Assert.Equal(dataset.Validation, data.Validation);
        Assert.Equal(dataset.Hash, job.Data.DataHash);

        // ...and update u reads the samples the trainer's epoch order gives (re-derived here by brute force: each
        // epoch's permutation walked batch_size at a time), at the recipe's learning rate
        var expected = new List<int[]>();
        for (long epoch = 0; expected.Count < recipe.MaxUpdates; epoch++)
        {
            var order = SequenceDataset.EpochOrder(recipe.Seed, epoch, recipe.Samples);
            for (var i = 0; i < order.Length && expected.Count < recipe.MaxUpdates; i += recipe.BatchSize)
            {
                expected.Add(order.Skip(i).Take(recipe.BatchSize).ToArray());
            }
        }

        Assert.Equal(7, data.Updates);
        Assert.Equal(expected.Select(b => b.Select(i => (long)i).ToArray()), Enumerable.Range(0, 7).Select(u => data.Batch(u).ToArray()));
        Assert.All(data.LearningRates, lr => Assert.Equal(1e-3, lr));
        Assert.Equal([0L, 3, 6, 7], job.Schedule.ValidateAfter);
    }

    [Fact]
    public void Should_differ_between_variants_in_order_only()
    {
        // Given exports of the same run as Shuffle-1 and as the plain variant
        var plain = JobData.From(TrainingDataset(DataVariant.None), ScaleOutFixture.Recipe());
        var shuffled = JobData.From(TrainingDataset(DataVariant.Shuffle1), ScaleOutFixture.Recipe(DataVariant.Shuffle1));

        // Then the samples are the same set, the first two swapped (§6.1), and the batch order is the same
        Assert.Equal(plain.Training[0], shuffled.Training[1]);
        Assert.Equal(plain.Training[1], shuffled.Training[0]);
        Assert.Equal(plain.Training.Skip(2), shuffled.Training.Skip(2));
        Assert.Equal(plain.UpdateSamples, shuffled.UpdateSamples);
    }

    [Fact]
    public void Should_round_trip_the_recipe_and_the_job_file()
    {
        // Given a recipe with non-default values everywhere the job uses them
        var recipe = ScaleOutFixture.Recipe() with { Beta2 = 0.95, Epsilon = 1e-7, GradientAccumulationSteps = 2, Seed = 9 };

        // When it is exported as bf16-mixed
        var request = _fixture.Request(recipe) with { Precision = ScaleOutPrecision.Bf16Mixed };
        var job = JobExporter.Export(request);

        // Then recipe.json loads (with Hyperfit's strict reader) to the same recipe, in bfloat16
        var loaded = HyperfitRecipe.Load(Path.Combine(request.OutputDirectory, job.RecipeFile));
        Assert.Equal(recipe with { DType = "bfloat16" }, loaded);

        // And job.json reads back to the returned job
        var read = JobExporter.ReadJob(request.OutputDirectory);
        Assert.Equal(JobExporter.Serialize(job), JobExporter.Serialize(read));
        Assert.Equal(ScaleOutPrecision.Bf16Mixed, read.Precision);
        Assert.Equal(2, read.PerDeviceBatchSize);
        Assert.Equal(2, read.MicroBatchSize); // gcd(per-device 2, Hyperfit's micro-batch 4 / 2 = 2)
    }

    [Fact]
    public void Should_reject_a_job_file_with_an_unknown_key()
    {
        // Given an exported job whose job.json gained a key
        var request = _fixture.Request(ScaleOutFixture.Recipe());
        JobExporter.Export(request);
        var path = Path.Combine(request.OutputDirectory, ScaleOutJob.FileName);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"format\": 1,", "\"format\": 1, \"shards\": 3,", StringComparison.Ordinal));

        // Then reading it fails on one line naming the file
        var e = Assert.Throws<InvalidDataException>(() => JobExporter.ReadJob(request.OutputDirectory));
        Assert.Contains("job.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("shards", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_write_a_self_contained_job_folder()
    {
        // When an FSDP job for 2 nodes × 4 GPUs is exported (batch 8)
        var recipe = ScaleOutFixture.Recipe() with { BatchSize = 8, Samples = 16 };
        var request = _fixture.Request(recipe, ScaleOutEngine.AccelerateFsdp, processes: 4) with { Nodes = 2, GradientCheckpointing = true };
        var job = JobExporter.Export(request);
        var dir = request.OutputDirectory;

        // Then the folder has the model, the script, both launchers and an Accelerate FSDP config for Llama layers
        foreach (var name in new[] { "job.json", "recipe.json", "data.safetensors", "train.py", "launch.sh", "launch-multinode.sh", "accelerate.yaml", "README.md", "model/config.json", "model/model.safetensors", "model/tokenizer.json" })
        {
            Assert.True(File.Exists(Path.Combine(dir, name)), name);
        }

        var yaml = File.ReadAllText(Path.Combine(dir, "accelerate.yaml"));
        Assert.Contains("distributed_type: FSDP", yaml, StringComparison.Ordinal);
        Assert.Contains("fsdp_transformer_layer_cls_to_wrap: LlamaDecoderLayer", yaml, StringComparison.Ordinal);
        Assert.Contains("fsdp_activation_checkpointing: true", yaml, StringComparison.Ordinal);
        Assert.Contains("num_processes: 8", yaml, StringComparison.Ordinal);
        Assert.Contains("--num_machines 2 --num_processes 8", File.ReadAllText(Path.Combine(dir, "launch-multinode.sh")), StringComparison.Ordinal);
        Assert.Contains("run ./launch-multinode.sh on each", File.ReadAllText(Path.Combine(dir, "launch.sh")), StringComparison.Ordinal);
        Assert.Equal(JobFiles.TrainScript(), File.ReadAllText(Path.Combine(dir, "train.py")));
        Assert.Contains("## Memory plan", File.ReadAllText(Path.Combine(dir, "README.md")), StringComparison.Ordinal);
        Assert.Equal(1, job.PerDeviceBatchSize);
        Assert.False(Directory.EnumerateDirectories(_fixture.Root, ".job*").Any(), "no temporary folder is left behind");
    }

    [Fact]
    public void Should_only_use_the_accelerate_config_keys_accelerate_knows()
    {
        // Given the top-level fields of accelerate v1.2.1's ClusterConfig/BaseConfig (config_args.py) and the FSDP
        // keys its launcher maps to FSDP_* variables (launch.py / utils/launch.py)
        string[] cluster =
        [
            "compute_environment", "distributed_type", "mixed_precision", "use_cpu", "debug", "num_processes", "machine_rank",
            "num_machines", "gpu_ids", "main_process_ip", "main_process_port", "rdzv_backend", "same_network", "main_training_function",
            "enable_cpu_affinity", "fp8_config", "deepspeed_config", "fsdp_config", "megatron_lm_config", "ipex_config", "mpirun_config",
            "downcast_bf16", "tpu_name", "tpu_zone", "tpu_use_cluster", "tpu_use_sudo", "command_file", "commands", "tpu_vm", "tpu_env", "dynamo_config",
        ];
        string[] fsdp =
        [
            "fsdp_offload_params", "fsdp_min_num_params", "fsdp_sharding_strategy", "fsdp_auto_wrap_policy", "fsdp_transformer_layer_cls_to_wrap",
            "fsdp_backward_prefetch", "fsdp_state_dict_type", "fsdp_forward_prefetch", "fsdp_use_orig_params", "fsdp_cpu_ram_efficient_loading",
            "fsdp_sync_module_states", "fsdp_activation_checkpointing",
        ];

        foreach (var engine in new[] { ScaleOutEngine.AccelerateDdp, ScaleOutEngine.AccelerateFsdp })
        {
            // When a config is written
            var request = _fixture.Request(ScaleOutFixture.Recipe(), engine);
            JobExporter.Export(request);
            var lines = File.ReadAllLines(Path.Combine(request.OutputDirectory, "accelerate.yaml")).Where(l => !l.StartsWith('#')).ToList();

            // Then every key is one of those
            foreach (var line in lines)
            {
                var key = line.Trim().Split(':')[0];
                Assert.Contains(key, line.StartsWith(' ') ? fsdp : cluster);
            }

            Assert.Equal(engine == ScaleOutEngine.AccelerateFsdp, lines.Contains("fsdp_config:"));
        }
    }

    [Fact]
    public void Should_train_to_the_same_weights_when_following_the_exported_batches()
    {
        // Given a Shuffle-All run whose last batch of an epoch is short (12 samples, batch 5) and that crosses epochs
        var recipe = ScaleOutFixture.Recipe(DataVariant.ShuffleAll) with { BatchSize = 5, MaxUpdates = 5, ValidateEvery = 0, LearningRate = 5e-3 };
        var dataset = TrainingFixtures.Data(recipe);
        var data = JobData.From(dataset, recipe);

        // When HyperfitTrainer trains one model, and another is trained by TrainingStep updates on the exported batches
        using var direct = new Hyperfit.Tests.Checkpoints.TempDirectory();
        using (var trainer = new HyperfitTrainer(TrainingFixtures.TinyLlama(), dataset, recipe, direct.Path))
        {
            trainer.Setup();
            trainer.Train();
            trainer.SaveFinalModel();
        }

        var followed = Follow(data, recipe, reverse: false);
        var reversed = Follow(data, recipe, reverse: true);

        // Then the weights are bit-for-bit equal (the export is what the trainer consumed), and a different order is not
        using var trained = Hyperfit.Checkpoints.HfModelLoader.Load(Path.Combine(direct.Path, HyperfitTrainer.FinalDirectoryName));
        Assert.True(SameWeights(trained, followed));
        Assert.False(SameWeights(trained, reversed));
        followed.Dispose();
        reversed.Dispose();
    }

    [Fact]
    public void Should_describe_the_model_for_the_memory_plan()
    {
        // When a job is exported for the tiny Llama (hidden 32, 2 layers, 4 heads, intermediate 64, vocab of its tokenizer)
        var job = JobExporter.Export(_fixture.Request(ScaleOutFixture.Recipe()));
        var m = job.Model;
        var v = m.VocabSize;

        // Then the parameter counts are the hand-counted ones: per layer q,k,v,o 4·32², MLP 3·32·64, two norms 2·32;
        // plus embeddings and an untied head 2·v·32 and the final norm 32
        var layer = (4 * 32 * 32) + (3 * 32 * 64) + (2 * 32);
        Assert.Equal(layer, m.LargestLayerParameters);
        Assert.Equal((2L * layer) + (2L * v * 32) + 32, m.Parameters);
        Assert.Equal("LlamaDecoderLayer", m.DecoderLayerClass);
    }

    private SequenceDataset TrainingDataset(DataVariant variant) =>
        SequenceDataset.Load(_fixture.DataPath, HfTokenizer.Load(_fixture.ModelDir), ScaleOutFixture.Recipe(variant), "body");

    private static Hyperfit.Models.CausalLM Follow(JobData data, HyperfitRecipe recipe, bool reverse)
    {
        var model = TrainingFixtures.TinyLlama();
        model.train();
        using var step = new TrainingStep(model, recipe);
        var updates = Enumerable.Range(0, (int)data.Updates).ToList();
        foreach (var u in updates)
        {
            var batch = data.Batch(reverse ? updates.Count - 1 - u : u).ToArray();
            using var scope = TorchSharp.torch.NewDisposeScope();
            var flat = batch.SelectMany(i => data.Training[i].Select(id => (long)id)).ToArray();
            step.Update(TorchSharp.torch.tensor(flat, [batch.Length, recipe.SequenceLength]), data.LearningRates[u]);
        }

        return model;
    }

    private static bool SameWeights(Hyperfit.Models.CausalLM a, Hyperfit.Models.CausalLM b)
    {
        var right = b.state_dict();
        return a.state_dict().All(kv => kv.Value.eq(right[kv.Key]).all().item<bool>());
    }
}
