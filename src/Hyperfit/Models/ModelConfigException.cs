namespace Hyperfit.Models;

/// <summary>config.json is invalid or asks for something not implemented; the message is one line naming the field.</summary>
public sealed class ModelConfigException : Exception
{
    public ModelConfigException(string message) : base(message)
    {
    }

    public ModelConfigException(string message, Exception inner) : base(message, inner)
    {
    }

    public ModelConfigException()
    {
    }
}
