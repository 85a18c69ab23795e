using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Hyperfit.Evaluation;
using Hyperfit.Experiments;
using Hyperfit.Tokenization;

namespace Hyperfit.HumanStudy;

/// <summary>
/// Builds a study folder (§4, Appendix A): one item per (comparison, seed, context, length scenario) holding the context and
/// the original and generated continuations cut to the scenario with the model's tokenizer, in a fresh <c>study.db</c>,
/// plus <c>manifest.json</c> with the SHA-256 of every input file. A study that already has votes is never rebuilt;
/// one without votes is rebuilt in place (accounts are kept).
/// </summary>
public static class StudyBuilder
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] ItemParameters =
        ["$comparison", "$model", "$seed", "$set", "$index", "$line", "$length", "$context", "$original", "$generated", "$gttr", "$ottr"];

    private sealed record Context(string Set, int Index, int[] ContextIds, int[] ContinuationIds, int SourceLine, string File);

    private sealed record Continuation(string Comparison, string Model, long Seed, Context Context, int[] Ids);

    private sealed record Gathered(
        string Source, string? RunDirectory, string? SpecHash, string TokenizerDirectory, List<Continuation> Continuations,
        List<StudyInputFile> Inputs, List<long> Seeds);

    /// <exception cref="ArgumentException">Inconsistent request (field named).</exception>
    /// <exception cref="InvalidDataException">A missing, mismatched or malformed input file (named).</exception>
    /// <exception cref="IOException">The study already has votes.</exception>
    public static StudyManifest Build(StudyBuildRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Lengths.Count == 0)
        {
            throw new ArgumentException("lengths: at least one length scenario (128, 256) is needed", nameof(request));
        }

        foreach (var length in request.Lengths)
        {
            StudyLengths.ContinuationTokens(length); // validates
        }

        if (request.ContextsPerSet is < 1)
        {
            throw new ArgumentException("contexts_per_set: must be at least 1", nameof(request));
        }

        var gathered = request.RunDirectory is not null ? FromRun(request) : FromFiles(request);
        var tokenizer = HfTokenizer.Load(gathered.TokenizerDirectory);
        var items = new List<StudyItem>();
        foreach (var c in gathered.Continuations.Where(c => request.ContextsPerSet is not { } n || c.Context.Index < n))
        {
            foreach (var length in request.Lengths.Distinct().Order())
            {
                items.Add(MakeItem(tokenizer, c, length));
            }
        }

        if (items.Count == 0)
        {
            throw new ArgumentException("the selection holds no comparison (check comparisons, context sets and seeds)", nameof(request));
        }

        var manifest = new StudyManifest
        {
            CreatedUtc = DateTime.UtcNow.ToString("O", Inv),
            Source = gathered.Source,
            RunDirectory = gathered.RunDirectory,
            SpecHash = gathered.SpecHash,
            TokenizerDirectory = Path.GetFullPath(gathered.TokenizerDirectory),
            TokenizerFingerprint = TokenizerFingerprint.Compute(gathered.TokenizerDirectory),
            Inputs = gathered.Inputs,
            Comparisons = [.. items.Select(i => i.Comparison).Distinct()],
            ContextSets = [.. items.Select(i => i.ContextSet).Distinct()],
            Lengths = [.. items.Select(i => i.Length).Distinct().Order()],
            Seeds = gathered.Seeds,
            Items = items.Count,
            AssignmentSeed = request.AssignmentSeed,
        };
        Write(request.StudyDirectory, items, manifest);
        return manifest;
    }

    private static StudyItem MakeItem(HfTokenizer tokenizer, Continuation c, int length)
    {
        var tokens = StudyLengths.ContinuationTokens(length);
        if (c.Context.ContinuationIds.Length < tokens)
        {
            throw new InvalidDataException(string.Create(Inv,
                $"{c.Context.File}: the original continuations have {c.Context.ContinuationIds.Length} tokens, the {length} scenario needs {tokens} (choose the 128 scenario only, or generate longer)"));
        }

        var original = c.Context.ContinuationIds[..tokens];
        var generated = c.Ids.Length > tokens ? c.Ids[..tokens] : c.Ids; // a continuation that stopped at EOS is shown whole
        return new StudyItem(
            Id: 0,
            Comparison: c.Comparison,
            Model: c.Model,
            Seed: c.Seed,
            ContextSet: c.Context.Set,
            ContextIndex: c.Context.Index,
            SourceLine: c.Context.SourceLine,
            Length: length,
            Context: Text(tokenizer, c.Context.ContextIds),
            Original: Text(tokenizer, original),
            Generated: Text(tokenizer, generated),
            GeneratedTtr: TypeTokenRatio.Compute(generated).Value,
            OriginalTtr: TypeTokenRatio.Compute(original).Value);
    }

    /// <summary>Readable text: special tokens left out; a cut through a multi-byte character leaves no replacement
    /// character at the end.</summary>
    private static string Text(HfTokenizer tokenizer, int[] ids) => tokenizer.Decode(ids, skipSpecialTokens: true).TrimEnd('\uFFFD');

    private static Gathered FromRun(StudyBuildRequest request)
    {
        if (request.References.Count > 0 || request.Generations.Count > 0 || request.TokenizerDirectory is not null)
        {
            throw new ArgumentException("run: a study is built from a run folder or from explicit files, not both", nameof(request));
        }

        var run = Path.GetFullPath(request.RunDirectory!);
        var specPath = Path.Combine(run, ExperimentRunner.SpecFile);
        if (!File.Exists(specPath))
        {
            throw new InvalidDataException($"{run}: not a 'hyperfit run' output folder (no {ExperimentRunner.SpecFile})");
        }

        var stored = IO.StrictJson.Read(specPath, ExperimentJsonContext.Default.SpecRecord);
        var specFile = stored.SpecFile;
        var specHash = stored.SpecHash;
        var spec = ExperimentSpec.Parse(stored.Spec.ToJsonString(), specFile);
        var plan = ExperimentPlan.Build(spec, run);

        var labels = spec.Decoding.Select(d => d.Label).ToList(); // the §6.3 sweep's greedy runs are not study material
        var comparisons = Select(request.Comparisons, labels, "comparisons");
        var setLabels = spec.ContextSets.Select(s => s.Label).ToList();
        var sets = Select(request.ContextSets, setLabels, "context_sets");
        var seeds = request.Seeds.Count == 0 ? [spec.Seeds[0]] : request.Seeds.ToList();
        foreach (var seed in seeds.Where(s => !spec.Seeds.Contains(s)))
        {
            throw new ArgumentException(string.Create(Inv, $"seeds: the run has no seed {seed} (its seeds: {string.Join(", ", spec.Seeds)})"), nameof(request));
        }

        var inputs = new List<StudyInputFile>();
        var contexts = new Dictionary<string, (List<Context> List, Dictionary<string, Context> ByIds)>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            var file = Path.Combine(plan.StepDir(ExperimentPlan.PrepareStep(set)), ExperimentPlan.ReferenceFile);
            RequireFinished(file);
            contexts[set] = ReadReferences(set, file, inputs);
        }

        var continuations = new List<Continuation>();
        foreach (var step in plan.Steps.Where(s => s.Kind == StepKind.Generate && comparisons.Contains(s.Decoding!) && sets.Contains(s.ContextSet!)
                                                   && seeds.Contains(s.Seed!.Value)))
        {
            var file = Path.Combine(plan.StepDir(step.Name), ExperimentPlan.GenerationsFile);
            RequireFinished(file);
            continuations.AddRange(ReadGenerations(step.Decoding!, step.Model!, step.Seed!.Value, file,
                new Dictionary<string, (List<Context>, Dictionary<string, Context>)> { [step.ContextSet!] = contexts[step.ContextSet!] }, inputs));
        }

        return new Gathered("run", run, specHash, spec.BaseModelDir, continuations, inputs, seeds);
    }

    private static Gathered FromFiles(StudyBuildRequest request)
    {
        if (request.TokenizerDirectory is null)
        {
            throw new ArgumentException("tokenizer: explicit generations and reference files need the model folder whose tokenizer made them", nameof(request));
        }

        if (request.References.Count == 0 || request.Generations.Count == 0)
        {
            throw new ArgumentException("references/generations: give a run folder, or at least one reference file and one generations file", nameof(request));
        }

        Unique(request.References.Select(r => r.Label), "references");
        Unique(request.Generations.Select(g => g.Label), "generations");
        var inputs = new List<StudyInputFile>();
        var fingerprint = TokenizerFingerprint.Compute(request.TokenizerDirectory);
        var contexts = new Dictionary<string, (List<Context> List, Dictionary<string, Context> ByIds)>(StringComparer.Ordinal);
        var allContexts = new Dictionary<string, Context>(StringComparer.Ordinal);
        foreach (var reference in request.References) // all of them, so that a generation of an unselected set is recognised (and skipped)
        {
            var read = ReadReferences(reference.Label, reference.Path, inputs, fingerprint);
            foreach (var (key, context) in read.ByIds)
            {
                if (allContexts.TryGetValue(key, out var other))
                {
                    throw new InvalidDataException(string.Create(Inv,
                        $"{reference.Path}: context {context.Index + 1} is also context {other.Index + 1} of set '{other.Set}' ({other.File}); a context must belong to one set"));
                }

                allContexts[key] = context;
            }

            contexts[reference.Label] = read;
        }

        foreach (var set in request.ContextSets.Where(s => request.References.All(r => r.Label != s)))
        {
            throw new ArgumentException($"context_sets: no reference file is labelled '{set}'", nameof(request));
        }

        var continuations = new List<Continuation>();
        foreach (var generations in request.Generations.Where(g => request.Comparisons.Count == 0 || request.Comparisons.Contains(g.Label)))
        {
            continuations.AddRange(ReadGenerations(generations.Label, generations.Label, 0, generations.Path, contexts, inputs, fingerprint)
                .Where(c => request.ContextSets.Count == 0 || request.ContextSets.Contains(c.Context.Set)));
        }

        foreach (var comparison in request.Comparisons.Where(c => request.Generations.All(g => g.Label != c)))
        {
            throw new ArgumentException($"comparisons: no generations file is labelled '{comparison}'", nameof(request));
        }

        return new Gathered("files", null, null, request.TokenizerDirectory, continuations, inputs, [0]);
    }

    private static (List<Context> List, Dictionary<string, Context> ByIds) ReadReferences(string set, string file, List<StudyInputFile> inputs, string? fingerprint = null)
    {
        var records = Generation.GenerationsFile.Read(file);
        inputs.Add(Input("reference", set, file));
        var list = new List<Context>();
        var byIds = new Dictionary<string, Context>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            CheckTokenizer(r, file, fingerprint);
            var context = new Context(set, list.Count, r.ContextIds, r.ContinuationIds, r.Line ?? r.FileLine, file);
            if (!byIds.TryAdd(Key(r.ContextIds), context))
            {
                throw new InvalidDataException(string.Create(Inv, $"{file}:{r.FileLine}: the same context ids appear twice in the reference file"));
            }

            list.Add(context);
        }

        return (list, byIds);
    }

    private static List<Continuation> ReadGenerations(string comparison, string model, long seed, string file,
        Dictionary<string, (List<Context> List, Dictionary<string, Context> ByIds)> contexts, List<StudyInputFile> inputs, string? fingerprint = null)
    {
        var records = Generation.GenerationsFile.Read(file);
        inputs.Add(Input("generations", comparison, file));
        var found = new Dictionary<Context, Continuation>();
        foreach (var r in records)
        {
            CheckTokenizer(r, file, fingerprint);
            var key = Key(r.ContextIds);
            var context = contexts.Values.Select(c => c.ByIds.GetValueOrDefault(key)).FirstOrDefault(c => c is not null)
                          ?? throw new InvalidDataException(string.Create(Inv, $"{file}:{r.FileLine}: its context matches no context of the reference file(s)"));
            if (!found.TryAdd(context, new Continuation(comparison, model, seed, context, r.ContinuationIds)))
            {
                throw new InvalidDataException(string.Create(Inv, $"{file}:{r.FileLine}: a second continuation of context {context.Index + 1} of set '{context.Set}'"));
            }
        }

        // Every context of a set the file touches must have its continuation: a partial file would bias the study.
        foreach (var set in found.Keys.Select(c => c.Set).Distinct())
        {
            var missing = contexts[set].List.Count(c => !found.ContainsKey(c));
            if (missing > 0)
            {
                throw new InvalidDataException(string.Create(Inv,
                    $"{file}: {missing} of the {contexts[set].List.Count} contexts of set '{set}' ({contexts[set].List[0].File}) have no continuation"));
            }
        }

        return [.. found.Values.OrderBy(c => c.Context.Set, StringComparer.Ordinal).ThenBy(c => c.Context.Index)];
    }

    private static void CheckTokenizer(Generation.GenerationLine record, string file, string? fingerprint)
    {
        if (fingerprint is not null && record.Tokenizer is not null && record.Tokenizer != fingerprint)
        {
            throw new InvalidDataException(string.Create(Inv,
                $"{file}:{record.FileLine}: made with tokenizer {record.Tokenizer}, but the given model folder's tokenizer is {fingerprint}"));
        }
    }

    private static void RequireFinished(string file)
    {
        if (!File.Exists(Path.Combine(Path.GetDirectoryName(file)!, ExperimentRunner.DoneFile)) || !File.Exists(file))
        {
            throw new InvalidDataException($"{file}: missing or its step has not finished (finish the run with 'hyperfit run' first)");
        }
    }

    private static List<string> Select(IReadOnlyList<string> asked, List<string> known, string field)
    {
        foreach (var label in asked.Where(a => !known.Contains(a)))
        {
            throw new ArgumentException($"{field}: the run has no '{label}' (it has: {string.Join(", ", known)})", field);
        }

        return asked.Count == 0 ? known : [.. asked.Distinct()];
    }

    private static void Unique(IEnumerable<string> labels, string field)
    {
        foreach (var label in labels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new ArgumentException($"{field}: the label '{label.Key}' is given twice", field);
        }
    }

    private static string Key(int[] ids) => string.Join(',', ids);

    private static StudyInputFile Input(string role, string label, string file)
    {
        var full = Path.GetFullPath(file);
        using var stream = File.OpenRead(full);
        return new StudyInputFile(role, label, full, Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }

    private static void Write(string directory, List<StudyItem> items, StudyManifest manifest)
    {
        if (File.Exists(directory))
        {
            throw new IOException($"{directory}: is a file, not a study folder");
        }

        using var folderLock = IO.OutputLock.Acquire(directory, "hyperfit annotate build"); // not while a server shares the study
        folderLock.RemoveDebris();
        using var connection = StudyDatabase.Open(directory, create: true);
        try
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var votes = StudyDatabase.CountVotes(connection, transaction);
            if (votes > 0)
            {
                throw new IOException(string.Create(Inv,
                    $"{directory}: the study already has {votes} votes; it is never rebuilt (build into a new folder)"));
            }

            StudyDatabase.Execute(connection, "DELETE FROM showings; DELETE FROM items;", transaction);
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO items(comparison, model, seed, context_set, context_index, source_line, length, context, original, generated,
                                  generated_ttr, original_ttr)
                VALUES ($comparison, $model, $seed, $set, $index, $line, $length, $context, $original, $generated, $gttr, $ottr)
                """;
            var parameters = ItemParameters.Select(name => insert.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter { ParameterName = name })).ToArray();
            foreach (var item in items)
            {
                object[] values = [item.Comparison, item.Model, item.Seed, item.ContextSet, item.ContextIndex, item.SourceLine, item.Length,
                    item.Context, item.Original, item.Generated, item.GeneratedTtr, item.OriginalTtr];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i];
                }

                insert.ExecuteNonQuery();
            }

            StudyDatabase.Execute(connection, string.Create(Inv,
                $"INSERT OR REPLACE INTO study_meta(key, value) VALUES ('assignment_seed', '{manifest.AssignmentSeed}'), ('annotations_per_item', '{manifest.AnnotationsPerItem}');"),
                transaction);
            transaction.Commit();
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw StudyDatabase.Explain(e, StudyDatabase.PathIn(directory));
        }

        manifest.Write(directory);
    }
}
