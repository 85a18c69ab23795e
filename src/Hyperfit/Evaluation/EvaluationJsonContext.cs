using System.Text.Json.Serialization;

namespace Hyperfit.Evaluation;

/// <summary>The one serializer of metrics.json (<see cref="MetricsFile"/>): snake_case, unknown members rejected,
/// nulls written (null = not computed), indented.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    WriteIndented = true)]
[JsonSerializable(typeof(EvaluationMetrics))]
public sealed partial class EvaluationJsonContext : JsonSerializerContext;
