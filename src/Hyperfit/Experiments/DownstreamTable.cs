using Hyperfit.Evaluation.Downstream;

namespace Hyperfit.Experiments;

/// <summary>Table 7 (MMLU) or Table 8 (GLUE) of one seed: the downstream step's report, every model compared on the
/// same questions (Appendix B.4).</summary>
/// <param name="Table">"Table 7" or "Table 8" (<see cref="DownstreamSpec.Tables"/>).</param>
/// <param name="Step">The step that wrote it (<c>steps/&lt;Step&gt;/downstream.json</c>).</param>
public sealed record DownstreamTable(string Table, string Step, long Seed, DownstreamReport Report);
