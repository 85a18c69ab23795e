namespace Hyperfit;

/// <summary>
/// A value the caller gave is wrong. <see cref="Field"/> names it in the library's own terms (a <see cref="Fields"/>
/// name, or a recipe key), and the message starts with that name ("device cuda: CUDA is not available …",
/// "samples (4) is smaller than batch_size (8) …"), so a front end can put its own name for the field in its place:
/// the CLI its flag (<c>Hyperfit.Cli.CliFlags</c>), the experiment runner the spec's key path
/// (<see cref="Experiments.SpecKeys"/>).
/// </summary>
public sealed class FieldException : ArgumentException
{
    private readonly string _message;

    /// <param name="field">The field's name; <paramref name="message"/> must start with it.</param>
    public FieldException(string field, string message, Exception? innerException = null)
        : base(message, field, innerException)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(message);
        if (!message.StartsWith(field, StringComparison.Ordinal))
        {
            throw new ArgumentException($"a field error's message must start with the field name '{field}': {message}", nameof(message));
        }

        _message = message;
    }

    public FieldException()
        : this("value", "value is invalid")
    {
    }

    public FieldException(string message)
        : this("value", "value: " + message)
    {
    }

    public FieldException(string message, Exception innerException)
        : this("value", "value: " + message, innerException)
    {
    }

    /// <summary>The field's library name (also <see cref="ArgumentException.ParamName"/>).</summary>
    public string Field => ParamName!;

    /// <summary>The message without .NET's " (Parameter 'x')" suffix: it already starts with the field.</summary>
    public override string Message => _message;

    /// <summary>The message with the field's name replaced by <paramref name="name"/> (a flag, a key path).</summary>
    public string Rename(string name) => name + _message[Field.Length..];
}
