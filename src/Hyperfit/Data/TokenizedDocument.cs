namespace Hyperfit.Data;

/// <summary>One line of a tokenized dataset file (<see cref="TokenizedDatasetFile"/>): a document's content ids, no
/// special tokens. <see cref="DatasetReader"/> reads such a line as a pre-tokenized document.</summary>
public sealed record TokenizedDocument(int[] InputIds);
