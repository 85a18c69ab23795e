using System.Text.Json.Serialization;

namespace Hyperfit.Training;

/// <summary>One line of the run's log, under the official implementation's keys.</summary>
/// <param name="TrainLoss">Mean training loss of the updates since the previous entry; null at the start.</param>
/// <param name="Epoch">Epochs completed, fractional (update_counter / updates per epoch).</param>
public sealed record TrainingLogEntry(
    [property: JsonPropertyName("train_loss")] double? TrainLoss,
    [property: JsonPropertyName("update_counter")] long UpdateCounter,
    [property: JsonPropertyName("epoch")] double Epoch,
    [property: JsonPropertyName("val_loss")] double? ValLoss,
    [property: JsonPropertyName("val_entropy")] double? ValEntropy,
    [property: JsonPropertyName("val_ttr")] double? ValTtr,
    [property: JsonPropertyName("val_gen_seqs")] IReadOnlyList<string> ValGenSeqs);
