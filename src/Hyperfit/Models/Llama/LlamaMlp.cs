using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.Llama;

/// <summary>SwiGLU feed-forward: <c>down(silu(gate(x)) * up(x))</c>.</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly Linear _gateProj;
    [ComponentName(Name = "up_proj")]
    private readonly Linear _upProj;
    [ComponentName(Name = "down_proj")]
    private readonly Linear _downProj;

    public LlamaMlp(LlamaConfig config, ScalarType dtype, Device? device) : base(nameof(LlamaMlp))
    {
        _gateProj = nn.Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, device, dtype);
        _upProj = nn.Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, device, dtype);
        _downProj = nn.Linear(config.IntermediateSize, config.HiddenSize, config.MlpBias, device, dtype);
        RegisterComponents();
    }

    // The projections, for the CPU decode kernels (LlamaDecodeKernel).
    internal Linear GateProj => _gateProj;
    internal Linear UpProj => _upProj;
    internal Linear DownProj => _downProj;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(_gateProj.forward(x)) * _upProj.forward(x); // (B, T, I)
        return _downProj.forward(gated).MoveToOuterDisposeScope();
    }
}
