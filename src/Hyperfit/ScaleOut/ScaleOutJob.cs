namespace Hyperfit.ScaleOut;

/// <summary><c>JOB/job.json</c>: what <c>hyperfit export-job</c> handed to the PyTorch engine, read back by the job's
/// <c>train.py</c> and by <c>hyperfit import-run</c>. The recipe itself is <see cref="RecipeFile"/> (Hyperfit's recipe
/// format, so <c>hyperfit train --config JOB/recipe.json</c> runs the same recipe); the token ids, the per-update
/// batches and learning rates are <see cref="JobDataInfo.File"/>.</summary>
public sealed record ScaleOutJob(
    int Format,
    string JobId,
    ScaleOutEngine Engine,
    int Nodes,
    int ProcessesPerNode,
    int WorldSize,
    ScaleOutPrecision Precision,
    bool GradientCheckpointing,
    int GlobalBatchSize,
    int PerDeviceBatchSize,
    int MicroBatchSize,
    string RecipeFile,
    string OutputDirectory,
    JobModelInfo Model,
    JobDataInfo Data,
    JobScheduleInfo Schedule,
    IReadOnlyList<string> LogKeys)
{
    public const string FileName = "job.json";

    public const int CurrentFormat = 1;

    /// <summary>Where the job's script writes (relative to the job folder): log, checkpoint, final model.</summary>
    public const string DefaultOutputDirectory = "output";
}

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

/// <summary>When the run validates and checkpoints.</summary>
/// <param name="ValidateAfter">Update counts after which the run validates (0: before the first update), as
/// <see cref="Training.TrainingSchedule.ValidatesAfter"/> decides.</param>
public sealed record JobScheduleInfo(long TotalUpdates, int UpdatesPerEpoch, IReadOnlyList<long> ValidateAfter, int CheckpointEvery);
