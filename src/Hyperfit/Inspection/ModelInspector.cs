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
        using (var checkpoint = SafetensorsCheckpoint.Open(modelDirectory))
        {
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
}
