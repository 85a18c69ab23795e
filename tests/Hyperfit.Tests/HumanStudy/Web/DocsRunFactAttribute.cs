namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary>Runs only when <see cref="Variable"/> names a run folder; otherwise a visible skip saying how to run it.</summary>
public sealed class DocsRunFactAttribute : FactAttribute
{
    public const string Variable = "HYPERFIT_DOCS_RUN";

    public DocsRunFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"regenerates docs/images from a real run: set {Variable}=<a 'hyperfit demo --quick' output folder>";
        }
    }
}
