using System.IO.Compression;
using Hyperfit.Checkpoints;
using Hyperfit.IO.PyTorch;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.Images;

/// <summary>pytorch_model.bin as torch.save writes it (the golden made by torch 1.13), and the files that are not one:
/// every refusal is one line naming the file.</summary>
public sealed class PyTorchCheckpointTests
{
    private static string CopyModelBin(TempDirectory dir)
    {
        foreach (var f in Directory.GetFiles(ImageGoldens.Path("model-bin")))
        {
            File.Copy(f, Path.Combine(dir.Path, Path.GetFileName(f)));
        }

        return Path.Combine(dir.Path, PyTorchCheckpoint.SingleFileName);
    }

    [Fact]
    public void Should_list_the_state_dict_with_the_buffers_older_files_carry()
    {
        using var checkpoint = PyTorchCheckpoint.Open(ImageGoldens.Path("model-bin"));
        var names = checkpoint.Tensors.Select(t => t.Name).ToHashSet();
        Assert.Contains("transformer.h.0.attn.bias", names);
        Assert.Contains("transformer.h.1.attn.masked_bias", names);
        Assert.Contains("lm_head.weight", names);
        Assert.Equal(TorchSharp.torch.ScalarType.Bool, checkpoint.GetTensor("transformer.h.0.attn.bias").DType);
        Assert.Equal([1L, 1, 64, 64], checkpoint.GetTensor("transformer.h.0.attn.bias").Shape);
    }

    [Fact]
    public void Should_inspect_a_bin_folder()
    {
        var report = Hyperfit.Inspection.ModelInspector.Inspect(ImageGoldens.Path("model-bin"), Hyperfit.Models.ModelOptions.Default);

        Assert.Equal("ImageGPTForCausalImageModeling", report.Architecture);
        Assert.Equal(["pytorch_model.bin"], report.WeightFiles);
        Assert.Equal(2 * 64 * 64, report.StoredDTypes["bool"]); // the two layers' causal-mask buffers
    }

    [Fact]
    public void Should_refuse_a_file_that_is_not_a_pytorch_archive()
    {
        using var dir = new TempDirectory();
        var bin = CopyModelBin(dir);
        File.WriteAllText(bin, "certainly not a zip");

        var error = Assert.Throws<CheckpointLoadException>(() => HfModelLoader.Load(dir.Path));

        Assert.Equal($"{bin}: not a PyTorch archive (torch.save writes a zip file starting with 'PK')", error.Message);
    }

    [Fact]
    public void Should_refuse_the_legacy_format_saying_how_to_convert_it()
    {
        using var dir = new TempDirectory();
        var bin = CopyModelBin(dir);
        File.WriteAllBytes(bin, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46]);

        var error = Assert.Throws<CheckpointLoadException>(() => HfModelLoader.Load(dir.Path));

        Assert.Contains("legacy PyTorch format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_zip_without_data_pkl_and_a_truncated_pickle()
    {
        using var dir = new TempDirectory();
        var bin = CopyModelBin(dir);
        var pickle = ReadEntry(bin, "data.pkl");
        WriteZip(bin, ("archive/other.txt", [1, 2, 3]));
        var noPickle = Assert.Throws<CheckpointLoadException>(() => HfModelLoader.Load(dir.Path));
        WriteZip(bin, ("archive/data.pkl", pickle[..(pickle.Length / 2)]));
        var truncated = Assert.Throws<CheckpointLoadException>(() => HfModelLoader.Load(dir.Path));

        Assert.Contains("without <name>/data.pkl", noPickle.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{bin}: data.pkl", truncated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_unexpected_and_missing_tensors_of_a_bin_file()
    {
        // Given the real file with one tensor renamed (what a checkpoint of another model would look like)
        using var dir = new TempDirectory();
        var bin = CopyModelBin(dir);
        var entries = ReadAll(bin);
        var name = entries.Keys.Single(k => k.EndsWith("/data.pkl", StringComparison.Ordinal));
        entries[name] = Replace(entries[name], "lm_head.weight"u8.ToArray(), "lm_hexd.weight"u8.ToArray());
        WriteZip(bin, [.. entries.Select(kv => (kv.Key, kv.Value))]);

        var error = Assert.Throws<CheckpointLoadException>(() => HfModelLoader.Load(dir.Path));

        Assert.Contains("missing tensors: lm_head.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected tensors: lm_hexd.weight", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Replace(byte[] data, byte[] from, byte[] to)
    {
        var at = data.AsSpan().IndexOf(from);
        Assert.True(at >= 0);
        var copy = data.ToArray();
        to.CopyTo(copy, at);
        return copy;
    }

    private static Dictionary<string, byte[]> ReadAll(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        });
    }

    private static byte[] ReadEntry(string path, string suffix) => ReadAll(path).Single(kv => kv.Key.EndsWith(suffix, StringComparison.Ordinal)).Value;

    private static void WriteZip(string path, params (string Name, byte[] Data)[] entries)
    {
        File.Delete(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            s.Write(data);
        }
    }
}
