using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.IO.Safetensors;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Checkpoints;

/// <summary>Writes a model back in Hugging Face layout so that <c>transformers</c> loads it unchanged:
/// config.json, model.safetensors (or shards + index above the size threshold), and the tokenizer and
/// generation files copied from the folder it came from.</summary>
public static class HfModelSaver
{
    /// <summary>Files copied verbatim from the source folder when present. Not README.md: it describes the source model,
    /// and a saved model is usually another one (trained: <see cref="Training.ModelCard"/>); <c>convert</c>, which saves
    /// the same model in another dtype, copies it itself.</summary>
    public static readonly string[] CompanionFiles =
    [
        "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json", "preprocessor_config.json",
    ];

    /// <param name="model">The model; its parameters are written in their current dtype, so save → load is bit-exact.</param>
    /// <param name="outputDirectory">Created if needed; config.json and weights are replaced atomically file by file.</param>
    /// <param name="sourceDirectory">Where tokenizer/generation files come from (usually the folder it was loaded from).</param>
    public static void Save(CausalLM model, string outputDirectory, string? sourceDirectory = null,
        long maxShardBytes = SafetensorsWriter.DefaultMaxShardBytes)
    {
        Directory.CreateDirectory(outputDirectory);
        var state = model.state_dict();
        var dtype = state.Values.FirstOrDefault()?.dtype ?? ScalarType.Float32;
        var tensors = state
            .Where(kv => !model.TiedParameterNames.Contains(kv.Key))
            .Select(kv => new SafetensorsTensorToWrite(kv.Key, TensorDTypes.ToSafetensors(kv.Value.dtype), kv.Value.shape,
                stream => WriteTensor(kv.Value, stream)))
            .ToList();
        SafetensorsWriter.WriteCheckpoint(outputDirectory, tensors, maxShardBytes);

        var config = model.Config.Raw.DeepClone().AsObject();
        config["torch_dtype"] = TensorDTypes.ToTorchDTypeName(dtype);
        WriteAtomically(Path.Combine(outputDirectory, HfModelLoader.ConfigFileName),
            config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        if (sourceDirectory is not null && Path.GetFullPath(sourceDirectory) != Path.GetFullPath(outputDirectory))
        {
            foreach (var file in CompanionFiles)
            {
                var source = Path.Combine(sourceDirectory, file);
                if (File.Exists(source))
                {
                    var temp = Path.Combine(outputDirectory, $".{file}.{Environment.ProcessId}.tmp");
                    File.Copy(source, temp, overwrite: true);
                    File.Move(temp, Path.Combine(outputDirectory, file), overwrite: true);
                }
            }
        }
    }

    /// <summary>Writes text to a temp file beside <paramref name="path"/> and renames it into place.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, text);
        KillPointForTests(path);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Environment variable of the crash tests: a file name makes the process SIGKILL itself when an atomic
    /// write of a file of that name has written its temporary file and not yet renamed it, so that a test kills a
    /// command (generate, evaluate, annotate build, …) at an exact point instead of racing it.</summary>
    public const string KillBeforeRenameVariable = "HYPERFIT_TEST_KILL_BEFORE_RENAME";

    private static void KillPointForTests(string path)
    {
        if (Environment.GetEnvironmentVariable(KillBeforeRenameVariable) is { Length: > 0 } name
            && string.Equals(name, Path.GetFileName(path), StringComparison.Ordinal))
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            self.Kill(); // SIGKILL: no handler, no cleanup, as a power cut or the OOM killer would do
        }
    }

    private static void WriteTensor(Tensor tensor, Stream stream)
    {
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        stream.Write(cpu.bytes);
    }
}
