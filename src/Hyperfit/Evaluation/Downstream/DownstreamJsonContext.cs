using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>The one serializer of downstream results: snake_case names, unknown members rejected on reading, nulls
/// written, and only where a member is nullable (null = not computed); constructor members required.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    WriteIndented = true)]
[JsonSerializable(typeof(DownstreamReport))]
[JsonSerializable(typeof(DownstreamPrediction))]
public sealed partial class DownstreamJsonContext : JsonSerializerContext
{
    /// <summary>The same contract without indentation, for one-line JSONL records.</summary>
    public static DownstreamJsonContext Compact { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        WriteIndented = false,
    });
}
