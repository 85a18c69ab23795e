namespace Hyperfit.Annotation;

/// <summary>
/// Lets one protocol transaction (a draw or a vote) of this process at a time reach SQLite. Correctness does not
/// depend on it (each is one <c>BEGIN IMMEDIATE</c> transaction); it keeps fifty simultaneous requests from spinning in
/// SQLite's busy handler, so they are answered in arrival order. A request that cannot get its turn within
/// <see cref="MaxWait"/> (a long queue on a slow disk, or another process holding the database so that each turn ends
/// in the busy timeout) is refused with <see cref="StudyBusyException"/>: a 503, never a hang.
/// </summary>
internal sealed class StudyWriteGate : IDisposable
{
    /// <summary>Long enough for a burst of every annotator at once on a loaded machine (a turn is one fsync'ed
    /// transaction), short enough that a browser gets an answer.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (!await _turn.WaitAsync(MaxWait, cancellationToken).ConfigureAwait(false))
        {
            throw new StudyBusyException();
        }

        try
        {
            return work();
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();
}
