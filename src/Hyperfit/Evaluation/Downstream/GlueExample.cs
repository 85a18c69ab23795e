namespace Hyperfit.Evaluation.Downstream;

/// <summary>One GLUE example: one or two texts and the label index into <see cref="GlueTask.Choices"/>.</summary>
/// <param name="Text1">sentence (CoLA, SST-2), sentence1 (MRPC, RTE), question1 (QQP), premise (MNLI), question (QNLI).</param>
/// <param name="Text2">sentence2 (MRPC, RTE), question2 (QQP), hypothesis (MNLI), sentence (QNLI); null for single-text tasks.</param>
/// <param name="Source">Where it was read (<c>file:line</c> or <c>file: row N</c>).</param>
public sealed record GlueExample(string Text1, string? Text2, int Label, string Source);
