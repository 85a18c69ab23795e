using Hyperfit.Checkpoints;
using Hyperfit.IO.Safetensors;
using Hyperfit.Models;
using Hyperfit.Tokenization;
using TorchSharp;

namespace Hyperfit.Inspection;

/// <summary>Loads a model folder completely (config, weights, and the tokenizer when the folder has one) and
/// describes it. A folder with weights and config only is fine: the tokenizer fields are then null.</summary>
public static class ModelInspector
{
    public const string DefaultSample = "Hyperfitting sharpens a model's predictions: its greedy continuations stop looping.";

    public static ModelReport Inspect(string modelDirectory, ModelOptions options, string? sample = null)
    {
        sample ??= DefaultSample;
        var tokenizer = HfTokenizer.Exists(modelDirectory) ? HfTokenizer.Load(modelDirectory) : null;
        using var model = HfModelLoader.Load(modelDirectory, options);
        tokenizer?.ValidateAgainstModel(model.Config.VocabSize, modelDirectory);

        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        IReadOnlyList<string> files;
        long bytes = 0;
        if (!File.Exists(Path.Combine(modelDirectory, SafetensorsWriter.SingleFileName))
            && !File.Exists(Path.Combine(modelDirectory, SafetensorsWriter.IndexFileName)))
        {
            // pytorch_model.bin (released ImageGPT checkpoints): the dtypes as torch stored them, buffers included
            using var bin = IO.PyTorch.PyTorchCheckpoint.Open(modelDirectory);
            foreach (var tensor in bin.Tensors)
            {
                var key = TensorDTypes.ToTorchDTypeName(tensor.DType);
                stored[key] = stored.GetValueOrDefault(key) + tensor.ElementCount;
                bytes += tensor.ElementCount * ElementSize(tensor.DType);
            }

            files = [.. bin.Tensors.Select(t => Path.GetFileName(t.FilePath)).Distinct()];
        }
        else
        {
            using var checkpoint = SafetensorsCheckpoint.Open(modelDirectory);
            foreach (var tensor in checkpoint.Tensors)
            {
                var key = tensor.DType.ToFileName();
                stored[key] = stored.GetValueOrDefault(key) + tensor.ElementCount;
                bytes += tensor.ByteLength;
            }

            files = checkpoint.Files.Select(Path.GetFileName).ToList()!;
        }

        var parameters = model.parameters().Sum(p => p.numel());
        var ids = tokenizer?.Encode(sample);
        return new ModelReport(
            modelDirectory,
            model.Config.Architecture,
            parameters,
            stored,
            TensorDTypes.ToTorchDTypeName(options.DType),
            model.Config.VocabSize,
            model.Config.HiddenSize,
            model.Config.NumLayers,
            model.Config.MaxPositions,
            model.Config.TieWordEmbeddings,
            files,
            bytes,
            tokenizer?.Kind,
            tokenizer?.VocabSize,
            tokenizer?.SpecialTokens,
            tokenizer?.BosTokenId,
            tokenizer?.EosTokenIds,
            tokenizer?.AddBosToken,
            tokenizer is null ? null : sample,
            ids,
            ids?.Select(id => tokenizer!.IdToToken(id) ?? "?").ToList(),
            ids is null ? null : tokenizer!.Decode(ids, skipSpecialTokens: true));
    }

    private static long ElementSize(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Float64 or torch.ScalarType.Int64 => 8,
        torch.ScalarType.Float32 or torch.ScalarType.Int32 => 4,
        torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Int16 => 2,
        _ => 1,
    };
}
