using System.Text.Json.Serialization;

namespace Hyperfit.Experiments;

/// <summary>The one serializer of a run folder's own files (results.json, spec.json, the steps' markers): snake_case,
/// unknown members rejected, nulls written (null = not computed), indented; enums as strings (the human study's report
/// is embedded as its own serializer writes it).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    WriteIndented = true)]
[JsonSerializable(typeof(ExperimentResults))]
[JsonSerializable(typeof(StepMarker))]
[JsonSerializable(typeof(SpecRecord))]
public sealed partial class ExperimentJsonContext : JsonSerializerContext;
