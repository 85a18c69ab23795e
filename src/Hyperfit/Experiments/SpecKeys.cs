namespace Hyperfit.Experiments;

/// <summary>
/// The one table from the library's field names (<see cref="Fields"/>, recipe keys) to an experiment spec's key paths,
/// so that an error a job or a setting's validation raises names the key the spec's author wrote
/// ("decoding.base_top_p.top_p must be in (0, 1]"). <c>{decoding}</c>, <c>{set}</c> and <c>{recipe}</c> stand for the
/// place in the spec the error came from. The CLI has the same table for its flags (<c>Hyperfit.Cli.CliFlags</c>).
/// </summary>
public static class SpecKeys
{
    public static readonly IReadOnlyDictionary<string, string> ByField = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Fields.Device] = "device",
        [Fields.Model] = "base_model",
        [Fields.TrainingData] = "hyperfit.data",
        [Fields.BatchSize] = "batch_size",
        [Fields.MaxNewTokens] = "new_tokens",
        [Fields.ContextTokens] = "context_sets.{set}.context_tokens",
        [Fields.Strategy] = "decoding.{decoding}.strategy",
        [Fields.Temperature] = "decoding.{decoding}.temperature",
        [Fields.TopK] = "decoding.{decoding}.top_k",
        [Fields.TopP] = "decoding.{decoding}.top_p",
        [Fields.RepetitionPenalty] = "decoding.{decoding}.repetition_penalty",
        [Fields.NoRepeatNgramSize] = "decoding.{decoding}.no_repeat_ngram_size",
        [Fields.CitationNgram] = "decoding.{decoding}.citation_ngram",
    };

    /// <summary>Why a spec's <c>device</c> cannot be used here (CUDA where this build or machine has none), as the
    /// spec's key path and message; null when it can. Checked when the spec loads, before any step runs.</summary>
    public static string? DeviceProblem(string device)
    {
        try
        {
            Runtime.ComputeDevice.Resolve(device);
            return null;
        }
        catch (FieldException e)
        {
            return Describe(e);
        }
    }

    /// <summary>The error's message with its field shown as the spec's key path. A recipe key becomes
    /// <c>{recipe}.KEY</c> (<c>hyperfit.recipe</c> or a variant's <c>hyperfit.variants.X.recipe</c>).</summary>
    /// <param name="places">Values of the placeholders: <c>decoding</c>, <c>set</c>, <c>recipe</c>.</param>
    public static string Describe(FieldException e, IReadOnlyDictionary<string, string>? places = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        var path = ByField.TryGetValue(e.Field, out var key) ? key
            : Training.HyperfitRecipe.Keys.Contains(e.Field, StringComparer.Ordinal) ? "{recipe}." + e.Field
            : e.Field;
        foreach (var (name, value) in places ?? new Dictionary<string, string>())
        {
            path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return e.Rename(path);
    }
}
