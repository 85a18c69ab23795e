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
        { new GenerationConfig { TopP = 0 }, "top-p" },
        { new GenerationConfig { TopP = 1.01 }, "top-p" },
        { new GenerationConfig { Temperature = 0 }, "temperature" },
        { new GenerationConfig { Temperature = -1 }, "temperature" },
        { new GenerationConfig { TopK = -1 }, "top-k" },
        { new GenerationConfig { MaxNewTokens = 0 }, "new tokens" },
        { new GenerationConfig { RepetitionPenalty = 0 }, "repetition penalty" },
        { new GenerationConfig { NoRepeatNgramSize = -1 }, "no-repeat-ngram" },
        { new GenerationConfig { CitationNgram = 0 }, "citation n-gram" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Should_reject_an_invalid_option_by_name(GenerationConfig config, string option)
    {
        // Given an invalid config
        // When it is validated
        var error = Assert.Throws<ArgumentException>(config.Validate);

        // Then the message names the option
        Assert.StartsWith(option, error.Message, StringComparison.Ordinal);
    }
}
