namespace Hyperfit.Data.Brown;

/// <summary>A hyperfitting set of one type of data (§6.2 hyperfits one model per type: fiction, news, Wikipedia): every
/// text of these genres that no held-out set holds, whole, one per line, in id order, written as
/// <c>hyperfit-{Name}.jsonl</c>. Texts of genres A–J are also in the pre-training file.</summary>
public sealed record BrownGenreSet(string Name, IReadOnlyList<char> Genres);
