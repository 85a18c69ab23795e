using System.Globalization;
using System.Text.RegularExpressions;
using Hyperfit.IO.Safetensors;
using Hyperfit.Models;
using Hyperfit.Models.GPT2;
using Hyperfit.Models.Llama;

namespace Hyperfit.ScaleOut;

/// <summary>What an exported job needs to know about each architecture Hyperfit loads: the transformers class FSDP
/// wraps as one unit (its <c>transformer_layer_cls_to_wrap</c>) and how its weight names number the layers.</summary>
public static partial class ScaleOutArchitectures
{
    /// <summary>Architecture (config.json <c>architectures[0]</c>) → transformers decoder-layer class.</summary>
    public static IReadOnlyDictionary<string, string> DecoderLayerClasses { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["LlamaForCausalLM"] = "LlamaDecoderLayer",
        ["MistralForCausalLM"] = "MistralDecoderLayer",
        ["Qwen2ForCausalLM"] = "Qwen2DecoderLayer",
        ["GPT2LMHeadModel"] = "GPT2Block",
    };

    /// <summary>Reads the numbers the job and its memory plan need from the config and the safetensors headers
    /// (no weights are loaded).</summary>
    /// <exception cref="ArgumentException">An architecture with no known decoder-layer class.</exception>
    public static JobModelInfo Describe(ModelConfig config, SafetensorsCheckpoint weights, string jobDirectory, string source, string identity)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        if (!DecoderLayerClasses.TryGetValue(config.Architecture, out var layerClass))
        {
            throw new ArgumentException($"{source}: architecture {config.Architecture} has no known decoder-layer class for FSDP " +
                                        $"(known: {string.Join(", ", DecoderLayerClasses.Keys)})");
        }

        var layers = new Dictionary<int, long>();
        long total = 0;
        foreach (var tensor in weights.Tensors)
        {
            total += tensor.ElementCount;
            var match = LayerIndex().Match(tensor.Name);
            if (match.Success)
            {
                var index = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                layers[index] = layers.GetValueOrDefault(index) + tensor.ElementCount;
            }
        }

        return config switch
        {
            LlamaConfig l => new JobModelInfo(jobDirectory, source, identity, config.Architecture, layerClass, total, layers.Values.DefaultIfEmpty().Max(),
                l.NumHiddenLayers, l.HiddenSize, l.IntermediateSize, l.NumAttentionHeads, l.NumKeyValueHeads, l.VocabSize, l.TieWordEmbeddings, GatedMlp: true),
            GPT2Config g => new JobModelInfo(jobDirectory, source, identity, config.Architecture, layerClass, total, layers.Values.DefaultIfEmpty().Max(),
                g.NLayer, g.NEmbd, g.NInner, g.NHead, g.NHead, g.VocabSize, g.TieWordEmbeddings, GatedMlp: false),
            _ => throw new ArgumentException($"{source}: architecture {config.Architecture} is not supported by export-job"),
        };
    }

    /// <summary>Llama/Mistral/Qwen2 <c>model.layers.N.</c>, GPT-2 <c>transformer.h.N.</c> or unprefixed <c>h.N.</c>.</summary>
    [GeneratedRegex(@"(?:^|\.)(?:layers|h)\.(\d+)\.")]
    private static partial Regex LayerIndex();
}
