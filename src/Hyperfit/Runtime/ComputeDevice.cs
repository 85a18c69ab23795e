using TorchSharp;

namespace Hyperfit.Runtime;

/// <summary>Parses the compute device every computing job takes (<c>cpu|cuda|cuda:N|auto</c>; the CLI's <c>--device</c>).</summary>
public static class ComputeDevice
{
    /// <summary>Resolves a device name; <c>auto</c> picks CUDA when this build and machine have it.</summary>
    /// <exception cref="ArgumentException">Unknown name, or CUDA requested where it is unavailable.</exception>
    public static torch.Device Resolve(string name)
    {
        HyperfitRuntime.Initialize();
        var normalized = name.Trim().ToLowerInvariant();
        if (normalized == "auto")
        {
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }

        if (normalized == "cpu")
        {
            return torch.CPU;
        }

        if (normalized == "cuda" || normalized.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
            {
                throw new FieldException(Fields.Device,
                    $"device {name}: CUDA is not available (this build uses TorchSharp-cpu; rebuild with -p:HyperfitTorchBackend=cuda on a machine with an NVIDIA GPU)");
            }

            return torch.device(normalized);
        }

        throw new FieldException(Fields.Device, $"device {name}: expected cpu, cuda, cuda:N or auto");
    }
}
