using System.Text.Json.Serialization;

namespace Hyperfit.HumanStudy;

/// <summary>report.json of a human study (<see cref="StudyReport"/>): snake_case, indented, unknown members rejected,
/// every constructor member required; "not computed" is null.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(StudyReport))]
public sealed partial class StudyReportJsonContext : JsonSerializerContext;
