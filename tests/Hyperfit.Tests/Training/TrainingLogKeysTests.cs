using Hyperfit.ScaleOut;
using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

/// <summary>The training log's keys come from <see cref="TrainingLogEntry"/>'s contract only (the export's script and
/// the import's checks use them), and are the official implementation's keys.</summary>
public sealed class TrainingLogKeysTests
{
    [Fact]
    public void Should_take_the_log_keys_from_the_entry_contract()
    {
        // Given the official implementation's log keys, in its order
        string[] official = ["train_loss", "update_counter", "epoch", "val_loss", "val_entropy", "val_ttr", "val_gen_seqs"];

        // Then the log, the job export and one property's key agree with them
        Assert.Equal(official, TrainingLog.Keys);
        Assert.Equal(official, JobExporter.LogKeys);
        Assert.Equal("val_entropy", TrainingLog.KeyOf(nameof(TrainingLogEntry.ValEntropy)));
        var written = TrainingLog.Serialize([new TrainingLogEntry(1.5, 2, 0.5, null, null, null, [])]);
        Assert.All(official, key => Assert.Contains($"\"{key}\"", written, StringComparison.Ordinal));
    }
}
