namespace Hyperfit.Generation;

/// <summary>The size of a citation index (<see cref="CitationIndex"/>), for the job's log.</summary>
public sealed record CitationIndexSize(int Sequences, long Tokens, int Ngrams, int N);
