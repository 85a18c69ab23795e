using System.Diagnostics;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>The hyperfitting recipe: <see cref="Setup"/> → <see cref="Train"/> → <see cref="SaveCheckpoint"/> /
/// <see cref="SaveFinalModel"/> → <see cref="Cleanup"/>. Thin and linear; the numerics live in
/// <see cref="TrainingStep"/>, the metrics in <see cref="Validator"/>, the files in <see cref="TrainingCheckpoint"/>.</summary>
public sealed class HyperfitTrainer : IDisposable
{
    public const string FinalDirectoryName = "final";

    private readonly CausalLM _model;
    private readonly SequenceDataset _data;
    private readonly TrainerOptions _options;
    private TrainingStep? _step;
    private TrainingLog? _log;
    private double _lossSum;
    private int _lossCount;

    /// <param name="model">Float32 model to train in place; the trainer owns and disposes it.</param>
    public HyperfitTrainer(CausalLM model, SequenceDataset data, HyperfitRecipe recipe, string outputDirectory, TrainerOptions? options = null)
    {
        _model = model;
        _data = data;
        Recipe = recipe.Validate().WithSamples(data.Training.Count).Validate();
        OutputDirectory = outputDirectory;
        _options = options ?? new TrainerOptions();
        if (data.SequenceLength != Recipe.SequenceLength || data.Training.Count != Recipe.Samples)
        {
            throw new ArgumentException(
                $"dataset ({data.Training.Count} × {data.SequenceLength}) does not match the recipe ({Recipe.Samples} × {Recipe.SequenceLength})");
        }
    }

    public HyperfitRecipe Recipe { get; }

    /// <summary>The update machinery (optimizer state), after <see cref="Setup"/>.</summary>
    internal TrainingStep? Step => _step;

    public string OutputDirectory { get; }

    public TrainingPosition Position { get; private set; } = TrainingPosition.Start;

    public IReadOnlyList<TrainingLogEntry> Log => _log?.Entries ?? [];

    public string LogPath => Path.Combine(OutputDirectory, TrainingLog.FileName);

    /// <summary>Builds the optimizer (and the bfloat16 compute copy); on resume restores the checkpoint after
    /// checking that it belongs to this recipe, data and model. Refuses to start fresh over an existing checkpoint.</summary>
    /// <exception cref="TrainingException">No checkpoint to resume, a mismatching one, or one in the way.</exception>
    public void Setup()
    {
        var existing = TrainingCheckpoint.Find(OutputDirectory);
        TrainingCheckpoint.State? state = null;
        if (_options.Resume)
        {
            if (existing is null)
            {
                throw new TrainingException(Fields.Resume, $"resume: no checkpoint in {OutputDirectory}");
            }

            state = TrainingCheckpoint.ReadState(existing);
            CheckResumable(existing, state);
        }
        else if (existing is not null)
        {
            throw new TrainingException(Fields.Resume, $"resume is off, but {existing} exists: resume that run, or choose another output folder");
        }

        _model.train();
        _step = new TrainingStep(_model, Recipe);
        _log = new TrainingLog(ConfigEcho());
        if (state is not null)
        {
            TrainingCheckpoint.Restore(existing!, _model, _step);
            Position = state.Position;
            _log.Reset(state.Log);
            _lossSum = state.TrainLossSum;
            _lossCount = state.TrainLossCount;
        }
        else
        {
            manual_seed(Recipe.Seed);
        }
    }

    /// <summary>Runs updates until the recipe's total, or until <paramref name="cancellation"/> fires (then saves a
    /// checkpoint and returns). Validates at the start and every <c>validate_every</c> updates.</summary>
    /// <exception cref="TrainingException">A non-finite loss: the update is not applied, the last checkpoint is kept.</exception>
    public TrainingOutcome Train(Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var step = _step ?? throw new InvalidOperationException("call Setup() first");
        Directory.CreateDirectory(OutputDirectory);
        var schedule = new TrainingSchedule(Recipe, _data.Training.Count);
        if (schedule.ValidatesAfter(0) && Log.Count == 0)
        {
            RunValidation(trainLoss: null);
        }

        var total = schedule.TotalUpdates;
        var device = _model.parameters().First().device;
        var lastLoss = float.NaN;
        var clock = Stopwatch.StartNew();
        var time = _options.Clock ?? TimeProvider.System;
        var lastCheckpoint = time.GetTimestamp();
        long tokensSinceStart = 0;
        while (Position.UpdateCounter < total)
        {
            if (cancellation.IsCancellationRequested)
            {
                SaveCheckpoint();
                return new TrainingOutcome(true, Position.UpdateCounter, lastLoss);
            }

            var rows = schedule.Batch(Position).Select(i => _data.Training[i]).ToArray();
            using (var scope = NewDisposeScope())
            {
                var flat = rows.SelectMany(r => r.Select(id => (long)id)).ToArray();
                var ids = tensor(flat, [rows.Length, Recipe.SequenceLength]).to(device); // (B, T)
                lastLoss = step.Update(ids, schedule.LearningRate(Position.UpdateCounter)); // sync point inside
            }

            if (!float.IsFinite(lastLoss))
            {
                var kept = TrainingCheckpoint.Find(OutputDirectory);
                throw new TrainingException(
                    $"update {Position.UpdateCounter + 1}: training loss is {lastLoss}; stopped without applying it " +
                    (kept is null ? "(no checkpoint written yet)" : $"(last good checkpoint: {kept})"));
            }

            Position = schedule.Advance(Position, rows.Length);
            _lossSum += lastLoss;
            _lossCount++;
            tokensSinceStart += (long)rows.Length * Recipe.SequenceLength;
            progress?.Invoke(new TrainingProgress(Position.UpdateCounter, total, Position.Epoch, lastLoss,
                tokensSinceStart / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));

            var update = Position.UpdateCounter;
            if (schedule.ValidatesAfter(update))
            {
                RunValidation(_lossSum / _lossCount);
            }

            if ((Recipe.CheckpointEvery > 0 && update % Recipe.CheckpointEvery == 0)
                || (_options.CheckpointInterval is { } interval && update < total && time.GetElapsedTime(lastCheckpoint) >= interval))
            {
                SaveCheckpoint();
                lastCheckpoint = time.GetTimestamp();
            }
        }

        return new TrainingOutcome(false, Position.UpdateCounter, lastLoss);
    }

    /// <summary>Writes the resumable checkpoint (atomically, see <see cref="TrainingCheckpoint"/>).</summary>
    public void SaveCheckpoint()
    {
        var step = _step ?? throw new InvalidOperationException("call Setup() first");
        TrainingCheckpoint.Save(OutputDirectory, _model, step, new TrainingCheckpoint.State(
            Position, Recipe.ToJson(), _data.Hash, _options.ModelIdentity, Log, _lossSum, _lossCount));
    }

    /// <summary>Saves the trained model in Hugging Face layout to <c>out/final</c>, tokenizer files copied.</summary>
    public string SaveFinalModel()
    {
        var path = Path.Combine(OutputDirectory, FinalDirectoryName);
        HfModelSaver.Save(_model, path, _options.SourceDirectory);
        return path;
    }

    /// <summary>Frees the optimizer, the compute copy and the model.</summary>
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        _step?.Dispose();
        _step = null;
        _model.Dispose();
    }

    private void RunValidation(double? trainLoss)
    {
        if (_data.Validation.Count == 0)
        {
            _log!.Add(new TrainingLogEntry(trainLoss, Position.UpdateCounter, EpochsDone(), null, null, null, []));
        }
        else
        {
            var metrics = Validator.Run(_model, _data.Validation, Recipe, _options.Decode);
            _log!.Add(new TrainingLogEntry(trainLoss, Position.UpdateCounter, EpochsDone(), metrics.Loss, metrics.Entropy,
                double.IsNaN(metrics.MeanTtr) ? null : metrics.MeanTtr, metrics.Continuations));
        }

        _lossSum = 0;
        _lossCount = 0;
        _log.Write(LogPath);
    }

    private double EpochsDone() => (double)Position.UpdateCounter / Recipe.UpdatesPerEpoch;

    /// <summary>Recipe keys a resumed run may change: how long it runs (extending a finished run) and how often it
    /// checkpoints. Everything else would make the resumed updates differ from an uninterrupted run.</summary>
    private static readonly string[] ExtensibleKeys = ["epochs", "max_updates", "checkpoint_every"];

    private void CheckResumable(string checkpoint, TrainingCheckpoint.State state)
    {
        var recipe = Recipe.ToJson();
        var differing = recipe.Select(kv => kv.Key).Where(k => !JsonNode.DeepEquals(recipe[k], state.Recipe[k])).ToList();
        var fixedKeys = differing.Where(k => !ExtensibleKeys.Contains(k)).ToList();
        if (fixedKeys.Count > 0)
        {
            throw new TrainingException(Fields.Resume, $"resume: {checkpoint} was written by a different recipe (differs in: {string.Join(", ", fixedKeys)}); nothing was changed");
        }

        if (state.Position.UpdateCounter > Recipe.TotalUpdates)
        {
            throw new TrainingException(Fields.Resume, $"resume: {checkpoint} is at update {state.Position.UpdateCounter}, past this recipe's {Recipe.TotalUpdates} updates; nothing was changed");
        }

        // Extending (more epochs or updates) is exact only when the learning rate does not depend on the run's length.
        if ((differing.Contains("epochs") || differing.Contains("max_updates")) && Recipe.LearningRateSchedule != LearningRateSchedule.Constant)
        {
            throw new TrainingException(Fields.Resume, $"resume: {checkpoint} was written for a run of another length, and its {Recipe.LearningRateSchedule} learning rate depends on the length; only a constant-rate run can be extended; nothing was changed");
        }

        if (state.DataHash != _data.Hash)
        {
            throw new TrainingException(Fields.Resume, $"resume: {checkpoint} was written for different data (hash {state.DataHash[..12]}…, now {_data.Hash[..12]}…); nothing was changed");
        }

        if (state.ModelIdentity != _options.ModelIdentity)
        {
            throw new TrainingException(Fields.Resume, $"resume: {checkpoint} was written for a different starting model; nothing was changed");
        }
    }

    private JsonObject ConfigEcho()
    {
        var echo = new JsonObject
        {
            ["recipe"] = Recipe.ToJson(),
            ["data_hash"] = _data.Hash,
            ["qualifying_documents"] = _data.QualifyingDocuments,
            ["total_documents"] = _data.TotalDocuments,
            ["model_identity"] = _options.ModelIdentity,
        };
        foreach (var (key, value) in _options.ConfigEcho ?? new Dictionary<string, string>())
        {
            echo[key] = value;
        }

        return echo;
    }
}
