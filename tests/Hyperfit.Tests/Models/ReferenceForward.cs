using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models;

/// <summary>An independent, deliberately naive forward pass written from the architecture descriptions
/// (plain double loops, one position and one head at a time, no SDPA, no cache), used as the oracle the
/// real models are checked against.</summary>
internal sealed class ReferenceForward
{
    private readonly Dictionary<string, double[]> _w;
    private readonly Dictionary<string, long[]> _shape;
    private readonly JsonObject _config;

    public ReferenceForward(nn.Module model, JsonObject config)
    {
        _config = config;
        _w = [];
        _shape = [];
        foreach (var (name, t) in model.state_dict())
        {
            using var d = t.detach().to_type(ScalarType.Float64).cpu().contiguous();
            _w[name] = d.data<double>().ToArray();
            _shape[name] = t.shape;
        }
    }

    private int I(string key) => (int)_config[key]!;

    private double D(string key, double fallback) => _config[key] is { } v ? (double)v : fallback;

    /// <summary>Logits [T][V] for one sequence; <paramref name="keep"/>[j] false marks padding (never attended).</summary>
    public double[][] Llama(int[] ids, int[] positions, bool[] keep, bool qkvBias)
    {
        var hidden = I("hidden_size");
        var heads = I("num_attention_heads");
        var kvHeads = _config["num_key_value_heads"] is null ? heads : I("num_key_value_heads");
        var hd = hidden / heads;
        var layers = I("num_hidden_layers");
        var eps = D("rms_norm_eps", 1e-6);
        var invFreq = InvFreq(hd);
        var t = ids.Length;
        var h = ids.Select(id => Row("model.embed_tokens.weight", id, hidden)).ToArray();
        for (var l = 0; l < layers; l++)
        {
            var p = $"model.layers.{l}.";
            var x = h.Select(r => RmsNorm(r, _w[p + "input_layernorm.weight"], eps)).ToArray();
            var q = x.Select(r => Linear(r, p + "self_attn.q_proj", qkvBias)).ToArray();
            var k = x.Select(r => Linear(r, p + "self_attn.k_proj", qkvBias)).ToArray();
            var v = x.Select(r => Linear(r, p + "self_attn.v_proj", qkvBias)).ToArray();
            for (var i = 0; i < t; i++)
            {
                for (var head = 0; head < heads; head++)
                {
                    Rotate(q[i], head * hd, hd, positions[i], invFreq);
                }

                for (var head = 0; head < kvHeads; head++)
                {
                    Rotate(k[i], head * hd, hd, positions[i], invFreq);
                }
            }

            var attn = Attention(q, k, v, keep, heads, kvHeads, hd, 1.0 / Math.Sqrt(hd));
            var o = attn.Select(r => Linear(r, p + "self_attn.o_proj", false)).ToArray();
            for (var i = 0; i < t; i++)
            {
                Add(h[i], o[i]);
                var y = RmsNorm(h[i], _w[p + "post_attention_layernorm.weight"], eps);
                var gate = Linear(y, p + "mlp.gate_proj", false);
                var up = Linear(y, p + "mlp.up_proj", false);
                var act = gate.Select((g, j) => g / (1 + Math.Exp(-g)) * up[j]).ToArray();
                Add(h[i], Linear(act, p + "mlp.down_proj", false));
            }
        }

        var head2 = _w.ContainsKey("lm_head.weight") ? "lm_head.weight" : "model.embed_tokens.weight";
        return h.Select(r => MatVec(_w[head2], _shape[head2], RmsNorm(r, _w["model.norm.weight"], eps))).ToArray();
    }

    /// <summary>GPT-2 logits [T][V] (tied head, gelu_new).</summary>
    public double[][] GPT2(int[] ids, int[] positions, bool[] keep)
    {
        var d = I("n_embd");
        var heads = I("n_head");
        var hd = d / heads;
        var eps = D("layer_norm_epsilon", 1e-5);
        var t = ids.Length;
        var h = Enumerable.Range(0, t)
            .Select(i => Row("transformer.wte.weight", ids[i], d).Zip(Row("transformer.wpe.weight", positions[i], d), (a, b) => a + b).ToArray())
            .ToArray();
        for (var l = 0; l < I("n_layer"); l++)
        {
            var p = $"transformer.h.{l}.";
            var x = h.Select(r => LayerNorm(r, p + "ln_1", eps)).ToArray();
            var qkv = x.Select(r => Conv1D(r, p + "attn.c_attn")).ToArray();
            var q = qkv.Select(r => r[..d]).ToArray();
            var k = qkv.Select(r => r[d..(2 * d)]).ToArray();
            var v = qkv.Select(r => r[(2 * d)..]).ToArray();
            var attn = Attention(q, k, v, keep, heads, heads, hd, 1.0 / Math.Sqrt(hd));
            for (var i = 0; i < t; i++)
            {
                Add(h[i], Conv1D(attn[i], p + "attn.c_proj"));
                var y = LayerNorm(h[i], p + "ln_2", eps);
                var fc = Conv1D(y, p + "mlp.c_fc")
                    .Select(z => 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)))).ToArray();
                Add(h[i], Conv1D(fc, p + "mlp.c_proj"));
            }
        }

        return h.Select(r => MatVec(_w["transformer.wte.weight"], _shape["transformer.wte.weight"], LayerNorm(r, "transformer.ln_f", eps))).ToArray();
    }

    private double[] InvFreq(int hd)
    {
        var theta = D("rope_theta", 10000);
        var inv = new double[hd / 2];
        for (var i = 0; i < hd / 2; i++)
        {
            // transformers computes these in float32.
            inv[i] = 1f / MathF.Pow((float)theta, (float)(2 * i) / hd);
        }

        if (_config["rope_scaling"] is JsonObject s && (string?)s["rope_type"] == "llama3")
        {
            var factor = (double)s["factor"]!;
            var low = (double)s["low_freq_factor"]!;
            var high = (double)s["high_freq_factor"]!;
            var original = (double)s["original_max_position_embeddings"]!;
            for (var i = 0; i < inv.Length; i++)
            {
                var wavelen = 2 * Math.PI / inv[i];
                if (wavelen < original / high)
                {
                    continue; // high frequency: unchanged
                }

                if (wavelen > original / low)
                {
                    inv[i] /= factor; // low frequency: fully scaled
                    continue;
                }

                var smooth = (original / wavelen - low) / (high - low);
                inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
            }
        }

        return inv;
    }

    // Pairs (i, i + hd/2) rotate by angle position·invFreq[i] (Hugging Face's rotate_half layout).
    private static void Rotate(double[] x, int offset, int hd, int position, double[] invFreq)
    {
        for (var i = 0; i < hd / 2; i++)
        {
            // transformers forms the angle and its cos/sin in float32, then casts to the model dtype.
            var angle = position * (float)invFreq[i];
            var (cos, sin) = ((double)MathF.Cos(angle), (double)MathF.Sin(angle));
            var (a, b) = (x[offset + i], x[offset + i + (hd / 2)]);
            x[offset + i] = a * cos - b * sin;
            x[offset + i + (hd / 2)] = b * cos + a * sin;
        }
    }

    private static double[][] Attention(double[][] q, double[][] k, double[][] v, bool[] keep, int heads, int kvHeads, int hd, double scale)
    {
        var t = q.Length;
        var output = new double[t][];
        for (var i = 0; i < t; i++)
        {
            output[i] = new double[heads * hd];
            for (var head = 0; head < heads; head++)
            {
                var kvHead = head / (heads / kvHeads);
                var visible = Enumerable.Range(0, i + 1).Where(j => keep[j]).ToArray();
                if (visible.Length == 0)
                {
                    visible = Enumerable.Range(0, i + 1).ToArray(); // a padding query: any finite value will do
                }

                var scores = visible.Select(j => Enumerable.Range(0, hd).Sum(e => q[i][(head * hd) + e] * k[j][(kvHead * hd) + e]) * scale).ToArray();
                var max = scores.Max();
                var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                var total = weights.Sum();
                for (var n = 0; n < visible.Length; n++)
                {
                    for (var e = 0; e < hd; e++)
                    {
                        output[i][(head * hd) + e] += weights[n] / total * v[visible[n]][(kvHead * hd) + e];
                    }
                }
            }
        }

        return output;
    }

    private double[] Row(string name, int row, int width) => _w[name].AsSpan(row * width, width).ToArray();

    private static double[] RmsNorm(double[] x, double[] weight, double eps)
    {
        var scale = 1 / Math.Sqrt(x.Select(e => e * e).Average() + eps);
        return x.Select((e, i) => weight[i] * e * scale).ToArray();
    }

    private double[] LayerNorm(double[] x, string prefix, double eps)
    {
        var mean = x.Average();
        var variance = x.Select(e => (e - mean) * (e - mean)).Average();
        var w = _w[prefix + ".weight"];
        var b = _w[prefix + ".bias"];
        return x.Select((e, i) => ((e - mean) / Math.Sqrt(variance + eps) * w[i]) + b[i]).ToArray();
    }

    private double[] Linear(double[] x, string prefix, bool bias)
    {
        var y = MatVec(_w[prefix + ".weight"], _shape[prefix + ".weight"], x);
        if (bias)
        {
            Add(y, _w[prefix + ".bias"]);
        }

        return y;
    }

    // Conv1D stores (in, out): y = x W + b.
    private double[] Conv1D(double[] x, string prefix)
    {
        var w = _w[prefix + ".weight"];
        var (rows, cols) = ((int)_shape[prefix + ".weight"][0], (int)_shape[prefix + ".weight"][1]);
        var y = (double[])_w[prefix + ".bias"].Clone();
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                y[c] += x[r] * w[(r * cols) + c];
            }
        }

        return y;
    }

    // nn.Linear stores (out, in): y = W x.
    private static double[] MatVec(double[] w, long[] shape, double[] x)
    {
        var (rows, cols) = ((int)shape[0], (int)shape[1]);
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var sum = 0.0;
            for (var c = 0; c < cols; c++)
            {
                sum += w[(r * cols) + c] * x[c];
            }

            y[r] = sum;
        }

        return y;
    }

    private static void Add(double[] into, double[] other)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] += other[i];
        }
    }
}
