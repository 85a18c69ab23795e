using Hyperfit.Models;
using TorchSharp;

namespace Hyperfit.Tests.Models;

public sealed class StateDictTests
{
    [Fact]
    public void Should_name_llama_parameters_like_transformers()
    {
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.Llama()), ModelOptions.Default);
        var names = model.state_dict().Keys.Order(StringComparer.Ordinal).ToArray();
        var shapes = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Contains("model.embed_tokens.weight", names);
        Assert.Contains("model.layers.1.self_attn.q_proj.weight", names);
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", names);
        Assert.Contains("model.layers.0.input_layernorm.weight", names);
        Assert.Contains("model.layers.0.post_attention_layernorm.weight", names);
        Assert.Contains("model.norm.weight", names);
        Assert.Contains("lm_head.weight", names);
        Assert.Equal(2 + 2 * 9 + 1, names.Length);
        Assert.Equal([64L, 32L], shapes["model.layers.0.mlp.up_proj.weight"]);
    }

    [Fact]
    public void Should_name_gpt2_parameters_like_transformers_without_the_tied_head()
    {
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.GPT2()), ModelOptions.Default);
        var sd = model.state_dict();
        Assert.DoesNotContain("lm_head.weight", sd.Keys);
        Assert.Equal([32L, 96L], sd["transformer.h.0.attn.c_attn.weight"].shape);
        Assert.Equal([96L], sd["transformer.h.0.attn.c_attn.bias"].shape);
        Assert.Equal([64L, 32L], sd["transformer.wpe.weight"].shape);
        Assert.Contains("transformer.ln_f.bias", sd.Keys);
        Assert.Equal(2 + 2 + 2 * 12, sd.Count);
    }

    [Fact]
    public void Should_give_qwen2_biases_on_qkv_only()
    {
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.Qwen2()), ModelOptions.Default);
        var sd = model.state_dict();
        Assert.Equal([16L], sd["model.layers.0.self_attn.k_proj.bias"].shape);
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", sd.Keys);
        Assert.DoesNotContain("model.layers.0.self_attn.o_proj.bias", sd.Keys);
        Assert.DoesNotContain("lm_head.weight", sd.Keys);
    }
}
