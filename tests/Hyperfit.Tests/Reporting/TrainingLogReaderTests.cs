using Hyperfit.Reporting;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Training;

namespace Hyperfit.Tests.Reporting;

public sealed class TrainingLogReaderTests
{
    [Fact]
    public void Should_read_every_entry_of_a_training_log()
    {
        // Given a log as TrainingLog writes it: a start entry without train loss, then one with validation
        using var dir = new TempDirectory();
        var path = dir.File(TrainingLog.FileName);
        File.WriteAllText(path, """
            {
              "config": {"recipe": "smoke"},
              "logs": [
                {"train_loss": null, "update_counter": 0, "epoch": 0, "val_loss": 3.5, "val_entropy": 2.1, "val_ttr": 0.4, "val_gen_seqs": ["a b"]},
                {"train_loss": 1.25, "update_counter": 20, "epoch": 1.0, "val_loss": 3.75, "val_entropy": 1.5, "val_ttr": null, "val_gen_seqs": []}
              ]
            }
            """);

        // When
        var entries = TrainingLogReader.Read(path);

        // Then
        Assert.Equal(2, entries.Count);
        Assert.Null(entries[0].TrainLoss);
        Assert.Equal(3.5, entries[0].ValLoss);
        Assert.Equal(["a b"], entries[0].ValGenSeqs);
        Assert.Equal(1.25, entries[1].TrainLoss);
        Assert.Equal(20, entries[1].UpdateCounter);
        Assert.Equal(1.0, entries[1].Epoch);
        Assert.Null(entries[1].ValTtr);
    }

    [Fact]
    public void Should_round_trip_what_the_training_log_writes()
    {
        // Given a TrainingLog written to disk
        using var dir = new TempDirectory();
        var path = dir.File(TrainingLog.FileName);
        var log = new TrainingLog([]);
        log.Add(new TrainingLogEntry(null, 0, 0, null, null, null, []));
        log.Add(new TrainingLogEntry(0.5, 10, 2.5, 4.0, 1.0, 0.75, ["x"]));
        log.Write(path);

        // When
        var entries = TrainingLogReader.Read(path);

        // Then
        Assert.Equal(log.Entries.Select(e => (e.TrainLoss, e.UpdateCounter, e.Epoch, e.ValLoss, e.ValTtr)),
            entries.Select(e => (e.TrainLoss, e.UpdateCounter, e.Epoch, e.ValLoss, e.ValTtr)));
    }

    [Fact]
    public void Should_reject_a_file_without_a_logs_array()
    {
        // Given JSON without "logs"
        // When
        var error = Assert.Throws<InvalidDataException>(() => TrainingLogReader.Parse("""{"config": {}}""", "run/training_log.json"));

        // Then
        Assert.Contains("run/training_log.json", error.Message);
    }
}
