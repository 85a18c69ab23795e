using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.IO.Safetensors;
using Hyperfit.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>Resumable state of a run, one folder: <c>model.safetensors</c> (float32 master weights),
/// <c>optimizer.safetensors</c> (Adam's or AdamW's exp_avg, exp_avg_sq and step per parameter, and torch's RNG state) and
/// <c>trainer_state.json</c> (data position, recipe, data and model hashes, the log so far).</summary>
/// <remarks>Written into <c>ckpt.tmp-&lt;pid&gt;</c> and then swapped in: <c>checkpoint</c> is renamed to
/// <c>checkpoint.old-&lt;pid&gt;</c>, the new folder to <c>checkpoint</c>, the old one deleted. POSIX cannot rename a
/// folder over a non-empty one, so a kill between the two renames leaves only <c>checkpoint.old-*</c>;
/// <see cref="Find"/> falls back to it. Every tensor is stored in its own dtype: restoring is bit-exact.</remarks>
public static class TrainingCheckpoint
{
    public const string DirectoryName = "checkpoint";
    public const string StateFileName = "trainer_state.json";
    public const string WeightsFileName = "model.safetensors";
    public const string OptimizerFileName = "optimizer.safetensors";
    private const string RngTensorName = "torch.rng_state";
    private const int FormatVersion = 1;

    /// <summary>The run state saved beside the tensors.</summary>
    public sealed record State(
        TrainingPosition Position, JsonObject Recipe, string DataHash, string ModelIdentity,
        IReadOnlyList<TrainingLogEntry> Log, double TrainLossSum, int TrainLossCount);

    /// <summary>The checkpoint folder under <paramref name="outputDirectory"/>, or null when there is none.</summary>
    public static string? Find(string outputDirectory)
    {
        var current = Path.Combine(outputDirectory, DirectoryName);
        if (File.Exists(Path.Combine(current, StateFileName)))
        {
            return current;
        }

        return Directory.Exists(outputDirectory)
            ? Directory.GetDirectories(outputDirectory, DirectoryName + ".old-*")
                .Where(d => File.Exists(Path.Combine(d, StateFileName)))
                .OrderByDescending(Directory.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
    }

    public static void Save(string outputDirectory, CausalLM model, TrainingStep step, State state)
    {
        Directory.CreateDirectory(outputDirectory);
        var pid = Environment.ProcessId;
        var temp = Path.Combine(outputDirectory, $"ckpt.tmp-{pid}");
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        Directory.CreateDirectory(temp);
        WriteWeights(Path.Combine(temp, WeightsFileName), model);
        WriteOptimizer(Path.Combine(temp, OptimizerFileName), step);
        File.WriteAllText(Path.Combine(temp, StateFileName), StateToJson(state).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var target = Path.Combine(outputDirectory, DirectoryName);
        var old = Path.Combine(outputDirectory, $"{DirectoryName}.old-{pid}");
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }

        if (Directory.Exists(target))
        {
            Directory.Move(target, old);
        }

        Directory.Move(temp, target);
        KillPointForTests();
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }

        // Leftovers of runs killed mid-swap are superseded now.
        foreach (var stale in Directory.GetDirectories(outputDirectory, DirectoryName + ".old-*"))
        {
            Directory.Delete(stale, recursive: true);
        }
    }

    /// <summary>Environment variable of the crash tests: <c>N</c> makes the process SIGKILL itself right after its
    /// N-th checkpoint swap (new checkpoint in place, the previous one not yet deleted), so that a test kills a run at
    /// an exact point instead of racing it.</summary>
    public const string KillAfterCheckpointVariable = "HYPERFIT_TEST_KILL_AFTER_CHECKPOINT";

    private static int _swaps;

    private static void KillPointForTests()
    {
        var swaps = Interlocked.Increment(ref _swaps);
        if (int.TryParse(Environment.GetEnvironmentVariable(KillAfterCheckpointVariable), System.Globalization.CultureInfo.InvariantCulture, out var n) && swaps == n)
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            self.Kill(); // SIGKILL: no handler, no cleanup, as a power cut or the OOM killer would do
        }
    }

    public static State ReadState(string checkpointDirectory)
    {
        var path = Path.Combine(checkpointDirectory, StateFileName);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new TrainingException($"{path}: unreadable checkpoint state ({e.Message})", e);
        }

        if (json["format_version"]?.GetValue<int>() != FormatVersion)
        {
            throw new TrainingException($"{path}: checkpoint format {json["format_version"]} is not {FormatVersion}");
        }

        var position = json["position"]!;
        return new State(
            new TrainingPosition(position["epoch"]!.GetValue<long>(), position["index_in_epoch"]!.GetValue<int>(),
                position["update_counter"]!.GetValue<long>()),
            json["recipe"]!.AsObject(),
            json["data_hash"]!.GetValue<string>(),
            json["model_identity"]!.GetValue<string>(),
            TrainingLog.Deserialize(json["logs"]),
            json["train_loss_sum"]!.GetValue<double>(),
            json["train_loss_count"]!.GetValue<int>());
    }

    /// <summary>Copies weights, Adam state and the RNG state from the checkpoint into a model and optimizer built
    /// the same way (names and shapes must match).</summary>
    public static void Restore(string checkpointDirectory, CausalLM model, TrainingStep step)
    {
        using var _ = no_grad();
        using (var weights = SafetensorsFile.Open(Path.Combine(checkpointDirectory, WeightsFileName)))
        {
            foreach (var (name, tensor) in model.state_dict())
            {
                if (!model.TiedParameterNames.Contains(name))
                {
                    CopyInto(weights, name, tensor);
                }
            }
        }

        using var optimizer = SafetensorsFile.Open(Path.Combine(checkpointDirectory, OptimizerFileName));
        var states = step.Optimizer.state_dict().State;
        for (var i = 0; i < step.ParameterNames.Count; i++)
        {
            var name = step.ParameterNames[i];
            var (expAvg, expAvgSq, _) = Moments(states[i]);
            CopyInto(optimizer, $"{name}.exp_avg", expAvg);
            CopyInto(optimizer, $"{name}.exp_avg_sq", expAvgSq);
            var count = MemoryMarshalRead<long>(optimizer.GetBytes($"{name}.step"));
            switch (states[i])
            {
                case Adam.State adam:
                    adam.step = count;
                    break;
                case AdamW.State adamW:
                    adamW.step = count;
                    break;
            }
        }

        var rngBytes = optimizer.GetBytes(RngTensorName).ToArray();
        using var rng = tensor(rngBytes, dtype: ScalarType.Byte);
        set_rng_state(rng);
    }

    private static void WriteWeights(string path, CausalLM model)
    {
        var tensors = model.state_dict()
            .Where(kv => !model.TiedParameterNames.Contains(kv.Key))
            .Select(kv => ToWrite(kv.Key, kv.Value))
            .ToList();
        SafetensorsWriter.Write(path, tensors);
    }

    private static void WriteOptimizer(string path, TrainingStep step)
    {
        var states = step.Optimizer.state_dict().State;
        var tensors = new List<SafetensorsTensorToWrite>();
        for (var i = 0; i < step.ParameterNames.Count; i++)
        {
            var name = step.ParameterNames[i];
            var (expAvg, expAvgSq, count) = Moments(states[i]);
            tensors.Add(ToWrite($"{name}.exp_avg", expAvg));
            tensors.Add(ToWrite($"{name}.exp_avg_sq", expAvgSq));
            tensors.Add(new SafetensorsTensorToWrite($"{name}.step", SafetensorsDType.I64, [],
                stream => stream.Write(BitConverter.GetBytes(count))));
        }

        var rng = get_rng_state();
        var rngBytes = rng.bytes.ToArray();
        rng.Dispose();
        tensors.Add(new SafetensorsTensorToWrite(RngTensorName, SafetensorsDType.U8, [rngBytes.Length], stream => stream.Write(rngBytes)));
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "hyperfit-adam" });
    }

    /// <summary>The moments and step count of an Adam or AdamW parameter state (the same fields, distinct types).</summary>
    private static (Tensor ExpAvg, Tensor ExpAvgSq, long Step) Moments(OptimizerState state) => state switch
    {
        Adam.State adam => (adam.exp_avg, adam.exp_avg_sq, adam.step),
        AdamW.State adamW => (adamW.exp_avg, adamW.exp_avg_sq, adamW.step),
        _ => throw new TrainingException($"checkpointing does not support optimizer state {state.GetType().Name}"),
    };

    private static SafetensorsTensorToWrite ToWrite(string name, Tensor tensor) =>
        new(name, TensorDTypes.ToSafetensors(tensor.dtype), tensor.shape, stream =>
        {
            using var scope = NewDisposeScope();
            stream.Write(tensor.detach().cpu().contiguous().bytes);
        });

    private static void CopyInto(SafetensorsFile file, string name, Tensor target)
    {
        if (!file.TryGetTensor(name, out var info))
        {
            throw new TrainingException($"{file.FilePath}: checkpoint has no tensor '{name}' (was it written for another model?)");
        }

        if (!info.Shape.SequenceEqual(target.shape) || TensorDTypes.ToScalarType(info.DType) != target.dtype)
        {
            throw new TrainingException(
                $"{file.FilePath}: tensor '{name}' is {info.DType} [{string.Join(", ", info.Shape)}], the model expects {target.dtype} [{string.Join(", ", target.shape)}]");
        }

        using var staged = empty(info.Shape, target.dtype);
        file.GetBytes(name).CopyTo(staged.bytes);
        target.copy_(staged);
    }

    private static T MemoryMarshalRead<T>(ReadOnlySpan<byte> bytes) where T : struct =>
        System.Runtime.InteropServices.MemoryMarshal.Read<T>(bytes);

    private static JsonObject StateToJson(State state) => new()
    {
        ["format_version"] = FormatVersion,
        ["position"] = new JsonObject
        {
            ["epoch"] = state.Position.Epoch,
            ["index_in_epoch"] = state.Position.IndexInEpoch,
            ["update_counter"] = state.Position.UpdateCounter,
        },
        ["recipe"] = state.Recipe.DeepClone(),
        ["data_hash"] = state.DataHash,
        ["model_identity"] = state.ModelIdentity,
        ["train_loss_sum"] = state.TrainLossSum,
        ["train_loss_count"] = state.TrainLossCount,
        ["logs"] = JsonNode.Parse(TrainingLog.Serialize(state.Log)),
    };
}
