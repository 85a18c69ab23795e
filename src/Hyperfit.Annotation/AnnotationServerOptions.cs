using Hyperfit.HumanStudy;

namespace Hyperfit.Annotation;

/// <summary>How <see cref="AnnotationServer"/> serves a study.</summary>
public sealed record AnnotationServerOptions
{
    /// <summary>The study folder (<c>study.db</c>, made by <c>hyperfit annotate build</c>); the server keeps its
    /// data-protection key ring in <c>keys/</c> beside the database.</summary>
    public required string StudyDirectory { get; init; }

    /// <summary>The IP address to listen on. Loopback unless told otherwise: put a TLS reverse proxy in front to reach
    /// annotators elsewhere.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 takes a free one (see <see cref="RunningAnnotationServer.Url"/>).</summary>
    public int Port { get; init; } = 5290;

    /// <summary>How long an item handed to an annotator stays reserved for them (Appendix A's stream of items; see
    /// <see cref="StudyAssignment.Hold"/>).</summary>
    public TimeSpan Hold { get; init; } = StudyAssignment.DefaultHold;

    /// <summary>Trust <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> / <c>X-Forwarded-Host</c> from a reverse
    /// proxy on this machine (loopback), so cookies are marked Secure when the proxy speaks https. Off by default:
    /// without a proxy those headers are the client's word and must not be believed.</summary>
    public bool BehindProxy { get; init; }

    /// <summary>Receives one line per event worth telling the operator (start, votes, errors). Tokens, cookies and
    /// query strings are never written to it.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The clock of the hold expiry (tests move it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
