using System.Text.Json.Nodes;

namespace Hyperfit.Experiments;

/// <summary>What kind of work a step does (used by the report to find its outputs).</summary>
public enum StepKind
{
    /// <summary>Tokenize one hyperfitting dataset (input_ids JSONL) for citation blocking and dataset metrics.</summary>
    TokenizeData,

    /// <summary>Tokenize a context set: contexts + original continuations (generation-format JSONL).</summary>
    Prepare,

    /// <summary>Hyperfit one model variant for one seed.</summary>
    Train,

    /// <summary>Generate continuations of a context set with one decoding configuration.</summary>
    Generate,

    /// <summary>Evaluate one generation file (text, dataset and model metrics).</summary>
    Evaluate,

    /// <summary>Text metrics of the original continuations (Table 1's "Original Texts").</summary>
    Original,

    /// <summary>Table 3: one model's predictions on the original texts.</summary>
    Reference,

    /// <summary>§6.1: top-1 agreement of several models on the original texts.</summary>
    Agreement,

    /// <summary>Appendix B.4: an MMLU or GLUE run of base vs hyperfitted models (Tables 7 and 8).</summary>
    Downstream,
}

/// <summary>One node of the experiment DAG. Its outputs go to <c>OUT/steps/&lt;Name&gt;/</c>; <see cref="Inputs"/>
/// (plus the input hashes of <see cref="DependsOn"/>) decide whether a finished step can be reused.</summary>
/// <param name="Run">Does the work into the step's folder (<see cref="StepRun"/>).</param>
public sealed record ExperimentStep(string Name, StepKind Kind, IReadOnlyList<string> DependsOn, JsonObject Inputs, Action<StepRun> Run)
{
    /// <summary>Report lookup keys: context set, decoding label, model, seed (those that apply).</summary>
    public string? ContextSet { get; init; }

    public string? Decoding { get; init; }

    public string? Model { get; init; }

    public long? Seed { get; init; }
}
