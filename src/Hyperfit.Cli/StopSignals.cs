using System.Runtime.InteropServices;

namespace Hyperfit.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM (Slurm, <c>docker stop</c>, systemd, <c>timeout</c>) as a cancellation: the first one asks
/// the running job to stop at its next safe point (training: after the current update, with a checkpoint), a second
/// Ctrl-C kills as usual. The command then exits 130 (SIGINT) or 143 (SIGTERM), the shell's codes for those signals.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _term;

    public StopSignals()
    {
        Console.CancelKeyPress += OnCancelKey;
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Stop("SIGTERM");
        });
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>SIGINT or SIGTERM once one arrived, else null.</summary>
    public string? Signal { get; private set; }

    /// <summary>130 after SIGINT, 143 after SIGTERM.</summary>
    public int ExitCode => Signal == "SIGTERM" ? 143 : 130;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKey;
        _term.Dispose();
        _cancel.Dispose();
    }

    private void OnCancelKey(object? sender, ConsoleCancelEventArgs e)
    {
        // First Ctrl-C: let the job stop cleanly. A second one kills as usual.
        if (!_cancel.IsCancellationRequested)
        {
            e.Cancel = true;
            Stop("SIGINT");
        }
    }

    private void Stop(string signal)
    {
        if (!_cancel.IsCancellationRequested)
        {
            Signal = signal;
            _cancel.Cancel();
        }
    }
}
