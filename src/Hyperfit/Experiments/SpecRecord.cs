using System.Text.Json.Nodes;

namespace Hyperfit.Experiments;

/// <summary>A run folder's <c>spec.json</c>: the spec it holds results of (its hash decides whether another spec may
/// write there), the file it came from and its JSON.</summary>
public sealed record SpecRecord(string SpecHash, string SpecFile, JsonObject Spec);
