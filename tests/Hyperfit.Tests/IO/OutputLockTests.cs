using Hyperfit.IO;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.IO;

public sealed class OutputLockTests
{
    [Fact]
    public void Should_refuse_a_second_writer_naming_the_folder_and_the_holder()
    {
        using var dir = new TempDirectory();
        var folder = dir.File("out");
        using (OutputLock.Acquire(folder, "hyperfit train"))
        {
            var e = Assert.Throws<IOException>(() => OutputLock.Acquire(folder, "hyperfit run"));
            Assert.StartsWith($"{folder}: in use by another Hyperfit process (pid {Environment.ProcessId}: hyperfit train, since ", e.Message, StringComparison.Ordinal);
            Assert.EndsWith("UTC); wait for it to finish or stop it", e.Message, StringComparison.Ordinal);
            Assert.Throws<IOException>(() => OutputLock.AcquireShared(folder, "serve"));
        }

        // Released: the next writer gets it, and the owner line is gone with the first writer
        using var next = OutputLock.Acquire(folder, "hyperfit run");
        Assert.True(next.Exclusive);
    }

    [Fact]
    public void Should_let_shared_holders_run_together_and_keep_an_exclusive_writer_out()
    {
        using var dir = new TempDirectory();
        using var a = OutputLock.AcquireShared(dir.Path, "serve");
        using var b = OutputLock.AcquireShared(dir.Path, "serve");
        var e = Assert.Throws<IOException>(() => OutputLock.Acquire(dir.Path, "hyperfit annotate build"));
        Assert.Contains("in use by another Hyperfit process (a shared holder such as 'hyperfit annotate serve')", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => a.RemoveDebris());
    }

    [Fact]
    public void Should_remove_only_the_temporary_files_of_atomic_writers()
    {
        // Given a folder with debris of each atomic writer and files that look similar but are not debris
        using var dir = new TempDirectory();
        string[] debris =
        [
            ".results.json.12345.tmp", "final/.model.safetensors.0123456789abcdef0123456789abcdef.tmp", "figures/.fig.png.77.0123456789abcdef0123456789abcdef.tmp.png",
            "tokenizer_config.json.4242.tmp",
        ];
        string[] kept = ["results.json", "final/model.safetensors", "notes.tmp", ".hidden", "checkpoint.old-77/trainer_state.json", "v1.2.tmp.txt"];
        foreach (var name in debris.Concat(kept))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir.File(name))!);
            File.WriteAllText(dir.File(name), "x");
        }

        Directory.CreateDirectory(dir.File("ckpt.tmp-999/inner"));
        File.WriteAllText(dir.File("ckpt.tmp-999/inner/model.safetensors"), "x");

        // When the exclusive holder removes debris
        using var held = OutputLock.Acquire(dir.Path, "test");
        var removed = held.RemoveDebris();

        // Then exactly the debris is gone
        Assert.Equal(debris.Length + 1, removed.Count);
        Assert.All(debris, d => Assert.False(File.Exists(dir.File(d)), d));
        Assert.False(Directory.Exists(dir.File("ckpt.tmp-999")));
        Assert.All(kept, k => Assert.True(File.Exists(dir.File(k)), k));
    }

    [Fact]
    public void Should_say_that_a_file_is_not_a_folder()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("f"), "x");
        Assert.Equal($"{dir.File("f")}: is a file, not a folder", Assert.Throws<IOException>(() => OutputLock.Acquire(dir.File("f"), "t")).Message);
    }
}
