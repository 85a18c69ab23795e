using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Hyperfit.Models.Cpu;

/// <summary>The calling thread plus <see cref="Helpers"/> helper threads sharing the chunks of one piece of work at a
/// time (<see cref="Run"/>): the decode kernel's products split by outputs, its attention by (row, head).</summary>
/// <remarks>
/// Why not OpenMP or the thread pool: a decode step is ~50 products of 20–500 µs each, back to back, so a fork and
/// join per product must cost well under a microsecond. Helpers therefore spin briefly between products and sleep
/// between steps.
/// Why chunks are claimed rather than assigned: the caller never waits for a helper that has not started. On a
/// machine where another process holds a core, a helper that is not scheduled simply claims nothing and the caller
/// computes every chunk itself (one thread's speed, not the 10–15× collapse of OpenMP's fixed split, which waits for
/// each thread's share); it waits only for chunks a helper has claimed and is computing.
/// Which thread computes a chunk never changes the result: chunks write disjoint outputs with the same code.
/// Claims are a 64-bit ticket, job number (wrapping 32 bits) in the high half and next chunk in the low half, so a
/// helper still holding an earlier job's ticket can never claim a chunk of the next job.
/// </remarks>
internal sealed class CpuTeam : IDisposable
{
    // How long an idle helper keeps spinning for the next job before it sleeps: longer than the gaps between one
    // step's products, shorter than the gap between steps (argmax, logits processors, the caller's bookkeeping).
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    private const long Closed = 0xFFFF_FFFFL; // a ticket's chunk half when no chunk may be claimed

    private readonly Thread[] _threads;
    private readonly object _gate = new(); // Monitor.Wait/Pulse: sleeping helpers
    private IChunkedWork? _work;
    private int _chunks;
    private long _ticket; // (job << 32) | next chunk
    private int _done;
    private Exception? _error; // the first exception of the current job's chunks, rethrown by Run
    private int _sleeping;
    private volatile bool _disposed;

    /// <param name="threads">Threads in all, the caller included (1: no helpers, every chunk on the caller).</param>
    public CpuTeam(int threads) : this(threads, lastJob: 0)
    {
    }

    /// <param name="threads">Threads in all, the caller included.</param>
    /// <param name="lastJob">Number of the job before the first (tests start near the 32-bit wrap).</param>
    internal CpuTeam(int threads, int lastJob)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _ticket = Ticket(lastJob, Closed);
        _threads = new Thread[threads - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            var worker = i + 1;
            _threads[i] = new Thread(() => HelperLoop(worker, lastJob)) { IsBackground = true, Name = $"hyperfit decode {worker}" };
            _threads[i].Start();
        }
    }

    /// <summary>Helper threads (threads in all minus the caller).</summary>
    public int Helpers => _threads.Length;

    /// <summary>Threads in all, the caller included.</summary>
    public int Threads => _threads.Length + 1;

    /// <summary>Runs chunks 0 … <paramref name="chunks"/> − 1 of <paramref name="work"/> and returns when all are
    /// done. Called by one thread at a time; not re-entrant.</summary>
    public void Run(IChunkedWork work, int chunks)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_threads.Length == 0 || chunks <= 1)
        {
            for (var c = 0; c < chunks; c++)
            {
                work.Run(c, 0);
            }

            return;
        }

        var job = unchecked(JobOf(Volatile.Read(ref _ticket)) + 1);
        _work = work;
        _chunks = chunks;
        _done = 0;
        Interlocked.Exchange(ref _ticket, Ticket(job, 0)); // publishes the fields above (full fence)
        if (Volatile.Read(ref _sleeping) > 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }

        RunChunks(job, 0);
        var wait = default(SpinWait);
        while (Volatile.Read(ref _done) < chunks)
        {
            wait.SpinOnce(sleep1Threshold: -1); // yields now and then: lets a preempted helper finish on this core
        }

        // No chunk of this job may be claimed once its fields change for the next one.
        Interlocked.Exchange(ref _ticket, Ticket(job, Closed));
        _work = null;
        if (Interlocked.Exchange(ref _error, null) is { } error)
        {
            ExceptionDispatchInfo.Throw(error); // after every chunk has finished, on the calling thread
        }
    }

    private static int JobOf(long ticket) => (int)(ticket >> 32);

    private static long Ticket(int job, long chunk) => ((long)(uint)job << 32) | chunk;

    // Claims and computes chunks of job `job` until none is left.
    private void RunChunks(int job, int worker)
    {
        while (true)
        {
            var ticket = Volatile.Read(ref _ticket);
            if (JobOf(ticket) != job)
            {
                return;
            }

            var next = ticket & 0xFFFF_FFFFL;
            var work = _work;
            if (next >= _chunks || work is null)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _ticket, ticket + 1, ticket) != ticket)
            {
                continue;
            }

            try
            {
                work.Run((int)next, worker);
            }
            catch (Exception e)
            {
                // A helper must not die (it would take the process with it) nor leave the caller waiting.
                Interlocked.CompareExchange(ref _error, e, null);
            }
            finally
            {
                Interlocked.Increment(ref _done);
            }
        }
    }

    private void HelperLoop(int worker, int seen)
    {
        while (WaitForJob(seen, out var job))
        {
            seen = job;
            RunChunks(job, worker);
        }
    }

    // Waits for a job after `seen` (spinning first, then asleep); false when the team is disposed.
    private bool WaitForJob(int seen, out int job)
    {
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() - start < SpinTicks)
        {
            job = JobOf(Volatile.Read(ref _ticket));
            if (_disposed || job != seen)
            {
                return !_disposed;
            }

            Thread.SpinWait(20);
        }

        lock (_gate)
        {
            Interlocked.Increment(ref _sleeping);
            try
            {
                while (true)
                {
                    job = JobOf(Volatile.Read(ref _ticket));
                    if (_disposed || job != seen)
                    {
                        return !_disposed;
                    }

                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _sleeping);
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }
    }
}
