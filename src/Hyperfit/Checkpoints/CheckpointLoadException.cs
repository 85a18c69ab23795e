namespace Hyperfit.Checkpoints;

/// <summary>A model folder cannot be loaded; the message is one line naming the file, the tensor and the problem.</summary>
public sealed class CheckpointLoadException : Exception
{
    public CheckpointLoadException(string message) : base(message)
    {
    }

    public CheckpointLoadException(string message, Exception inner) : base(message, inner)
    {
    }

    public CheckpointLoadException()
    {
    }
}
