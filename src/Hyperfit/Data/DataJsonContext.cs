using System.Text.Json.Serialization;

namespace Hyperfit.Data;

/// <summary>The serializer of the files the data layer writes (<see cref="TokenizedDatasetFile"/>): snake_case,
/// compact lines, unknown members rejected.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(TokenizedDocument))]
internal sealed partial class DataJsonContext : JsonSerializerContext;
