namespace Hyperfit.Training;

/// <summary>A training run cannot start or continue; the message is one line meant for the user. When the cause is one
/// input (<see cref="Field"/>, e.g. <see cref="Fields.Resume"/>), the message starts with the field's name.</summary>
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

    /// <param name="field">The input at fault; <paramref name="message"/> starts with its name.</param>
    public TrainingException(string field, string message) : base(message)
    {
        Field = field;
    }

    /// <summary>The input at fault, or null.</summary>
    public string? Field { get; }

    /// <summary>The message with <see cref="Field"/>'s name replaced by <paramref name="name"/> (a flag).</summary>
    public string Rename(string name) => Field is { } f && Message.StartsWith(f, StringComparison.Ordinal) ? name + Message[f.Length..] : Message;
}
