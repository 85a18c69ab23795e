namespace Hyperfit.Tokenization;

/// <summary>A tokenizer could not be loaded from a model folder. The message is one line that names the file
/// and the problem. It derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed;
/// catch <see cref="TokenizerLoadException"/> (or IOException) to report it.</summary>
public sealed class TokenizerLoadException : IOException
{
    /// <summary>Creates the exception with an empty message.</summary>
    public TokenizerLoadException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    public TokenizerLoadException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public TokenizerLoadException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
