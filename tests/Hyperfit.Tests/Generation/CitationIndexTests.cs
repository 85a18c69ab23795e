using Hyperfit.Generation;

namespace Hyperfit.Tests.Generation;

public sealed class CitationIndexTests
{
    private static int[] Ids(params int[] ids) => ids;

    [Fact]
    public void Should_map_each_ngram_to_the_tokens_that_follow_it()
    {
        // Given two dataset sequences sharing a 5-gram
        var index = new CitationIndex([Ids(1, 2, 3, 4, 5, 6), Ids(1, 2, 3, 4, 5, 9, 1)]);

        // When n-grams are looked up
        // Then followers are collected over both sequences; a final n-gram exists without followers
        Assert.Equal(5, index.N);
        Assert.Equal([6, 9], index.Followers([1, 2, 3, 4, 5]).ToArray());
        Assert.True(index.Contains([2, 3, 4, 5, 6]));
        Assert.True(index.Followers([2, 3, 4, 5, 6]).IsEmpty);
        Assert.Equal([1], index.Followers([2, 3, 4, 5, 9]).ToArray());

        // And n-grams never cross a sequence boundary, and other lengths never match
        Assert.False(index.Contains([4, 5, 6, 1, 2]));
        Assert.False(index.Contains([1, 2, 3, 4]));
    }

    [Fact]
    public void Should_agree_with_a_naive_search_exactly()
    {
        // Given a random dataset over a small alphabet and a configurable n = 3
        var random = new Random(5);
        var data = Enumerable.Range(0, 3000).Select(_ => random.Next(12)).ToArray();
        var index = new CitationIndex([data], n: 3);

        // When random 3-grams are looked up
        for (var q = 0; q < 2000; q++)
        {
            int[] query = [random.Next(14), random.Next(14), random.Next(14)];
            var naive = Enumerable.Range(0, data.Length - 2)
                .Where(i => data[i] == query[0] && data[i + 1] == query[1] && data[i + 2] == query[2]).ToList();

            // Then membership and followers equal the naive scan's
            Assert.Equal(naive.Count > 0, index.Contains(query));
            var followers = naive.Where(i => i + 3 < data.Length).Select(i => data[i + 3]).Distinct().Order().ToArray();
            Assert.Equal(followers, index.Followers(query).ToArray());
        }
    }
}
