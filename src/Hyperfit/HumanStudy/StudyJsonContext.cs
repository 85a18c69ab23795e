using System.Text.Json.Serialization;

namespace Hyperfit.HumanStudy;

/// <summary>The one JSON serializer of the human study's files (manifest, export rows, report.json): snake_case,
/// unknown members rejected, constructor members required, nulls only where a member is nullable, enums as snake_case
/// strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    WriteIndented = true)]
[JsonSerializable(typeof(StudyManifest))]
[JsonSerializable(typeof(StudyExportRow))]
[JsonSerializable(typeof(StudyReport))]
internal sealed partial class StudyJsonContext : JsonSerializerContext;
