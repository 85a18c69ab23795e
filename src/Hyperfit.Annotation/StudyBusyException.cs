namespace Hyperfit.Annotation;

/// <summary>The study database stayed busy longer than the server waits (another process holds it).</summary>
internal sealed class StudyBusyException : Exception
{
    public StudyBusyException()
        : base("the study database stayed busy")
    {
    }
}
