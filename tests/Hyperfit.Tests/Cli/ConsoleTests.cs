namespace Hyperfit.Tests.Cli;

/// <summary>CLI tests redirect Console.Error, which is process-wide: they must not run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleTests
{
    public const string Name = "Console";
}
