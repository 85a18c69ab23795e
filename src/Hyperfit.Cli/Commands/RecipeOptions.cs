using System.CommandLine;
using Hyperfit.Checkpoints;
using Hyperfit.Training;

namespace Hyperfit.Cli.Commands;

/// <summary>The options <c>train</c> and <c>pretrain</c> share: where the run reads and writes, the recipe file, and
/// the recipe overrides (applied over the file, which is applied over the command's preset).</summary>
internal sealed class RecipeOptions
{
    private readonly Option<string> _model;
    private readonly Option<string> _data;
    private readonly Option<string> _output;
    private readonly Option<string?> _config;
    private readonly Option<int?> _epochs;
    private readonly Option<double?> _lr;
    private readonly Option<int?> _batch;
    private readonly Option<int?> _samples;
    private readonly Option<int?> _seqLen;
    private readonly Option<int?> _maxUpdates;
    private readonly Option<int?> _valEvery;
    private readonly Option<int?> _valSequences;
    private readonly Option<int?> _ttrContextTokens;
    private readonly Option<int?> _checkpointEvery;
    private readonly Option<int?> _gradAccum;
    private readonly Option<string?> _dtype;
    private readonly Option<string?> _variant;
    private readonly Option<long?> _seed;
    private readonly Option<bool> _resume;
    private readonly Option<double> _checkpointMinutes;
    private readonly Option<bool> _ignoreDiskSpace;
    private readonly Option<bool> _dropCheckpoint;
    private readonly Option<string> _device;
    private readonly Option<string> _textField;
    private readonly Option<string> _imageLayout;
    private readonly Option<int?>? _warmupUpdates;
    private readonly Option<double?>? _weightDecay;
    private readonly Option<double?>? _clipGradNorm;
    private readonly bool _runsHere;

    /// <param name="preset">The recipe the file and the options override, described in the help texts.</param>
    /// <param name="pretraining">Adds <c>--warmup-updates</c>, <c>--weight-decay</c> and <c>--clip-grad-norm</c>.</param>
    /// <param name="outputDescription">Help text of <c>--out</c>; null: a training run's output folder.</param>
    /// <param name="runsHere">False for <c>export-job</c>: no <c>--resume</c>, checkpoint-handling or <c>--device</c> options (the run happens elsewhere).</param>
    public RecipeOptions(HyperfitRecipe preset, string presetName, bool pretraining, string? outputDescription = null, bool runsHere = true)
    {
        _runsHere = runsHere;
        Preset = preset;
        string Default(object value) => FormattableString.Invariant($"({presetName}: {value})");
        _model = CommonOptions.Model("Hugging Face model folder to start from (weights, config.json, tokenizer)");
        _data = new Option<string>("--data") { Description = "training text: .txt (blank-line separated), .jsonl or .parquet", Required = true };
        _output = new Option<string>("--out") { Description = outputDescription ?? "output folder: training_log.json, checkpoint/, final/", Required = true };
        _config = new Option<string?>("--config") { Description = $"recipe JSON (snake_case keys) over the {presetName} preset; options below override it" };
        _epochs = new Option<int?>("--epochs") { Description = $"epochs {Default(preset.Epochs)}" };
        _lr = new Option<double?>("--lr") { Description = $"learning rate, the peak one under warmup_cosine {Default(preset.LearningRate)}" };
        _batch = new Option<int?>("--batch-size") { Description = $"sequences per update {Default(preset.BatchSize)}" };
        _samples = new Option<int?>("--samples") { Description = $"training sequences; 0 with pack: all {Default(preset.Samples)}" };
        _seqLen = new Option<int?>("--seq-len") { Description = $"tokens per sequence {Default(preset.SequenceLength)}" };
        _maxUpdates = new Option<int?>("--max-updates") { Description = "stop after this many updates; overrides --epochs (§6.3)" };
        _valEvery = new Option<int?>("--val-every") { Description = "validate every N updates (0: never)" };
        _valSequences = new Option<int?>("--val-sequences") { Description = "held-out validation sequences" };
        _ttrContextTokens = new Option<int?>("--ttr-context-tokens") { Description = $"context tokens of the validation generations (below --seq-len) {Default(preset.TtrContextTokens)}" };
        _checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "checkpoint every N updates (0: only on Ctrl-C)" };
        _gradAccum = new Option<int?>("--grad-accum") { Description = "micro-batches per update (must divide --batch-size)" };
        _dtype = new Option<string?>("--dtype") { Description = $"float32, or bfloat16 compute with float32 master weights {Default(preset.DType)}" };
        _variant = new Option<string?>("--variant") { Description = "none, shuffle1 or shuffle-all (§6.1)" };
        _seed = new Option<long?>("--seed") { Description = "seed for sampling, data order and torch" };
        _resume = new Option<bool>("--resume") { Description = "continue the run checkpointed in --out (also to extend a finished one with more --epochs/--max-updates)" };
        _checkpointMinutes = new Option<double>("--checkpoint-minutes")
        {
            Description = "also checkpoint when this many minutes passed since the last one (0: off)",
            DefaultValueFactory = _ => TrainerOptions.DefaultCheckpointInterval.TotalMinutes,
        };
        _ignoreDiskSpace = new Option<bool>("--ignore-disk-space") { Description = "start even when the free space looks too small for checkpoints + final model" };
        _dropCheckpoint = new Option<bool>("--drop-checkpoint") { Description = "delete checkpoint/ (3× the model) after a successful run" };
        _device = CommonOptions.Device();
        _textField = new Option<string>("--text-field") { Description = "JSONL field / Parquet column holding the text (image models: the Parquet image column, default img)", DefaultValueFactory = _ => "text" };
        _imageLayout = new Option<string>("--image-layout")
        {
            Description = "ImageGPT models only: raw (the paper's official code: the pixel ids alone) or start-token (transformers' pre-training: start id first)",
            DefaultValueFactory = _ => "raw",
        };
        if (pretraining)
        {
            _warmupUpdates = new Option<int?>("--warmup-updates") { Description = $"linear warmup updates of warmup_cosine {Default(preset.WarmupUpdates)}" };
            _weightDecay = new Option<double?>("--weight-decay") { Description = $"decoupled weight decay on matrices {Default(preset.WeightDecay)}" };
            _clipGradNorm = new Option<double?>("--clip-grad-norm") { Description = $"clip the gradient norm to this {Default((object?)preset.ClipGradNorm ?? "off")}" };
        }
    }

    public HyperfitRecipe Preset { get; }

    public void AddTo(Command command)
    {
        Option[] options =
        [
            _model, _data, _output, _config, _epochs, _lr, _batch, _samples, _seqLen, _maxUpdates, _valEvery, _valSequences,
            _ttrContextTokens, _checkpointEvery, _gradAccum, _dtype, _variant, _seed, _textField,
        ];
        // --resume, checkpoint and device options concern a run on this machine; export-job's run happens elsewhere.
        Option?[] extra = _runsHere
            ? [_resume, _checkpointMinutes, _ignoreDiskSpace, _dropCheckpoint, _device, _imageLayout, _warmupUpdates, _weightDecay, _clipGradNorm]
            : [_warmupUpdates, _weightDecay, _clipGradNorm];
        foreach (var option in options.Concat(extra.OfType<Option>()))
        {
            command.Add(option);
        }
    }

    /// <summary>The preset, overridden by <c>--config</c>, overridden by the options; validated.</summary>
    public HyperfitRecipe Recipe(ParseResult parse)
    {
        var basis = parse.GetValue(_config) is { } path ? HyperfitRecipe.Load(path, Preset) : Preset;
        return (basis with
        {
            Epochs = parse.GetValue(_epochs) ?? basis.Epochs,
            LearningRate = parse.GetValue(_lr) ?? basis.LearningRate,
            BatchSize = parse.GetValue(_batch) ?? basis.BatchSize,
            Samples = parse.GetValue(_samples) ?? basis.Samples,
            SequenceLength = parse.GetValue(_seqLen) ?? basis.SequenceLength,
            MaxUpdates = parse.GetValue(_maxUpdates) ?? basis.MaxUpdates,
            ValidateEvery = parse.GetValue(_valEvery) ?? basis.ValidateEvery,
            ValidationSequences = parse.GetValue(_valSequences) ?? basis.ValidationSequences,
            TtrContextTokens = parse.GetValue(_ttrContextTokens) ?? basis.TtrContextTokens,
            CheckpointEvery = parse.GetValue(_checkpointEvery) ?? basis.CheckpointEvery,
            GradientAccumulationSteps = parse.GetValue(_gradAccum) ?? basis.GradientAccumulationSteps,
            DType = parse.GetValue(_dtype) is { } d ? NormaliseDType(d) : basis.DType,
            Variant = parse.GetValue(_variant) is { } v ? ParseVariant(v) : basis.Variant,
            Seed = parse.GetValue(_seed) ?? basis.Seed,
            WarmupUpdates = (_warmupUpdates is null ? null : parse.GetValue(_warmupUpdates)) ?? basis.WarmupUpdates,
            WeightDecay = (_weightDecay is null ? null : parse.GetValue(_weightDecay)) ?? basis.WeightDecay,
            ClipGradNorm = (_clipGradNorm is null ? null : parse.GetValue(_clipGradNorm)) ?? basis.ClipGradNorm,
        }).Validate();
    }

    public string ModelDirectory(ParseResult parse) => parse.GetValue(_model)!;

    public string DataPath(ParseResult parse) => parse.GetValue(_data)!;

    public string OutputDirectory(ParseResult parse) => parse.GetValue(_output)!;

    public string TextField(ParseResult parse) => parse.GetValue(_textField)!;

    /// <summary>True when <c>--dtype</c> was given (a recipe file's dtype is not an explicit choice here).</summary>
    public bool DTypeGiven(ParseResult parse) => parse.GetValue(_dtype) is not null;

    /// <summary>The training job's request: the recipe, paths and run options of <c>train</c> / <c>pretrain</c>.</summary>
    public TrainingRequest Request(ParseResult parse, string purpose)
    {
        var minutes = parse.GetValue(_checkpointMinutes);
        if (!(minutes >= 0) || double.IsInfinity(minutes))
        {
            throw new ArgumentException($"--checkpoint-minutes: {minutes} must be 0 (off) or a positive number of minutes");
        }

        return new TrainingRequest
        {
            ModelDir = parse.GetValue(_model)!,
            Data = new Data.HyperfitDataset(parse.GetValue(_data)!, parse.GetValue(_textField)!),
            Recipe = Recipe(parse),
            OutputDir = parse.GetValue(_output)!,
            Resume = parse.GetValue(_resume),
            Device = parse.GetValue(_device)!,
            CheckpointInterval = minutes > 0 ? TimeSpan.FromMinutes(minutes) : null,
            IgnoreDiskSpace = parse.GetValue(_ignoreDiskSpace),
            DropCheckpoint = parse.GetValue(_dropCheckpoint),
            Purpose = purpose,
            ImageLayout = ImageCommand.ParseLayout(parse.GetValue(_imageLayout)!, "--image-layout"),
        };
    }

    private static string NormaliseDType(string name) => TensorDTypes.ParseComputeDType(name) switch
    {
        TorchSharp.torch.ScalarType.Float32 => "float32",
        TorchSharp.torch.ScalarType.BFloat16 => "bfloat16",
        _ => throw new ArgumentException($"--dtype {name}: training supports float32 or bfloat16"),
    };

    private static DataVariant ParseVariant(string name) => name.Trim().ToLowerInvariant() switch
    {
        "none" => DataVariant.None,
        "shuffle1" or "shuffle-1" => DataVariant.Shuffle1,
        "shuffle-all" or "shuffle_all" or "shuffleall" => DataVariant.ShuffleAll,
        _ => throw new ArgumentException($"--variant {name}: expected none, shuffle1 or shuffle-all"),
    };
}
