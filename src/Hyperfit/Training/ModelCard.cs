using System.Globalization;
using System.Text;
using Hyperfit.Checkpoints;
using Hyperfit.Data;

namespace Hyperfit.Training;

/// <summary>
/// The README.md written into a trained model's <c>final/</c>: what the model is (the starting model, the data, the
/// recipe, how far it trained and where its losses ended). The starting model's own README is not copied: it describes
/// another model (<see cref="HfModelSaver.CompanionFiles"/> leaves it out).
/// </summary>
public sealed record ModelCard(string BaseModel, HyperfitDataset Data, HyperfitRecipe Recipe, long Updates, IReadOnlyList<TrainingLogEntry> Log)
{
    public const string FileName = "README.md";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Render()
    {
        var lastTrain = Log.LastOrDefault(e => e.TrainLoss is not null)?.TrainLoss;
        var firstVal = Log.FirstOrDefault(e => e.ValLoss is not null)?.ValLoss;
        var lastVal = Log.LastOrDefault(e => e.ValLoss is not null)?.ValLoss;
        var r = Recipe;
        var samples = r.Samples.ToString(Inv);
        var md = new StringBuilder();
        md.Append("# ").Append(Path.GetFileName(Path.TrimEndingDirectorySeparator(BaseModel))).Append(", trained by Hyperfit\n\n")
          .Append("This folder was written by Hyperfit ").Append(HyperfitVersion.Current).Append(" (https://arxiv.org/abs/2412.04318 for hyperfitting). ")
          .Append("It is **not** the model the starting folder's README describes: that model was trained further as below.\n\n")
          .Append("| | |\n|---|---|\n")
          .Append("| Starting model | `").Append(Path.GetFullPath(BaseModel)).Append("` |\n")
          .Append("| Data | `").Append(Path.GetFullPath(Data.File)).Append('`').Append(Data.TextField == "text" ? "" : $" (field `{Data.TextField}`)").Append(" |\n")
          .Append(Inv, $"| Samples × tokens | {samples} × {r.SequenceLength} ({r.DataMode.ToString().ToLowerInvariant()}, variant {r.Variant.ToString().ToLowerInvariant()}) |\n")
          .Append(Inv, $"| Optimizer | {r.Optimizer}, learning rate {r.LearningRate:G3} ({r.LearningRateSchedule.ToString().ToLowerInvariant()}), weight decay {r.WeightDecay:G3}, batch {r.BatchSize}, {r.DType} |\n")
          .Append(Inv, $"| Updates | {Updates} ({(r.MaxUpdates is { } m ? $"max_updates {m}" : $"{r.Epochs} epochs")}), seed {r.Seed} |\n")
          .Append("| Last training loss | ").Append(lastTrain is { } t ? t.ToString("F4", Inv) : "–").Append(" |\n")
          .Append("| Validation loss, first → last | ").Append(firstVal is { } a && lastVal is { } b ? string.Create(Inv, $"{a:F3} → {b:F3}") : "–").Append(" |\n\n")
          .Append("The full recipe and every logged loss are in `../training_log.json` next to this folder. A hyperfitted model has a low-entropy, ")
          .Append("sharpened distribution (§5 of the paper): its perplexity on held-out text is high by design.\n");
        return md.ToString();
    }

    /// <summary>Writes <c>README.md</c> into <paramref name="modelDirectory"/> (atomically).</summary>
    public static void Write(string modelDirectory, ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        HfModelSaver.WriteAtomically(Path.Combine(modelDirectory, FileName), card.Render());
    }
}
