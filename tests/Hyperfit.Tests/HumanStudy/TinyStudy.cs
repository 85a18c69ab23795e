using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

/// <summary>
/// A hand-made study: comparisons "base_greedy" (model base) and "hyperfitted_greedy" (model hyperfitted), context
/// sets fiction and news with two contexts each, lengths 128 and 256: 16 items, ids 1–16 in the order below. Each
/// item's votes are given as preferences (M model, O original, E equal) in submission order; the model's text is
/// shown first on every other vote (even vote ids), and annotator = ann-[a..d][(item index + rank − 1) mod 4].
/// Item 1's second vote is late; item 13 gets a fourth, late vote (M, ann-d) that must not count; item 8 has only
/// two votes. GeneratedTtr of item index k is 0.30 + 0.03·k.
/// </summary>
internal static class TinyStudy
{
    public const string Base = "base_greedy";
    public const string Hyperfitted = "hyperfitted_greedy";

    private static readonly string[] Annotators = ["ann-a", "ann-b", "ann-c", "ann-d"];

    private static readonly (string Comparison, int Length, string Set, int Context, string Votes)[] Design =
    [
        (Base, 128, "fiction", 0, "MOO"), (Base, 128, "fiction", 1, "EEE"), (Base, 128, "news", 0, "OOO"), (Base, 128, "news", 1, "MEO"),
        (Base, 256, "fiction", 0, "OOO"), (Base, 256, "fiction", 1, "OOE"), (Base, 256, "news", 0, "OOO"), (Base, 256, "news", 1, "OM"),
        (Hyperfitted, 128, "fiction", 0, "MMM"), (Hyperfitted, 128, "fiction", 1, "MEO"), (Hyperfitted, 128, "news", 0, "EMM"), (Hyperfitted, 128, "news", 1, "OOM"),
        (Hyperfitted, 256, "fiction", 0, "MMO"), (Hyperfitted, 256, "fiction", 1, "MMM"), (Hyperfitted, 256, "news", 0, "OOO"), (Hyperfitted, 256, "news", 1, "EEM"),
    ];

    public static IReadOnlyList<StudyItem> Items(long seed = 42) => Design.Select((d, k) => new StudyItem(
        k + 1, d.Comparison, Model(d.Comparison), seed, d.Set, d.Context, 10 + d.Context, d.Length,
        "context", "original", "generated", Ttr(k), 0.7)).ToList();

    public static IReadOnlyList<StudyVoteRow> Votes(long seed = 42)
    {
        var votes = new List<StudyVoteRow>();
        var id = 0;
        for (var k = 0; k < Design.Length; k++)
        {
            var d = Design[k];
            for (var r = 0; r < d.Votes.Length; r++)
            {
                votes.Add(Vote(id, k, d.Votes[r], id % 2 == 0, Annotators[(k + r) % 4], r + 1, late: k == 0 && r == 1, seed));
                id++;
            }
        }

        votes.Add(Vote(100, 12, 'M', true, Annotators[(12 + 3) % 4], 4, late: true, seed));
        return votes;
    }

    public static double Ttr(int index) => 0.30 + 0.03 * index;

    public static StudyVoteRow Vote(long id, int index, char vote, bool modelFirst, string annotator, int rank, bool late, long seed = 42)
    {
        var d = Design[index];
        var preference = vote switch { 'M' => HumanPreference.Model, 'O' => HumanPreference.Original, _ => HumanPreference.Equal };
        var choice = preference switch
        {
            HumanPreference.Equal => ScreenChoice.Equal,
            HumanPreference.Model => modelFirst ? ScreenChoice.First : ScreenChoice.Second,
            _ => modelFirst ? ScreenChoice.Second : ScreenChoice.First,
        };
        var shown = DateTimeOffset.UnixEpoch.AddMinutes(id);
        return new StudyVoteRow(
            id, index + 1, d.Comparison, Model(d.Comparison), seed, d.Set, d.Context, d.Length, annotator, modelFirst, choice, preference,
            shown, shown.AddSeconds(30), late, rank, Ttr(index), 0.7);
    }

    private static string Model(string comparison) => comparison == Base ? "base" : "hyperfitted";
}
