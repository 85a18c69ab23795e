namespace Hyperfit.Training;

/// <summary>A training run cannot start or continue; the message is one line meant for the user.</summary>
public sealed class TrainingException : Exception
{
    public TrainingException(string message) : base(message)
    {
    }

    public TrainingException(string message, Exception inner) : base(message, inner)
    {
    }

    public TrainingException()
    {
    }
}
