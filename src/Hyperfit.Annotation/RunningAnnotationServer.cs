using Microsoft.AspNetCore.Builder;

namespace Hyperfit.Annotation;

/// <summary>A started annotation server: where it listens, and how to stop it.</summary>
public sealed class RunningAnnotationServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StudyWriteGate _gate;
    private readonly Hyperfit.IO.OutputLock _folderLock;
    private int _stopped;

    internal RunningAnnotationServer(WebApplication app, Uri url, StudyWriteGate gate, Hyperfit.IO.OutputLock folderLock)
    {
        _app = app;
        _gate = gate;
        _folderLock = folderLock;
        Url = url;
    }

    /// <summary>The bound address with the actual port, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The personal link of an account token on this server (what <c>hyperfit annotate invite</c> prints
    /// with the public address instead).</summary>
    public Uri LoginLink(string token) => AnnotationServer.LoginLink(Url, token);

    /// <summary>Stops accepting requests, lets running ones finish (a vote in flight is stored or not, never half),
    /// and releases the port.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
        _folderLock.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
