using Hyperfit.Models.Cpu;

namespace Hyperfit.Tests.Models.Cpu;

/// <summary>The decode kernel's thread team: every chunk of every job runs exactly once, whoever takes it.</summary>
public sealed class CpuTeamTests
{
    // Counts how often each chunk ran and on which worker; a chunk may spin a little so that helpers get a share.
    private sealed class CountingWork(int chunks, int spin) : IChunkedWork
    {
        public readonly int[] Runs = new int[chunks];
        public readonly int[] Workers = new int[chunks];

        public void Run(int chunk, int worker)
        {
            Interlocked.Increment(ref Runs[chunk]);
            Workers[chunk] = worker;
            Thread.SpinWait(spin);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Should_run_every_chunk_of_every_job_exactly_once(int threads)
    {
        // Given a team and 2000 jobs of 1 to 40 chunks back to back, some with idle gaps that put the helpers to sleep
        using var team = new CpuTeam(threads);
        var random = new Random(threads);
        for (var job = 0; job < 2000; job++)
        {
            var chunks = random.Next(1, 41);
            var work = new CountingWork(chunks, spin: random.Next(0, 200));
            if (job % 250 == 0)
            {
                Thread.Sleep(1);
            }

            // When the job runs
            team.Run(work, chunks);

            // Then each chunk ran once, on the caller or a helper
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
            Assert.All(work.Workers, w => Assert.InRange(w, 0, threads - 1));
        }

        Assert.Equal(threads, team.Threads);
    }

    [Fact]
    public void Should_keep_running_every_chunk_once_across_the_wrap_of_its_job_numbers()
    {
        // Given a team whose job numbers are about to pass int.MaxValue
        using var team = new CpuTeam(2, lastJob: int.MaxValue - 5);

        // When 20 jobs run
        for (var job = 0; job < 20; job++)
        {
            var work = new CountingWork(12, spin: 50);
            team.Run(work, 12);

            // Then each chunk ran exactly once (no job skipped, none waited forever)
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
        }
    }

    [Fact]
    public void Should_finish_on_the_calling_thread_alone_when_no_helper_takes_a_chunk()
    {
        // Given a team whose helper is asleep (an idle gap longer than its spin) and a job of one chunk per call
        using var team = new CpuTeam(2);
        var work = new CountingWork(1, spin: 0);

        // When single-chunk jobs run
        for (var i = 0; i < 100; i++)
        {
            team.Run(work, 1);
        }

        // Then the caller ran them all itself (a one-chunk job never waits for a helper)
        Assert.Equal(100, work.Runs[0]);
        Assert.Equal(0, work.Workers[0]);
    }

    [Fact]
    public void Should_stop_its_helpers_on_dispose_and_refuse_work_afterwards()
    {
        // Given a team that ran a job
        var team = new CpuTeam(3);
        team.Run(new CountingWork(8, spin: 10), 8);

        // When it is disposed (twice)
        team.Dispose();
        team.Dispose();

        // Then it refuses further work
        Assert.Throws<ObjectDisposedException>(() => team.Run(new CountingWork(2, spin: 0), 2));
    }

    [Fact]
    public void Should_rethrow_a_chunks_exception_on_the_caller_after_the_job_and_keep_working()
    {
        // Given a team and a job whose chunk 5 throws (on whichever thread takes it)
        using var team = new CpuTeam(2);
        var failing = new FailingWork(12, failingChunk: 5);

        // When it runs, the exception reaches the caller once every other chunk has run
        var error = Assert.Throws<InvalidOperationException>(() => team.Run(failing, 12));
        Assert.Equal("chunk 5", error.Message);
        Assert.Equal(11, failing.Completed);

        // And the next job runs normally
        var work = new CountingWork(12, spin: 10);
        team.Run(work, 12);
        Assert.All(work.Runs, runs => Assert.Equal(1, runs));
    }

    private sealed class FailingWork(int chunks, int failingChunk) : IChunkedWork
    {
        private int _completed;

        public int Completed => _completed;

        public void Run(int chunk, int worker)
        {
            Assert.InRange(chunk, 0, chunks - 1);
            Thread.SpinWait(100);
            if (chunk == failingChunk)
            {
                throw new InvalidOperationException($"chunk {chunk}");
            }

            Interlocked.Increment(ref _completed);
        }
    }

    [Fact]
    public void Should_refuse_a_team_of_no_threads() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuTeam(0));
}
