using Hyperfit.Generation;

namespace Hyperfit.Tests.Generation;

public sealed class GenerationConfigTests
{
    [Fact]
    public void Should_default_to_the_papers_settings()
    {
        // Given the default config and the nucleus baseline
        var greedy = new GenerationConfig();
        var nucleus = GenerationConfig.NucleusBaseline;

        // When / Then greedy, 224 fixed-length tokens, 5-gram blocker; baseline top-p 0.9, temp 0.7, top-k 50 (§4)
        Assert.Equal(DecodingStrategy.Greedy, greedy.Strategy);
        Assert.Equal(224, greedy.MaxNewTokens);
        Assert.False(greedy.StopAtEos);
        Assert.Equal(5, greedy.CitationNgram);
        Assert.Equal(DecodingStrategy.Sample, nucleus.Strategy);
        Assert.Equal((0.9, 0.7, 50), (nucleus.TopP, nucleus.Temperature, nucleus.TopK));
        greedy.Validate();
        nucleus.Validate();
    }

    public static TheoryData<GenerationConfig, string> Invalid() => new()
    {
        { new GenerationConfig { TopP = 0 }, Fields.TopP },
        { new GenerationConfig { TopP = 1.01 }, Fields.TopP },
        { new GenerationConfig { Temperature = 0 }, Fields.Temperature },
        { new GenerationConfig { Temperature = -1 }, Fields.Temperature },
        { new GenerationConfig { TopK = -1 }, Fields.TopK },
        { new GenerationConfig { MaxNewTokens = 0 }, Fields.MaxNewTokens },
        { new GenerationConfig { RepetitionPenalty = 0 }, Fields.RepetitionPenalty },
        { new GenerationConfig { NoRepeatNgramSize = -1 }, Fields.NoRepeatNgramSize },
        { new GenerationConfig { CitationNgram = 0 }, Fields.CitationNgram },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Should_reject_an_invalid_option_by_name(GenerationConfig config, string option)
    {
        // Given an invalid config
        // When it is validated
        var error = Assert.Throws<FieldException>(config.Validate);

        // Then the error names the field (ParamName too), and its message starts with it
        Assert.Equal(option, error.Field);
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith(option, error.Message, StringComparison.Ordinal);
    }
}
