using Hyperfit.Tests.Models;
using Hyperfit.Generation;

namespace Hyperfit.Tests.Generation;

public sealed class CitationBlockerTests
{
    private static int[] Ids(params int[] ids) => ids;

    // Test word rule: every id divisible by 3 starts a word, so a word is at most 3 tokens long.
    private static bool StartsWord(int id) => id % 3 == 0;

    // The "hyperfitting dataset": one run of consecutive ids, exactly what FixedLogitsLM.Reciting recites.
    private static readonly int[] Dataset = [.. Enumerable.Range(10, 40)];

    [Fact]
    public void Should_block_only_word_starting_followers_of_a_dataset_ngram()
    {
        // Given an index over a sequence where 6 and 7 both follow [1..5] in some place
        var index = new CitationIndex([Ids(1, 2, 3, 4, 5, 6), Ids(1, 2, 3, 4, 5, 7)]);
        var blocker = new CitationBlocker(index, StartsWord, vocabSize: 100);

        // When the last 5 generated tokens are [1..5], resp. fewer than 5 tokens exist, resp. no match
        var inCitation = blocker.Decide([9, 1, 2, 3, 4, 5]);
        var tooShort = blocker.Decide([2, 3, 4, 5]);
        var noMatch = blocker.Decide([1, 2, 3, 4, 8]);

        // Then only 6 (a word start) is removed; 7 continues the current word and stays
        Assert.True(inCitation.InCitation);
        Assert.Equal([6], inCitation.Blocked);
        Assert.True(inCitation.Fired);
        Assert.False(tooShort.InCitation);
        Assert.False(noMatch.InCitation);
        Assert.Empty(noMatch.Blocked);
    }

    [Fact]
    public void Should_fall_back_to_unblocked_when_every_token_would_be_removed()
    {
        // Given a 3-token vocabulary where [0, 1] is followed by every token, all of them word starts
        var index = new CitationIndex([Ids(0, 1, 0), Ids(0, 1, 1), Ids(0, 1, 2)], n: 2);
        var blocker = new CitationBlocker(index, _ => true, vocabSize: 3);

        // When the window is [0, 1]
        var decision = blocker.Decide([0, 1]);

        // Then nothing is removed and the fallback is reported
        Assert.True(decision.InCitation);
        Assert.True(decision.Fallback);
        Assert.Empty(decision.Blocked);
    }

    [Fact]
    public void Should_recite_the_dataset_without_the_blocker_and_stop_citations_at_the_word_end_with_it()
    {
        // Given a model that recites the dataset from its first token
        using var model = FixedLogitsLM.Reciting(97);
        var index = new CitationIndex([Dataset]);
        var config = new GenerationConfig { MaxNewTokens = 40 };
        IReadOnlyList<int>[] context = [new[] { Dataset[0] }];

        // When it generates without and with the citation blocker
        var free = new TextGenerator(model, config).Generate(context)[0];
        var blocked = new TextGenerator(model, config, blocker: new CitationBlocker(index, StartsWord, model.Config.VocabSize)).Generate(context)[0];

        // Then unblocked it recites 39 dataset tokens in a row
        Assert.Equal(Dataset[1..], free.TokenIds[..39]);
        Assert.Equal(CitationStats.None, free.Citations);
        Assert.True(LongestDatasetMatch(free.TokenIds) >= 39);

        // And blocked, no dataset n-gram is ever continued by a token that starts a new word, so every match
        // is at most n tokens plus the rest of the current word (≤ 2 more tokens here)
        var g = blocked.TokenIds;
        for (var i = index.N; i < g.Length; i++)
        {
            var window = g.AsSpan(i - index.N, index.N);
            if (index.Followers(window).Contains(g[i]))
            {
                Assert.False(StartsWord(g[i]), $"token {g[i]} at {i} continues a citation into a new word");
            }
        }

        Assert.InRange(LongestDatasetMatch(g), index.N, index.N + 2);
        Assert.True(blocked.Citations.Fired > 0);
        Assert.True(blocked.Citations.StepsInCitation >= blocked.Citations.Fired);
        Assert.Equal(0, blocked.Citations.Fallbacks);
    }

    /// <summary>Longest run of generated tokens that occurs contiguously in the dataset.</summary>
    private static int LongestDatasetMatch(int[] generated)
    {
        var best = 0;
        for (var i = 0; i < generated.Length; i++)
        {
            for (var d = 0; d < Dataset.Length; d++)
            {
                var k = 0;
                while (i + k < generated.Length && d + k < Dataset.Length && generated[i + k] == Dataset[d + k])
                {
                    k++;
                }

                best = Math.Max(best, k);
            }
        }

        return best;
    }
}
