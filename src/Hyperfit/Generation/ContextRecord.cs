namespace Hyperfit.Generation;

/// <summary>One context read by <see cref="ContextReader"/>.</summary>
/// <param name="Line">1-based line in the file (the context's source line, recorded in the generations).</param>
/// <param name="Text">The context's text.</param>
public sealed record ContextRecord(int Line, string Text);
