using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.IO.Safetensors;
using Hyperfit.Models;
using Hyperfit.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Checkpoints;

public sealed class HfCheckpointTests
{
    private static CausalLM RandomModel(JsonObject config, ScalarType dtype = ScalarType.Float32)
    {
        var model = ModelRegistry.Build(ModelRegistry.ReadConfig(config), new ModelOptions(dtype));
        SeededWeights.Fill(model, seed: 1, perturbation: 0.1);

        return model;
    }

    private static void AssertBitExact(CausalLM expected, CausalLM actual)
    {
        var a = expected.state_dict();
        var b = actual.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, tensor) in a)
        {
            Assert.Equal(tensor.dtype, b[name].dtype);
            Assert.True(tensor.bytes.SequenceEqual(b[name].bytes), $"{name} differs after save → load");
        }
    }

    [Theory]
    [MemberData(nameof(TinyConfigs.All), MemberType = typeof(TinyConfigs))]
    public void Should_round_trip_save_and_load_bit_exactly(string family, JsonObject config)
    {
        // Given a random model of each family
        using var dir = new TempDirectory();
        using var model = RandomModel(config);

        // When it is saved and loaded back
        HfModelSaver.Save(model, dir.Path);
        using var loaded = HfModelLoader.Load(dir.Path);

        // Then every parameter is identical, bit for bit, and the file has no tied head
        AssertBitExact(model, loaded);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        Assert.Equal(model.Config.TieWordEmbeddings, !file.TryGetTensor("lm_head.weight", out _));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(family, family);
    }

    [Fact]
    public void Should_round_trip_bfloat16_weights_and_shard_above_the_threshold()
    {
        // Given a bf16 model and a shard limit smaller than the model
        using var dir = new TempDirectory();
        using var model = RandomModel(TinyConfigs.LlamaGqaTiedLlama3(), ScalarType.BFloat16);

        // When saved with 8 KB shards
        HfModelSaver.Save(model, dir.Path, maxShardBytes: 8 * 1024);

        // Then an index and several shards exist, config says bfloat16, and loading in bf16 is bit-exact
        Assert.True(File.Exists(dir.File("model.safetensors.index.json")));
        Assert.False(File.Exists(dir.File("model.safetensors")));
        Assert.True(Directory.GetFiles(dir.Path, "model-*-of-*.safetensors").Length > 1);
        Assert.Equal("bfloat16", (string?)JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!["torch_dtype"]);
        using var loaded = HfModelLoader.Load(dir.Path, new ModelOptions(ScalarType.BFloat16));
        AssertBitExact(model, loaded);
    }

    [Fact]
    public void Should_convert_bf16_weights_to_the_requested_compute_dtype()
    {
        using var dir = new TempDirectory();
        using var model = RandomModel(TinyConfigs.Llama(), ScalarType.BFloat16);
        HfModelSaver.Save(model, dir.Path);
        using var loaded = HfModelLoader.Load(dir.Path, new ModelOptions(ScalarType.Float32));
        var original = model.state_dict()["model.layers.0.self_attn.q_proj.weight"];
        var converted = loaded.state_dict()["model.layers.0.self_attn.q_proj.weight"];
        Assert.Equal(ScalarType.Float32, converted.dtype);
        Assert.True(original.to_type(ScalarType.Float32).equal(converted).all().item<bool>());
    }

    [Fact]
    public void Should_copy_tokenizer_and_generation_files_and_keep_unknown_config_fields()
    {
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        var config = TinyConfigs.Llama();
        config["some_future_field"] = "kept";
        using var model = RandomModel(config);
        HfModelSaver.Save(model, source.Path);
        File.WriteAllText(source.File("tokenizer.json"), "{}");
        File.WriteAllText(source.File("generation_config.json"), "{\"eos_token_id\": 2}");

        using var loaded = HfModelLoader.Load(source.Path);
        HfModelSaver.Save(loaded, target.Path, sourceDirectory: source.Path);

        Assert.Equal("{}", File.ReadAllText(target.File("tokenizer.json")));
        Assert.True(File.Exists(target.File("generation_config.json")));
        Assert.Equal("kept", (string?)JsonNode.Parse(File.ReadAllText(target.File("config.json")))!["some_future_field"]);
        Assert.Empty(Directory.GetFiles(target.Path, "*.tmp"));
    }

    private static string SaveThenEdit(TempDirectory dir, JsonObject config, Action<Dictionary<string, Tensor>> edit)
    {
        using var model = RandomModel(config);
        var tensors = model.state_dict().Where(kv => !model.TiedParameterNames.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        edit(tensors);
        SafetensorsWriter.Write(dir.File("model.safetensors"), tensors.Select(kv => new SafetensorsTensorToWrite(
            kv.Key, TensorDTypes.ToSafetensors(kv.Value.dtype), kv.Value.shape, s => s.Write(kv.Value.contiguous().bytes))).ToList());
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        return Assert.Throws<CheckpointLoadException>(() => HfModelLoader.Load(dir.Path)).Message;
    }

    [Fact]
    public void Should_name_missing_tensors()
    {
        using var dir = new TempDirectory();
        var message = SaveThenEdit(dir, TinyConfigs.Llama(), t => t.Remove("model.layers.1.mlp.up_proj.weight"));
        Assert.Contains("missing tensors: model.layers.1.mlp.up_proj.weight", message);
        Assert.Contains(dir.Path, message);
    }

    [Fact]
    public void Should_name_unexpected_tensors()
    {
        using var dir = new TempDirectory();
        var message = SaveThenEdit(dir, TinyConfigs.Llama(), t => t["model.layers.0.extra.weight"] = zeros(3));
        Assert.Contains("unexpected tensors: model.layers.0.extra.weight", message);
    }

    [Fact]
    public void Should_name_a_shape_that_disagrees_with_config_json()
    {
        using var dir = new TempDirectory();
        var message = SaveThenEdit(dir, TinyConfigs.Llama(), t => t["model.norm.weight"] = ones(31));
        Assert.Contains("tensor 'model.norm.weight' in model.safetensors has shape [31], config.json implies [32]", message);
    }

    [Fact]
    public void Should_reject_integer_weights()
    {
        using var dir = new TempDirectory();
        var message = SaveThenEdit(dir, TinyConfigs.Llama(), t => t["model.norm.weight"] = ones(32, int32));
        Assert.Contains("tensor 'model.norm.weight' in model.safetensors has dtype I32", message);
    }

    [Fact]
    public void Should_ignore_buffers_older_writers_saved()
    {
        // Old GPT-2 files carry attn.bias / attn.masked_bias; old Llama files carry rotary_emb.inv_freq.
        using var dir = new TempDirectory();
        var ex = Record.Exception(() => SaveThenEditNoThrow(dir, TinyConfigs.GPT2(), t =>
        {
            t["transformer.h.0.attn.bias"] = ones(1, 1, 64, 64);
            t["transformer.h.0.attn.masked_bias"] = tensor(-1e4f);
        }));
        Assert.Null(ex);
    }

    [Fact]
    public void Should_read_gpt2_files_without_the_transformer_prefix()
    {
        using var dir = new TempDirectory();
        using var model = RandomModel(TinyConfigs.GPT2());
        var tensors = model.state_dict().ToDictionary(kv => kv.Key["transformer.".Length..], kv => kv.Value);
        SafetensorsWriter.Write(dir.File("model.safetensors"), tensors.Select(kv => new SafetensorsTensorToWrite(
            kv.Key, SafetensorsDType.F32, kv.Value.shape, s => s.Write(kv.Value.contiguous().bytes))).ToList());
        File.WriteAllText(dir.File("config.json"), TinyConfigs.GPT2().ToJsonString());
        using var loaded = HfModelLoader.Load(dir.Path);
        AssertBitExact(model, loaded);
    }

    private static void SaveThenEditNoThrow(TempDirectory dir, JsonObject config, Action<Dictionary<string, Tensor>> edit)
    {
        using var model = RandomModel(config);
        var tensors = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        edit(tensors);
        SafetensorsWriter.Write(dir.File("model.safetensors"), tensors.Select(kv => new SafetensorsTensorToWrite(
            kv.Key, TensorDTypes.ToSafetensors(kv.Value.dtype), kv.Value.shape, s => s.Write(kv.Value.contiguous().bytes))).ToList());
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        using var loaded = HfModelLoader.Load(dir.Path);
        AssertBitExact(model, loaded);
    }

    [Theory]
    [InlineData("""{"architectures": ["BertForMaskedLM"]}""", "architecture 'BertForMaskedLM' is not supported")]
    [InlineData("""{"architectures": ["LlamaForCausalLM"], "vocab_size": 10}""", "config field 'hidden_size' is missing")]
    [InlineData("""{"architectures": ["LlamaForCausalLM"], "vocab_size": 10, "hidden_size": 30, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4}""", "hidden_size (30) is not a multiple of num_attention_heads (4)")]
    [InlineData("""{"architectures": ["LlamaForCausalLM"], "vocab_size": 10, "hidden_size": 32, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4, "hidden_act": "gelu"}""", "config field 'hidden_act' = 'gelu' is not implemented")]
    [InlineData("""{"architectures": ["LlamaForCausalLM"], "vocab_size": 10, "hidden_size": 32, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4, "rope_scaling": {"rope_type": "yarn", "factor": 4}}""", "rope_scaling type 'yarn' is not implemented")]
    [InlineData("""{"architectures": ["Qwen2ForCausalLM"], "vocab_size": 10, "hidden_size": 32, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4, "use_sliding_window": true}""", "'use_sliding_window' = true is not implemented")]
    [InlineData("""{"architectures": ["LlamaForCausalLM"], "vocab_size": "ten", "hidden_size": 32, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 4}""", "config field 'vocab_size' must be an integer")]
    [InlineData("""{"architectures": [LlamaForCausalLM]}""", "invalid JSON")]
    public void Should_reject_bad_config_json_naming_the_field(string json, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), json);
        var message = Assert.Throws<CheckpointLoadException>(() => HfModelLoader.ReadConfig(dir.Path)).Message;
        Assert.Contains(expected, message);
        Assert.Contains("config.json", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Should_say_which_file_is_missing()
    {
        using var dir = new TempDirectory();
        Assert.Contains("config.json: not found", Assert.Throws<CheckpointLoadException>(() => HfModelLoader.Load(dir.Path)).Message);
        File.WriteAllText(dir.File("config.json"), TinyConfigs.Llama().ToJsonString());
        var message = Assert.Throws<CheckpointLoadException>(() => HfModelLoader.Load(dir.Path)).Message;
        Assert.Contains("model.safetensors", message);
    }
}

public sealed class HfModelLoaderChunkTests
{
    [Fact]
    public void Should_read_tensors_larger_than_one_read_in_pieces_bit_exactly()
    {
        // Given a saved model and a read limit far below its tensor sizes (stands in for >2 GB embeddings)
        using var dir = new TempDirectory();
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.Llama()), ModelOptions.Default);
        SeededWeights.Fill(model, seed: 2);
        HfModelSaver.Save(model, dir.Path);
        using var loaded = HfModelLoader.Load(dir.Path, ModelOptions.Default, maxReadBytes: 100); // not a multiple of any row size
        foreach (var (name, tensor) in model.state_dict())
        {
            Assert.True(tensor.bytes.SequenceEqual(loaded.state_dict()[name].bytes), name);
        }
    }
}
