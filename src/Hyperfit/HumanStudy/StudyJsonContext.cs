using System.Text.Json.Serialization;

namespace Hyperfit.HumanStudy;

/// <summary>The one JSON serializer of the human study's files (manifest, export rows): snake_case, unknown members
/// rejected, enums as snake_case strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(StudyManifest))]
[JsonSerializable(typeof(StudyExportRow))]
internal sealed partial class StudyJsonContext : JsonSerializerContext;
