using System.Text.Json.Serialization;

namespace Hyperfit.Images;

/// <summary>The image side's JSON files (snake_case, unknown members rejected).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = false)]
[JsonSerializable(typeof(ImageIdsLine))]
internal sealed partial class ImageJsonContext : JsonSerializerContext;
