namespace Hyperfit.ScaleOut;

/// <summary>The starting model, copied into the job (<see cref="Directory"/>), and the numbers the memory plan uses.</summary>
/// <param name="Identity">Hyperfit's model identity (SHA-256 of config.json and the weights), echoed into the imported log.</param>
/// <param name="DecoderLayerClass">The transformers class FSDP wraps as one unit (e.g. <c>LlamaDecoderLayer</c>).</param>
/// <param name="Parameters">Distinct parameters (a tied head counted once), from the safetensors headers.</param>
/// <param name="LargestLayerParameters">Parameters of the largest decoder layer (one FSDP unit).</param>
public sealed record JobModelInfo(
    string Directory,
    string Source,
    string Identity,
    string Architecture,
    string DecoderLayerClass,
    long Parameters,
    long LargestLayerParameters,
    int NumLayers,
    int HiddenSize,
    int IntermediateSize,
    int NumAttentionHeads,
    int NumKeyValueHeads,
    int VocabSize,
    bool TieWordEmbeddings,
    bool GatedMlp);
