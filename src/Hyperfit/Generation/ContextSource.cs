namespace Hyperfit.Generation;

/// <summary>Where a generation job's contexts come from: a file of texts (<see cref="ContextReader"/>, each cut to its
/// first <see cref="ContextTokens"/> tokens, BOS in front when the tokenizer adds one), or a prepared generations-format
/// file whose <c>context_ids</c> are used as they are (a run's <c>reference.jsonl</c>).</summary>
public sealed record ContextSource
{
    private ContextSource(string file, string? textField, int? contextTokens)
    {
        File = file;
        TextField = textField;
        ContextTokens = contextTokens;
    }

    public string File { get; }

    /// <summary>The JSONL field of the text; null for prepared contexts.</summary>
    public string? TextField { get; }

    /// <summary>Tokens of each context kept; null for prepared contexts.</summary>
    public int? ContextTokens { get; }

    public bool IsPrepared => ContextTokens is null;

    /// <summary>Contexts as text; a context shorter than <paramref name="contextTokens"/> is an error.</summary>
    public static ContextSource Texts(string file, int contextTokens, string textField = "text") => new(file, textField, contextTokens);

    /// <summary>Contexts already tokenized (<see cref="GenerationsFile"/>'s format).</summary>
    public static ContextSource Prepared(string file) => new(file, null, null);
}
