namespace Hyperfit.HumanStudy;

/// <summary>
/// A study's items and votes as an experiment run takes them (<c>hyperfit run SPEC --human-votes STUDY</c>) to fill
/// Table 1's "128 Pref" / "256 Pref" columns and Table 4 (§4, §6.2).
/// </summary>
/// <param name="StudyDir">The study folder (for messages and the report).</param>
/// <param name="Items">The study's items.</param>
/// <param name="Votes">Every stored vote, joined with its item.</param>
/// <param name="SpecHash">Hash of the spec whose run the study was built from (its manifest); null when unknown
/// (a study built from explicit files).</param>
/// <param name="RunDirectory">The run folder the study was built from (its manifest); null when unknown.</param>
public sealed record HumanVotes(
    string StudyDir, IReadOnlyList<StudyItem> Items, IReadOnlyList<StudyVoteRow> Votes, string? SpecHash = null, string? RunDirectory = null)
{
    /// <summary>A study folder's items, votes and manifest (<see cref="StudyDatabase"/>, <see cref="StudyManifest"/>).</summary>
    /// <exception cref="InvalidDataException">Not a study folder, or an unreadable manifest.</exception>
    /// <exception cref="IOException">The database cannot be opened or read.</exception>
    public static HumanVotes Load(string studyDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(studyDir);
        var manifest = StudyManifest.Read(studyDir);
        return new HumanVotes(studyDir, StudyDatabase.ReadItems(studyDir), StudyDatabase.ReadVotes(studyDir), manifest.SpecHash, manifest.RunDirectory);
    }

    /// <summary>
    /// Checks that the study judges this run: same spec hash and run folder (when the study knows them), and every
    /// item's comparison, context set and seed among the run's decoding labels, context sets and seeds. Called before
    /// a run starts, so a mismatch fails at once.
    /// </summary>
    /// <exception cref="InvalidDataException">One line naming the study and what does not match.</exception>
    public void CheckAgainst(
        string specHash, string runDirectory, IReadOnlyCollection<string> decodings, IReadOnlyCollection<string> contextSets, IReadOnlyCollection<long> seeds)
    {
        ArgumentNullException.ThrowIfNull(specHash);
        ArgumentNullException.ThrowIfNull(runDirectory);
        ArgumentNullException.ThrowIfNull(decodings);
        ArgumentNullException.ThrowIfNull(contextSets);
        ArgumentNullException.ThrowIfNull(seeds);
        if (SpecHash is not null && !string.Equals(SpecHash, specHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"{StudyDir}: the study was built from a run of another spec (spec hash {Short(SpecHash)}…, this spec {Short(specHash)}…)");
        }

        if (RunDirectory is not null && !string.Equals(
                Path.TrimEndingDirectorySeparator(Path.GetFullPath(RunDirectory)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)), StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"{StudyDir}: the study was built from the run in {RunDirectory}, not {Path.GetFullPath(runDirectory)}; run the spec with that folder as its output");
        }

        void Require(string what, IEnumerable<string> used, IReadOnlyCollection<string> known)
        {
            var unknown = used.Distinct(StringComparer.Ordinal).Where(u => !known.Contains(u, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidDataException(
                    $"{StudyDir}: items for {what} {string.Join(", ", unknown.Select(u => $"\"{u}\""))} that the spec does not have (the spec's: {string.Join(", ", known)})");
            }
        }

        Require("decoding", Items.Select(i => i.Comparison), decodings);
        Require("context set", Items.Select(i => i.ContextSet), contextSets);
        Require("seed", Items.Select(i => i.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            [.. seeds.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }

    /// <summary>The study's report (<see cref="StudyReport.Create"/>).</summary>
    /// <exception cref="InvalidDataException">Items and votes disagree: one line naming the study, the vote or item and
    /// the field.</exception>
    public StudyReport CreateReport(int resamples = ClusterBootstrap.DefaultResamples, int seed = ClusterBootstrap.DefaultSeed)
    {
        try
        {
            return StudyReport.Create(Items, Votes, StudyDir, resamples, seed);
        }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException)
        {
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new InvalidDataException($"{StudyDir}: {message}", e);
        }
    }

    private static string Short(string hash) => hash[..Math.Min(12, hash.Length)];
}
