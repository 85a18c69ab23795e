using System.Globalization;
using System.Text.Json;
using Hyperfit.Checkpoints;
using Hyperfit.Reporting;

namespace Hyperfit.HumanStudy;

/// <summary>
/// The human preference study's results (§4, §6.2, Appendix A): Table 1's preference columns, Table 4, agreement,
/// position bias, annotators and Figure 9 (left), computed from the study's items and votes. Only each item's first
/// three votes count (<see cref="ProtocolVotes"/>). <see cref="Create"/> computes it, <see cref="Write"/> puts
/// report.json, report.md and the figure into a folder.
/// </summary>
/// <param name="Study">Where the items and votes came from (the study folder); null when given in memory.</param>
/// <param name="Items">Items in the study.</param>
/// <param name="Votes">Votes stored.</param>
/// <param name="CountedVotes">Votes with rank ≤ 3: the protocol's annotations, which every statistic uses.</param>
/// <param name="ExtraVotes">Votes beyond an item's third (arrived after their hold expired): excluded.</param>
/// <param name="LateVotes">Votes flagged late (stored after their hold expired), counted or not.</param>
/// <param name="IncompleteItems">Items with fewer than three counted votes (in Pref, not in Fleiss' kappa).</param>
/// <param name="Bootstrap">How the bootstrap intervals were drawn.</param>
/// <param name="Table1">Per comparison × length, pooled over context sets and seeds (Table 1's "128/256 Pref").</param>
/// <param name="Table4">Per comparison × context set at <see cref="Table4Length"/> (Table 4).</param>
/// <param name="Agreement">Over every item, then per length.</param>
/// <param name="PositionBias">Left-position share over every counted vote.</param>
/// <param name="Annotators">Per annotator, by name.</param>
/// <param name="ConsensusTtr">Figure 9 (left)'s data.</param>
public sealed record StudyReport(
    string? Study,
    int Items,
    int Votes,
    int CountedVotes,
    int ExtraVotes,
    int LateVotes,
    int IncompleteItems,
    BootstrapSettings Bootstrap,
    IReadOnlyList<PreferenceCell> Table1,
    IReadOnlyList<PreferenceBySetRow> Table4,
    IReadOnlyList<AgreementScope> Agreement,
    PositionBias PositionBias,
    IReadOnlyList<AnnotatorActivity> Annotators,
    ConsensusTtr ConsensusTtr)
{
    /// <summary>Table 4's length scenario (§6.2: "the 256-token task").</summary>
    public const int Table4Length = 256;

    public const string JsonFile = "report.json";
    public const string MarkdownFile = "report.md";

    /// <summary>What a bootstrap resample draws, as the report states it.</summary>
    public const string BootstrapUnit =
        "whole contexts (context_set, context_index) with replacement, within each context set as many as it has; all of a context's votes in the cell go with it";

    /// <summary>Computes the report.</summary>
    /// <param name="items">The study's items.</param>
    /// <param name="votes">Every stored vote, joined with its item.</param>
    /// <param name="study">The study folder, recorded in the report.</param>
    /// <param name="resamples">Bootstrap resamples per interval.</param>
    /// <param name="seed">Bootstrap seed.</param>
    /// <exception cref="ArgumentException">Items and votes disagree (a vote of an unknown item, a field that differs
    /// from its item's, a preference that does not follow from the button and side, a repeated rank or item id); the
    /// message names the vote or item and the field.</exception>
    public static StudyReport Create(
        IReadOnlyList<StudyItem> items,
        IReadOnlyList<StudyVoteRow> votes,
        string? study = null,
        int resamples = ClusterBootstrap.DefaultResamples,
        int seed = ClusterBootstrap.DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 100);
        var byId = CheckItems(items);
        CheckVotes(byId, votes);
        var protocol = ProtocolVotes.Select(votes);
        var counted = protocol.Counted.ToLookup(v => v.ItemId);

        var ordered = items.OrderBy(i => i.Id).ToList();
        var comparisons = ordered.Select(i => i.Comparison).Distinct(StringComparer.Ordinal).ToList();
        var models = comparisons.ToDictionary(c => c, c => ordered.First(i => i.Comparison == c).Model, StringComparer.Ordinal);
        var lengths = ordered.Select(i => i.Length).Distinct().Order().ToList();

        PreferenceCell Cell(string comparison, int length, string? set)
        {
            var cellItems = ordered.Where(i => i.Comparison == comparison && i.Length == length && (set is null || i.ContextSet == set)).ToList();
            var cellVotes = cellItems.SelectMany(i => counted[i.Id]).ToList();
            var tally = PreferenceTally.Of(cellVotes.Select(v => v.Preference));
            return new PreferenceCell(
                comparison, models[comparison], set, length, cellItems.Count,
                cellItems.Count(i => counted[i.Id].Count() >= ProtocolVotes.AnnotationsPerItem),
                tally.Votes, tally.Model, tally.Equal, tally.Original, tally.Share,
                ClusterBootstrap.Interval(Clusters(cellVotes), resamples, seed),
                WilsonInterval.Compute(tally.Favourable, tally.Votes));
        }

        var table1 = comparisons.SelectMany(c => lengths.Where(l => ordered.Any(i => i.Comparison == c && i.Length == l)).Select(l => Cell(c, l, null))).ToList();

        var sets = ordered.Where(i => i.Length == Table4Length).Select(i => i.ContextSet).Distinct(StringComparer.Ordinal).ToList();
        var table4 = comparisons.Where(c => ordered.Any(i => i.Comparison == c && i.Length == Table4Length)).Select(c =>
        {
            var cells = sets.Select(s => Cell(c, Table4Length, s)).ToList();
            var complete = cells.All(x => x.Pref is not null);
            var clusters = Clusters(ordered.Where(i => i.Comparison == c && i.Length == Table4Length).SelectMany(i => counted[i.Id]));
            return new PreferenceBySetRow(
                c, models[c], Table4Length, cells,
                complete ? cells.Average(x => x.Pref!.Value) : null,
                complete ? ClusterBootstrap.Interval(clusters, resamples, seed, statistic: BootstrapStatistic.MeanOfStratumShares) : null);
        }).ToList();

        AgreementScope Scope(int? length)
        {
            var scoped = ordered.Where(i => length is null || i.Length == length).ToList();
            var annotations = scoped.Select(i => (IReadOnlyList<HumanPreference>)counted[i.Id].OrderBy(v => v.Rank).Select(v => v.Preference).ToList()).ToList();
            var complete = annotations.Where(a => a.Count == ProtocolVotes.AnnotationsPerItem).ToList();
            var pairable = annotations.Where(a => a.Count >= 2).ToList();
            return new AgreementScope(
                length, scoped.Count, complete.Count,
                FleissKappa.Compute(complete.Select(CategoryCounts).ToList()),
                KrippendorffAlpha.Nominal(pairable), pairable.Count, Unanimity.Of(annotations));
        }

        var agreement = new List<AgreementScope> { Scope(null) };
        agreement.AddRange(lengths.Select(l => Scope(l)));

        var annotators = votes.Select(v => v.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(name =>
            new AnnotatorActivity(
                name,
                protocol.Counted.Count(v => v.Annotator == name),
                protocol.Extra.Count(v => v.Annotator == name),
                votes.Count(v => v.Annotator == name && v.Late),
                PositionBias.Of(protocol.Counted.Where(v => v.Annotator == name).Select(v => v.Choice)))).ToList();

        return new StudyReport(
            study, items.Count, votes.Count, protocol.Counted.Count, protocol.Extra.Count, votes.Count(v => v.Late),
            ordered.Count(i => counted[i.Id].Count() < ProtocolVotes.AnnotationsPerItem),
            new BootstrapSettings(resamples, seed, 0.95, ClusterBootstrap.Method, BootstrapUnit),
            table1, table4, agreement, PositionBias.Of(protocol.Counted.Select(v => v.Choice)), annotators,
            Consensus(ordered, counted));
    }

    /// <summary>Writes report.json, report.md and (when there is anything to draw) the Figure 9 PNG into
    /// <paramref name="outDir"/> (created), each atomically.</summary>
    public void Write(string outDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        Directory.CreateDirectory(outDir);
        if (ConsensusTtr.Figure is { } figure)
        {
            ConsensusTtrPlot.Write(Path.Combine(outDir, figure), ConsensusTtr.Good, ConsensusTtr.OriginalPreferred);
        }

        HfModelSaver.WriteAtomically(Path.Combine(outDir, JsonFile), ToJson() + "\n");
        HfModelSaver.WriteAtomically(Path.Combine(outDir, MarkdownFile), ToMarkdown());
    }

    /// <summary>The report as indented snake_case JSON (<see cref="StudyJsonContext"/>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StudyJsonContext.Default.StudyReport);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">Malformed JSON, an unknown or a missing member.</exception>
    public static StudyReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, StudyJsonContext.Default.StudyReport) ?? throw new JsonException("The report is null.");

    /// <summary>The report as Markdown (tables ×100 as in the paper).</summary>
    public string ToMarkdown() => StudyReportMarkdown.Render(this);

    /// <summary>One cluster per context (context set, index) among <paramref name="votes"/>.</summary>
    private static List<VoteCluster> Clusters(IEnumerable<StudyVoteRow> votes) =>
        votes.GroupBy(v => (v.ContextSet, v.ContextIndex))
            .Select(g => new VoteCluster(g.Key.ContextSet, g.Count(v => PreferenceTally.IsFavourable(v.Preference)), g.Count()))
            .ToList();

    /// <summary>Counts of model / original / equal among one item's annotations.</summary>
    private static int[] CategoryCounts(IReadOnlyList<HumanPreference> annotations) =>
        [annotations.Count(p => p == HumanPreference.Model), annotations.Count(p => p == HumanPreference.Original), annotations.Count(p => p == HumanPreference.Equal)];

    private static ConsensusTtr Consensus(IReadOnlyList<StudyItem> ordered, ILookup<long, StudyVoteRow> counted)
    {
        var complete = ordered.Where(i => counted[i.Id].Count() == ProtocolVotes.AnnotationsPerItem).ToList();
        var good = complete.Where(i => counted[i.Id].All(v => PreferenceTally.IsFavourable(v.Preference))).Select(i => i.GeneratedTtr).ToList();
        var bad = complete.Where(i => counted[i.Id].All(v => v.Preference == HumanPreference.Original)).Select(i => i.GeneratedTtr).ToList();
        var goodKept = OutlierTrim.Symmetric(good, ConsensusTtr.TrimPerSide);
        var badKept = OutlierTrim.Symmetric(bad, ConsensusTtr.TrimPerSide);
        return new ConsensusTtr(
            ConsensusTtr.FilterText, good.Count, bad.Count, goodKept, badKept,
            goodKept.Count + badKept.Count > 0 ? ConsensusTtr.FigureFile : null);
    }

    private static Dictionary<long, StudyItem> CheckItems(IReadOnlyList<StudyItem> items)
    {
        var byId = new Dictionary<long, StudyItem>();
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            if (!byId.TryAdd(item.Id, item))
            {
                throw new ArgumentException($"Item id {item.Id} appears twice.", nameof(items));
            }

            if (string.IsNullOrWhiteSpace(item.Comparison) || string.IsNullOrWhiteSpace(item.ContextSet))
            {
                throw new ArgumentException($"Item {item.Id}: comparison and context_set must not be blank.", nameof(items));
            }

            if (item.Length <= 0 || item.ContextIndex < 0)
            {
                throw new ArgumentException($"Item {item.Id}: length {item.Length} / context_index {item.ContextIndex} out of range.", nameof(items));
            }

            if (!(item.GeneratedTtr >= 0 && item.GeneratedTtr <= 1))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Item {item.Id}: generated_ttr {item.GeneratedTtr} is not in [0, 1]."), nameof(items));
            }
        }

        return byId;
    }

    private static void CheckVotes(Dictionary<long, StudyItem> items, IReadOnlyList<StudyVoteRow> votes)
    {
        foreach (var vote in votes)
        {
            ArgumentNullException.ThrowIfNull(vote, nameof(votes));
            if (!items.TryGetValue(vote.ItemId, out var item))
            {
                throw new ArgumentException($"Vote {vote.VoteId}: item_id {vote.ItemId} is not an item of the study.", nameof(votes));
            }

            void Same<T>(string field, T ofVote, T ofItem)
            {
                if (!EqualityComparer<T>.Default.Equals(ofVote, ofItem))
                {
                    throw new ArgumentException($"Vote {vote.VoteId}: {field} \"{ofVote}\" differs from item {item.Id}'s \"{ofItem}\".", nameof(votes));
                }
            }

            Same("comparison", vote.Comparison, item.Comparison);
            Same("context_set", vote.ContextSet, item.ContextSet);
            Same("context_index", vote.ContextIndex, item.ContextIndex);
            Same("length", vote.Length, item.Length);
            if (string.IsNullOrWhiteSpace(vote.Annotator))
            {
                throw new ArgumentException($"Vote {vote.VoteId}: annotator is blank.", nameof(votes));
            }

            var expected = vote.Choice switch
            {
                ScreenChoice.Equal => HumanPreference.Equal,
                ScreenChoice.First => vote.ModelShownFirst ? HumanPreference.Model : HumanPreference.Original,
                ScreenChoice.Second => vote.ModelShownFirst ? HumanPreference.Original : HumanPreference.Model,
                _ => throw new ArgumentException($"Vote {vote.VoteId}: unknown choice {(int)vote.Choice}.", nameof(votes)),
            };
            if (vote.Preference != expected)
            {
                throw new ArgumentException(
                    $"Vote {vote.VoteId}: preference {vote.Preference} does not follow from choice {vote.Choice} with model_shown_first {vote.ModelShownFirst} ({expected}).", nameof(votes));
            }
        }
    }
}
