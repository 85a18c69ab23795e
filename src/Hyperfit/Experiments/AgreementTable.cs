namespace Hyperfit.Experiments;

/// <summary>§6.1: the top-1 agreement matrix of several models on the original texts of a context set (mean over seeds).</summary>
public sealed record AgreementTable(IReadOnlyList<string> Models, string ContextSet, IReadOnlyList<IReadOnlyList<double?>> Matrix);
