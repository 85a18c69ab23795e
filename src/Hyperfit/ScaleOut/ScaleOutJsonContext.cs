using System.Text.Json.Serialization;

namespace Hyperfit.ScaleOut;

/// <summary>The one serializer of the files a job carries across: snake_case, unknown members and missing ones are
/// errors, nulls only where the record allows them.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    WriteIndented = true)]
[JsonSerializable(typeof(ScaleOutJob))]
[JsonSerializable(typeof(JobRunLog))]
public sealed partial class ScaleOutJsonContext : JsonSerializerContext;
