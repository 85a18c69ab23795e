namespace Hyperfit.Inspection;

/// <summary>What <c>hyperfit inspect</c> shows about a model folder. The tokenizer fields are null when the folder
/// has no tokenizer files (weights and config only).</summary>
public sealed record ModelReport(
    string Directory,
    string Architecture,
    long ParameterCount,
    IReadOnlyDictionary<string, long> StoredDTypes,
    string ComputeDType,
    int ModelVocabSize,
    int HiddenSize,
    int Layers,
    int MaxPositions,
    bool TiedEmbeddings,
    IReadOnlyList<string> WeightFiles,
    long WeightBytes,
    string? TokenizerKind,
    int? TokenizerVocabSize,
    IReadOnlyDictionary<string, int>? SpecialTokens,
    int? BosTokenId,
    IReadOnlyList<int>? EosTokenIds,
    bool? AddBosToken,
    string? SampleText,
    IReadOnlyList<int>? SampleIds,
    IReadOnlyList<string>? SampleTokens,
    string? SampleDecoded);
