using Hyperfit.Evaluation.Downstream;

namespace Hyperfit.Tests.Evaluation.Downstream;

public sealed class AnswerMatcherTests
{
    [Theory]
    [InlineData(" yes, it does", 1)]
    [InlineData(" Yes.", 1)]
    [InlineData(" I think no", 0)]
    [InlineData(" maybe\nyes", -1)]
    [InlineData("", -1)]
    [InlineData(" yesterday", -1)]
    public void Should_take_the_first_answer_word_of_the_first_line(string generated, int expected) =>
        Assert.Equal(expected, AnswerMatcher.Match(generated, ["no", "yes"]));

    [Theory]
    [InlineData(" B", 1)]
    [InlineData(" a lot, D", 3)]
    [InlineData(" (C) is right", 2)]
    [InlineData(" b", -1)]
    public void Should_match_single_letters_only_as_capitals(string generated, int expected) =>
        Assert.Equal(expected, AnswerMatcher.Match(generated, MmluQuestion.Letters));
}
