using System.Text.Json.Nodes;

namespace Hyperfit.Models;

/// <summary>What every causal-LM family's config exposes to the rest of Hyperfit.</summary>
public abstract record ModelConfig
{
    /// <summary>The Hugging Face architecture name (config.json <c>architectures[0]</c>).</summary>
    public required string Architecture { get; init; }
    public abstract int VocabSize { get; }
    public abstract int HiddenSize { get; }
    public abstract int NumLayers { get; }
    /// <summary>Longest sequence the position encoding supports.</summary>
    public abstract int MaxPositions { get; }
    public abstract bool TieWordEmbeddings { get; }

    /// <summary>config.json as read, so a save writes back every field, including ones Hyperfit does not use.</summary>
    public JsonObject Raw { get; init; } = [];

    /// <summary>Throws <see cref="ModelConfigException"/> naming the field when the config is inconsistent or
    /// asks for math Hyperfit does not implement.</summary>
    public abstract void Validate();
}
