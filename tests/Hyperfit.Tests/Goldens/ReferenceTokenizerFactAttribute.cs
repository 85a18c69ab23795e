namespace Hyperfit.Tests.Goldens;

/// <summary>A tokenizer golden whose tokenizer file is not committed (its licence asks for terms this repository
/// does not carry, docs/fidelity.md): runs when HYPERFIT_REFERENCE_TOKENIZERS names a folder holding
/// NAME/tokenizer.json, skipped with that reason otherwise. The golden itself (ids, tokens, texts) is committed.</summary>
public sealed class ReferenceTokenizerFactAttribute : FactAttribute
{
    public const string Variable = "HYPERFIT_REFERENCE_TOKENIZERS";

    public ReferenceTokenizerFactAttribute(string name)
    {
        if (Folder(name) is null)
        {
            Skip = $"set {Variable} to a folder with {name}/tokenizer.json (docs/fidelity.md) to run this golden";
        }
    }

    public static string? Folder(string name) =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } root && File.Exists(Path.Combine(root, name, "tokenizer.json"))
            ? Path.Combine(root, name)
            : null;
}
