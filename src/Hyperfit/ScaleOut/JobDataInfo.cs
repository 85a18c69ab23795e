namespace Hyperfit.ScaleOut;

/// <summary>The data Hyperfit would train on, as ids (no tokenizer on the PyTorch side).</summary>
/// <param name="File">The safetensors file of <see cref="JobData"/>.</param>
/// <param name="DataHash">The dataset hash <c>hyperfit train</c> logs and checks on resume.</param>
public sealed record JobDataInfo(
    string File,
    string Source,
    string TextField,
    string DataHash,
    int QualifyingDocuments,
    int TotalDocuments,
    int TrainingSamples,
    int ValidationSequences,
    int SequenceLength);
