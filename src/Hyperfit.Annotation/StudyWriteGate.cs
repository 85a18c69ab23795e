using Hyperfit.HumanStudy;

namespace Hyperfit.Annotation;

/// <summary>
/// Lets one protocol transaction (a draw or a vote) of this process at a time reach SQLite. Correctness does not
/// depend on it (each is one <c>BEGIN IMMEDIATE</c> transaction); it keeps fifty simultaneous requests from spinning in
/// SQLite's busy handler, so they are answered in arrival order. A request that cannot get its turn within twice the
/// busy timeout (another process holds the database) is refused with <see cref="StudyBusyException"/>.
/// </summary>
internal sealed class StudyWriteGate : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (!await _turn.WaitAsync(StudyDatabase.BusyTimeout * 2, cancellationToken).ConfigureAwait(false))
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
