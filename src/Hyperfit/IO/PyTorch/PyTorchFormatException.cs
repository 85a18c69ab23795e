using Hyperfit.IO.Safetensors;

namespace Hyperfit.IO.PyTorch;

/// <summary>A <c>pytorch_model.bin</c> (or its shard index) is not a PyTorch archive Hyperfit can read, or holds
/// something other than a state dict of tensors. One line: <c>"&lt;file&gt;: &lt;problem&gt;"</c>.</summary>
public sealed class PyTorchFormatException : IOException
{
    public PyTorchFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{SafetensorsFormatException.OneLine(filePath)}: {SafetensorsFormatException.OneLine(problem)}", innerException)
    {
        FilePath = filePath;
    }

    public PyTorchFormatException()
    {
        FilePath = "";
    }

    public PyTorchFormatException(string message) : base(message)
    {
        FilePath = "";
    }

    public string FilePath { get; }
}
