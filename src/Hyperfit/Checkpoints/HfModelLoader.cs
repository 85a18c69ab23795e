using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.IO.PyTorch;
using Hyperfit.IO.Safetensors;
using Hyperfit.Models;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Checkpoints;

/// <summary>Loads a Hugging Face model folder (config.json + model.safetensors or a sharded index, else
/// pytorch_model.bin or its sharded index) into a
/// <see cref="CausalLM"/>, strictly: every expected tensor present with the right shape, nothing unexpected.</summary>
public static class HfModelLoader
{
    public const string ConfigFileName = "config.json";

    /// <summary>Reads and validates <c>config.json</c> in <paramref name="modelDirectory"/>.</summary>
    /// <exception cref="CheckpointLoadException">Missing or invalid file; the message names it.</exception>
    public static ModelConfig ReadConfig(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, ConfigFileName);
        if (!Directory.Exists(modelDirectory))
        {
            throw new CheckpointLoadException($"{modelDirectory}: model folder not found");
        }

        if (!File.Exists(path))
        {
            throw new CheckpointLoadException($"{path}: not found (a Hugging Face model folder needs config.json)");
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new CheckpointLoadException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointLoadException($"{path}: invalid JSON ({e.Message})", e);
        }

        try
        {
            return ModelRegistry.ReadConfig(json);
        }
        catch (ModelConfigException e)
        {
            throw new CheckpointLoadException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Builds the model and streams every tensor from disk into it, one tensor at a time.</summary>
    public static CausalLM Load(string modelDirectory, ModelOptions? options = null) => Load(modelDirectory, options, DefaultMaxReadBytes);

    /// <summary>As <see cref="Load(string, ModelOptions?)"/>, reading at most <paramref name="maxReadBytes"/> per read call
    /// (tests use a tiny limit to exercise the piecewise path without multi-GB tensors).</summary>
    internal static CausalLM Load(string modelDirectory, ModelOptions? options, long maxReadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxReadBytes);
        options ??= ModelOptions.Default;
        var config = ReadConfig(modelDirectory);
        var safetensors = File.Exists(Path.Combine(modelDirectory, SafetensorsWriter.SingleFileName))
                          || File.Exists(Path.Combine(modelDirectory, SafetensorsWriter.IndexFileName));
        if (!safetensors && PyTorchCheckpoint.Exists(modelDirectory))
        {
            return LoadPyTorch(modelDirectory, config, options);
        }

        SafetensorsCheckpoint checkpoint;
        try
        {
            checkpoint = SafetensorsCheckpoint.Open(modelDirectory);
        }
        catch (SafetensorsFormatException e)
        {
            throw new CheckpointLoadException(e.Message, e);
        }
        catch (IOException e)
        {
            throw new CheckpointLoadException($"{modelDirectory}: {e.Message}", e);
        }

        using (checkpoint)
        {
            var tensors = checkpoint.Tensors.Select(t => new StoredTensor(t.Name, t.Shape, Path.GetFileName(checkpoint.FileOf(t.Name)),
                t.DType is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F64 ? null : t.DType.ToFileName()));
            var handles = new Dictionary<string, SafeFileHandle>(StringComparer.Ordinal);
            try
            {
                return BuildAndLoad(config, options, modelDirectory, tensors, (fileName, parameter) =>
                {
                    var path = checkpoint.FileOf(fileName);
                    if (!handles.TryGetValue(path, out var handle))
                    {
                        handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
                        handles[path] = handle;
                    }

                    CopyInto(parameter, checkpoint.GetTensor(fileName), handle, path, maxReadBytes);
                });
            }
            finally
            {
                foreach (var handle in handles.Values)
                {
                    handle.Dispose();
                }
            }
        }
    }

    /// <summary><c>pytorch_model.bin</c> (or its shards): what released checkpoints such as openai/imagegpt-* ship.</summary>
    private static CausalLM LoadPyTorch(string modelDirectory, ModelConfig config, ModelOptions options)
    {
        PyTorchCheckpoint checkpoint;
        try
        {
            checkpoint = PyTorchCheckpoint.Open(modelDirectory);
        }
        catch (PyTorchFormatException e)
        {
            throw new CheckpointLoadException(e.Message, e);
        }
        catch (IOException e)
        {
            throw new CheckpointLoadException($"{modelDirectory}: {e.Message}", e);
        }

        using (checkpoint)
        {
            var tensors = checkpoint.Tensors.Select(t => new StoredTensor(t.Name, t.Shape, Path.GetFileName(t.FilePath),
                t.DType is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64 ? null : t.DType.ToString()));
            try
            {
                return BuildAndLoad(config, options, modelDirectory, tensors, checkpoint.ReadInto);
            }
            catch (PyTorchFormatException e)
            {
                throw new CheckpointLoadException(e.Message, e);
            }
            catch (InvalidDataException e)
            {
                throw new CheckpointLoadException($"{Path.Combine(modelDirectory, PyTorchCheckpoint.SingleFileName)}: damaged archive ({e.Message})", e);
            }
        }
    }

    /// <summary>A tensor as a checkpoint file describes it; <paramref name="BadDType"/> names a non-float dtype.</summary>
    private sealed record StoredTensor(string Name, long[] Shape, string File, string? BadDType);

    /// <summary>Builds the model on the CPU, checks the stored tensors against it strictly, copies each in, then moves
    /// the model to its device.</summary>
    private static CausalLM BuildAndLoad(ModelConfig config, ModelOptions options, string modelDirectory, IEnumerable<StoredTensor> stored,
        Action<string, Tensor> copy)
    {
        var model = ModelRegistry.Build(config, options with { Device = CPU });
        try
        {
            LoadWeights(model, stored.ToList(), modelDirectory, copy);
            var device = options.Device ?? CPU;
            if (device.type != DeviceType.CPU)
            {
                model.to(device);
            }

            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void LoadWeights(CausalLM model, List<StoredTensor> stored, string modelDirectory, Action<string, Tensor> copy)
    {
        var parameters = model.state_dict();
        var byName = stored.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var fileNames = stored.ToDictionary(t => CheckpointName(model, t.Name), t => t.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        var missing = parameters.Keys.Where(k => !fileNames.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"missing tensors: {Summarise(missing)}");
        }

        var unexpected = fileNames.Keys
            .Where(k => !parameters.ContainsKey(k) && !model.TiedParameterNames.Contains(k) && !model.IsIgnorableCheckpointTensor(k))
            .Select(k => fileNames[k]) // as the file names it
            .ToList();
        if (unexpected.Count > 0)
        {
            problems.Add($"unexpected tensors: {Summarise(unexpected)}");
        }

        foreach (var (name, parameter) in parameters)
        {
            if (!fileNames.TryGetValue(name, out var fileName))
            {
                continue;
            }

            var info = byName[fileName];
            if (!info.Shape.SequenceEqual(parameter.shape))
            {
                problems.Add($"tensor '{fileName}' in {info.File} has shape [{string.Join(", ", info.Shape)}], config.json implies [{string.Join(", ", parameter.shape)}]");
            }
            else if (info.BadDType is { } dtype)
            {
                problems.Add($"tensor '{fileName}' in {info.File} has dtype {dtype}; weights must be F32, F16, BF16 or F64");
            }
        }

        if (problems.Count > 0)
        {
            throw new CheckpointLoadException($"{modelDirectory}: checkpoint does not match config.json: {string.Join("; ", problems)}");
        }

        // Read straight from the files into parameter memory (no memory map, no second copy of the weights):
        // peak memory is the model plus, when dtypes differ, one staging tensor.
        using var _ = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            copy(fileNames[name], parameter);
        }
    }

    /// <summary>Largest single read; tensors above it (e.g. a 2+ GB embedding) are read in pieces.</summary>
    internal const long DefaultMaxReadBytes = 1L << 30;

    private static void CopyInto(Tensor parameter, SafetensorsTensorInfo info, SafeFileHandle handle, string path, long maxReadBytes)
    {
        var fileType = TensorDTypes.ToScalarType(info.DType);
        if (fileType == parameter.dtype && parameter.is_contiguous())
        {
            ReadInto(parameter, handle, info.DataOffset, path, info.Name, maxReadBytes);
            return;
        }

        using var staged = empty(info.Shape, fileType);
        ReadInto(staged, handle, info.DataOffset, path, info.Name, maxReadBytes);
        parameter.copy_(staged);
    }

    private static void ReadInto(Tensor target, SafeFileHandle handle, long offset, string path, string tensorName, long maxReadBytes)
    {
        using var flat = target.view(-1);
        var elementSize = flat.ElementSize;
        var total = flat.numel();
        var chunk = Math.Max(1, maxReadBytes / elementSize);
        for (long start = 0; start < total; start += chunk)
        {
            using var piece = flat.narrow(0, start, Math.Min(chunk, total - start));
            var span = piece.bytes;
            var position = offset + (start * elementSize);
            while (!span.IsEmpty)
            {
                var read = RandomAccess.Read(handle, span, position);
                if (read <= 0)
                {
                    throw new CheckpointLoadException($"{path}: tensor '{tensorName}': file ended while reading its data");
                }

                span = span[read..];
                position += read;
            }
        }
    }

    // Older GPT-2 (and ImageGPT) files name tensors without the "transformer." prefix.
    private static string CheckpointName(CausalLM model, string name) =>
        model is Models.GPT2.GPT2LMHeadModel or Models.ImageGPT.ImageGPTForCausalImageModeling && !name.StartsWith("transformer.", StringComparison.Ordinal) && name != "lm_head.weight"
            ? "transformer." + name
            : name;

    private static string Summarise(List<string> names) =>
        names.Count <= 6 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(6))} … ({names.Count} in all)";
}
