using System.Text.Json;
using Hyperfit.IO.Safetensors;

namespace Hyperfit.Tests.IO.Safetensors;

public sealed class SafetensorsCheckpointTests : IDisposable
{
    private readonly SafetensorsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    // 40 + 24 + 16 + 100 + 8 + 0 bytes, in this order.
    private static readonly (string Name, SafetensorsDType DType, long[] Shape)[] Model =
    [
        ("embed.weight", SafetensorsDType.F32, [2, 5]),
        ("layers.0.weight", SafetensorsDType.BF16, [3, 4]),
        ("layers.0.bias", SafetensorsDType.F32, [4]),
        ("layers.1.weight", SafetensorsDType.F32, [25]),
        ("layers.1.bias", SafetensorsDType.F16, [4]),
        ("empty", SafetensorsDType.I64, [0]),
    ];

    private static byte[][] ModelData() => Model.Select((t, i) => SafetensorsTestFiles.Bytes(t.DType, t.Shape, 100 + i)).ToArray();

    private static List<SafetensorsTensorToWrite> ModelTensors(byte[][] data) =>
        Model.Select((t, i) => SafetensorsTestFiles.Tensor(t.Name, t.DType, t.Shape, data[i])).ToList();

    [Fact]
    public void Should_write_one_file_when_everything_fits()
    {
        // Given a model under the shard limit, when saved, then one model.safetensors and no index
        var data = ModelData();
        var written = SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(data));
        Assert.Equal(["model.safetensors"], written);
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_files.Directory).Select(Path.GetFileName));

        using var checkpoint = SafetensorsCheckpoint.Open(_files.Directory);
        Assert.Equal([_files.PathOf("model.safetensors")], checkpoint.Files);
        AssertSameModel(checkpoint, data);
    }

    [Fact]
    public void Should_shard_greedily_and_read_back_identically()
    {
        // Given a limit of 64 bytes, when saved, then huggingface_hub's greedy packing in the given order gives
        // [embed 40, layers.0.weight 24] [layers.1.weight 100 alone] [layers.0.bias 16, layers.1.bias 8, empty 0]:
        // the oversized tensor gets its own shard, placed before the one still being filled
        var data = ModelData();
        var written = SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(data), maxShardBytes: 64);
        string[] shards = [.. Enumerable.Range(1, 3).Select(i => $"model-{i:D5}-of-00003.safetensors")];
        Assert.Equal([.. shards, "model.safetensors.index.json"], written);
        Assert.Equal(written.Order(StringComparer.Ordinal), Directory.GetFiles(_files.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Then the index has the total size and maps each tensor to its shard
        using var index = JsonDocument.Parse(File.ReadAllBytes(_files.PathOf("model.safetensors.index.json")));
        Assert.Equal(data.Sum(d => (long)d.Length), index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(Model.Select(t => t.Name).Order(StringComparer.Ordinal), map.Keys);
        Assert.Equal(shards[0], map["embed.weight"]);
        Assert.Equal(shards[0], map["layers.0.weight"]);
        Assert.Equal(shards[1], map["layers.1.weight"]);
        Assert.Equal(shards[2], map["layers.0.bias"]);
        Assert.Equal(shards[2], map["layers.1.bias"]);
        Assert.Equal(shards[2], map["empty"]);

        // And every shard carries {"format": "pt"}, and the checkpoint reads back identically
        using var checkpoint = SafetensorsCheckpoint.Open(_files.Directory);
        Assert.Equal(shards.Select(_files.PathOf), checkpoint.Files);
        AssertSameModel(checkpoint, data);
        Assert.Equal(_files.PathOf(shards[1]), checkpoint.FileOf("layers.1.weight"));
        foreach (var shard in shards)
        {
            using var file = SafetensorsFile.Open(_files.PathOf(shard));
            Assert.Equal("pt", file.Metadata["format"]);
        }
    }

    [Fact]
    public void Should_replace_an_earlier_save_of_the_other_layout()
    {
        // Given a sharded save, when the model is saved again into one file, then the shards and index are gone
        var data = ModelData();
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(data), maxShardBytes: 64);
        File.WriteAllText(_files.PathOf("config.json"), "{}");
        File.WriteAllBytes(_files.PathOf("model_fp16.safetensors"), [1]);
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(data));
        Assert.Equal(["config.json", "model.safetensors", "model_fp16.safetensors"],
            Directory.GetFiles(_files.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // And when saved sharded again, then model.safetensors is gone and the shards rule
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(data), maxShardBytes: 100);
        Assert.False(File.Exists(_files.PathOf("model.safetensors")));
        using var checkpoint = SafetensorsCheckpoint.Open(_files.Directory);
        Assert.Equal(3, checkpoint.Files.Count);
        AssertSameModel(checkpoint, data);
    }

    [Fact]
    public void Should_report_a_directory_without_weights()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsCheckpoint.Open(_files.Directory));
        Assert.Contains("model.safetensors.index.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_the_index_when_a_shard_file_is_missing()
    {
        // Given a sharded save whose second shard was deleted, when opened, then the index and a tensor are named
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(ModelData()), maxShardBytes: 64);
        File.Delete(_files.PathOf("model-00002-of-00003.safetensors"));
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_files.Directory));
        Assert.Equal(_files.PathOf("model.safetensors.index.json"), e.FilePath);
        Assert.Equal("layers.1.weight", e.TensorName);
        Assert.Contains("model-00002-of-00003.safetensors, which does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_a_tensor_listed_in_the_index_but_absent_from_its_shard()
    {
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(ModelData()), maxShardBytes: 64);
        RewriteIndex(map => map["ghost"] = "model-00002-of-00003.safetensors");
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_files.Directory));
        Assert.Equal("ghost", e.TensorName);
        Assert.Equal($"{_files.PathOf("model.safetensors.index.json")}: tensor 'ghost': listed in weight_map under model-00002-of-00003.safetensors, but that shard has no such tensor", e.Message);
    }

    [Fact]
    public void Should_name_both_shards_when_a_tensor_is_in_two()
    {
        // Given shard 2 rewritten to also hold layers.1.bias, which lives in shard 3
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(ModelData()), maxShardBytes: 64);
        SafetensorsWriter.Write(_files.PathOf("model-00002-of-00003.safetensors"),
        [
            SafetensorsTestFiles.Tensor("layers.1.weight", SafetensorsDType.F32, [25], new byte[100]),
            SafetensorsTestFiles.Tensor("layers.1.bias", SafetensorsDType.F16, [4], new byte[8]),
        ]);

        // When opened, then the error names the later shard, the tensor, and the other shard
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_files.Directory));
        Assert.Equal(_files.PathOf("model-00003-of-00003.safetensors"), e.FilePath);
        Assert.Equal("layers.1.bias", e.TensorName);
        Assert.Contains("also present in model-00002-of-00003.safetensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_a_shard_tensor_the_index_does_not_list()
    {
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(ModelData()), maxShardBytes: 64);
        RewriteIndex(map => map.Remove("layers.0.bias"));
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_files.Directory));
        Assert.Equal(_files.PathOf("model.safetensors.index.json"), e.FilePath);
        Assert.Equal("layers.0.bias", e.TensorName);
        Assert.Contains("present in shard model-00003-of-00003.safetensors but not listed in weight_map", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_a_tensor_the_index_puts_in_the_wrong_shard()
    {
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(ModelData()), maxShardBytes: 64);
        RewriteIndex(map => map["layers.0.bias"] = "model-00001-of-00003.safetensors");
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_files.Directory));
        Assert.Equal("layers.0.bias", e.TensorName);
        Assert.Contains("weight_map says model-00001-of-00003.safetensors but the tensor is in model-00003-of-00003.safetensors", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"weight_map\":{\"a\":\"x.safetensors\"", "index is not valid JSON")]
    [InlineData("[]", "index is not a JSON object")]
    [InlineData("{\"metadata\":{}}", "missing \"weight_map\"")]
    [InlineData("{\"weight_map\":[]}", "\"weight_map\" must be an object")]
    [InlineData("{\"weight_map\":{\"a\":1}}", "tensor 'a': weight_map value must be a shard file name")]
    [InlineData("{\"weight_map\":{\"a\":\"../model.safetensors\"}}", "tensor 'a': weight_map value \"../model.safetensors\" is not a file name")]
    [InlineData("{\"weight_map\":{\"a\":\"s.safetensors\",\"a\":\"s.safetensors\"}}", "tensor 'a': listed twice in weight_map")]
    [InlineData("{\"weight_map\":{},\"weight_map\":{}}", "duplicate key \"weight_map\"")]
    public void Should_name_the_index_when_it_is_invalid(string json, string problem)
    {
        var index = _files.PathOf("model.safetensors.index.json");
        File.WriteAllText(index, json);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_files.Directory));
        Assert.Equal(index, e.FilePath);
        Assert.StartsWith(index + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_the_shard_when_a_shard_is_corrupt()
    {
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(ModelData()), maxShardBytes: 64);
        var shard = _files.PathOf("model-00003-of-00003.safetensors");
        File.WriteAllBytes(shard, [1, 2, 3]);
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsCheckpoint.Open(_files.Directory));
        Assert.Equal(shard, e.FilePath);
    }

    [Fact]
    public void Should_name_the_index_when_an_absent_tensor_is_asked_for()
    {
        SafetensorsWriter.WriteCheckpoint(_files.Directory, ModelTensors(ModelData()), maxShardBytes: 64);
        using var checkpoint = SafetensorsCheckpoint.Open(_files.Directory);
        Assert.False(checkpoint.Contains("lm_head.weight"));
        var e = Assert.Throws<SafetensorsFormatException>(() => checkpoint.GetTensor("lm_head.weight"));
        Assert.Equal($"{_files.PathOf("model.safetensors.index.json")}: tensor 'lm_head.weight': no such tensor in this checkpoint", e.Message);
    }

    private void RewriteIndex(Action<Dictionary<string, string>> change)
    {
        var path = _files.PathOf("model.safetensors.index.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var map = doc.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        change(map);
        File.WriteAllText(path, JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = map }));
    }

    private static void AssertSameModel(SafetensorsCheckpoint checkpoint, byte[][] data)
    {
        Assert.Equal(Model.Length, checkpoint.Tensors.Count);
        for (var i = 0; i < Model.Length; i++)
        {
            Assert.True(checkpoint.Contains(Model[i].Name));
            var info = checkpoint.GetTensor(Model[i].Name);
            Assert.Equal(Model[i].DType, info.DType);
            Assert.Equal(Model[i].Shape, info.Shape);
            Assert.Equal(data[i], checkpoint.GetBytes(Model[i].Name).ToArray());
        }
    }
}
