namespace Hyperfit;

/// <summary>An <see cref="IProgress{T}"/> that calls its handler at once, on the job's thread, in order (the framework's
/// <see cref="Progress{T}"/> posts to a synchronization context or the thread pool, which reorders a console's lines).</summary>
public sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
