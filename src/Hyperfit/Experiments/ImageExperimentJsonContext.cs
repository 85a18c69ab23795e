using System.Text.Json.Serialization;

namespace Hyperfit.Experiments;

/// <summary>The image experiment's results file (snake_case, unknown members rejected, nulls written).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(ImageExperimentResults))]
public sealed partial class ImageExperimentJsonContext : JsonSerializerContext;
