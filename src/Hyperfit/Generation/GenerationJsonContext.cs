using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyperfit.Generation;

/// <summary>The one serializer of generation files (<see cref="GenerationsFile"/>): snake_case, one compact line per
/// record, unknown members rejected, non-ASCII text kept readable.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(GenerationLine))]
internal sealed partial class GenerationJsonContext : JsonSerializerContext
{
    /// <summary>The same contract with text written as UTF-8 (no \uXXXX escapes for letters and quotes), as people read it.</summary>
    public static GenerationJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
