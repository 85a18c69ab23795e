using System.Security.Cryptography;
using Hyperfit.Evaluation;
using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class StudyBuilderTests
{
    [Fact]
    public void Should_make_one_item_per_comparison_context_and_length_cut_with_the_tokenizer()
    {
        // Given two sets of 3 contexts and two comparisons
        using var f = new StudyFixture();

        // When the study is built
        var manifest = StudyBuilder.Build(f.Request());
        var items = StudyDatabase.ReadItems(f.StudyDir());

        // Then there are 2 comparisons × 6 contexts × 2 lengths items, and each text is the decoded cut of its ids
        Assert.Equal(24, items.Count);
        Assert.Equal(24, manifest.Items);
        Assert.Equal(["base_greedy", "hyperfitted_greedy"], manifest.Comparisons);
        Assert.Equal(["fiction", "press"], manifest.ContextSets);
        Assert.Equal([128, 256], manifest.Lengths);
        var reference = f.References["press"].Lines[1];
        var generated = f.Generations["hyperfitted_greedy"].Lines[f.References["fiction"].Lines.Count + 1].Continuation;
        var short_ = items.Single(i => i.Comparison == "hyperfitted_greedy" && i.ContextSet == "press" && i.ContextIndex == 1 && i.Length == 128);
        var long_ = items.Single(i => i.Comparison == "hyperfitted_greedy" && i.ContextSet == "press" && i.ContextIndex == 1 && i.Length == 256);
        Assert.Equal(f.Tokenizer.Decode(reference.Context, skipSpecialTokens: true), short_.Context);
        Assert.Equal(f.Tokenizer.Decode(reference.Continuation[..96], skipSpecialTokens: true), short_.Original);
        Assert.Equal(f.Tokenizer.Decode(generated[..96], skipSpecialTokens: true), short_.Generated);
        Assert.Equal(f.Tokenizer.Decode(reference.Continuation, skipSpecialTokens: true), long_.Original);
        Assert.Equal(f.Tokenizer.Decode(generated, skipSpecialTokens: true), long_.Generated);
        Assert.Equal(TypeTokenRatio.Compute(generated.AsSpan(0, 96)).Value, short_.GeneratedTtr);
        Assert.Equal(TypeTokenRatio.Compute(generated).Value, long_.GeneratedTtr);
        Assert.Equal(TypeTokenRatio.Compute(reference.Continuation).Value, long_.OriginalTtr);
        Assert.Equal(11, short_.SourceLine); // the reference's "line" field
        Assert.Equal("hyperfitted_greedy", short_.Model);
    }

    [Fact]
    public void Should_record_the_sha256_of_every_input_in_the_manifest()
    {
        using var f = new StudyFixture();
        StudyBuilder.Build(f.Request());
        var manifest = StudyManifest.Read(f.StudyDir());

        Assert.Equal("files", manifest.Source);
        Assert.Equal(4, manifest.Inputs.Count);
        foreach (var input in manifest.Inputs)
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(input.Path))), input.Sha256);
        }

        Assert.Contains(manifest.Inputs, i => i.Role == "reference" && i.Label == "press" && i.Path == Path.GetFullPath(f.References["press"].Path));
        Assert.Equal(Path.GetFullPath(f.TokenizerDir), manifest.TokenizerDirectory);
        Assert.NotNull(manifest.TokenizerFingerprint);
    }

    [Fact]
    public void Should_select_comparisons_sets_lengths_and_contexts()
    {
        using var f = new StudyFixture();
        StudyBuilder.Build(f.Request() with { Comparisons = ["base_greedy"], ContextSets = ["fiction"], Lengths = [256], ContextsPerSet = 2 });
        var items = StudyDatabase.ReadItems(f.StudyDir());

        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(("base_greedy", "fiction", 256), (i.Comparison, i.ContextSet, i.Length)));
        Assert.Equal([0, 1], items.Select(i => i.ContextIndex));
    }

    [Fact]
    public void Should_refuse_a_generation_whose_context_is_in_no_reference_naming_file_and_line()
    {
        using var f = new StudyFixture();
        var lines = f.Generations["base_greedy"].Lines.Select(l => StudyFixture.Line(l.Context, l.Continuation)).ToList();
        lines[2] = StudyFixture.Line([.. Enumerable.Repeat(5, 32)], f.Generations["base_greedy"].Lines[2].Continuation);
        StudyFixture.WriteJsonl(f.Generations["base_greedy"].Path, lines);

        var e = Assert.Throws<InvalidDataException>(() => StudyBuilder.Build(f.Request()));
        Assert.Equal($"{f.Generations["base_greedy"].Path}:3: its context matches no context of the reference file(s)", e.Message);
    }

    [Fact]
    public void Should_refuse_a_generations_file_that_misses_contexts_of_a_set()
    {
        using var f = new StudyFixture();
        var lines = f.Generations["base_greedy"].Lines.Select(l => StudyFixture.Line(l.Context, l.Continuation)).ToList();
        lines.RemoveAt(4); // the second context of "press"
        StudyFixture.WriteJsonl(f.Generations["base_greedy"].Path, lines);

        var e = Assert.Throws<InvalidDataException>(() => StudyBuilder.Build(f.Request()));
        Assert.StartsWith($"{f.Generations["base_greedy"].Path}: 1 of the 3 contexts of set 'press'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_the_256_scenario_when_originals_are_shorter_than_224_tokens()
    {
        using var f = new StudyFixture(sets: ["fiction"]);
        var (path, lines) = f.References["fiction"];
        StudyFixture.WriteJsonl(path, lines.Select(l => StudyFixture.Line(l.Context, l.Continuation[..100])));

        var e = Assert.Throws<InvalidDataException>(() => StudyBuilder.Build(f.Request()));
        Assert.StartsWith($"{path}: the original continuations have 100 tokens, the 256 scenario needs 224", e.Message, StringComparison.Ordinal);
        StudyBuilder.Build(f.Request() with { Lengths = [128] }); // 96 tokens are there
    }

    [Fact]
    public void Should_refuse_generations_made_with_another_tokenizer()
    {
        using var f = new StudyFixture(sets: ["fiction"]);
        var lines = f.Generations["base_greedy"].Lines.Select(l => StudyFixture.Line(l.Context, l.Continuation)).ToList();
        lines[0]["tokenizer"] = "0123456789abcdef";
        StudyFixture.WriteJsonl(f.Generations["base_greedy"].Path, lines);

        var e = Assert.Throws<InvalidDataException>(() => StudyBuilder.Build(f.Request()));
        Assert.Contains(":1: made with tokenizer 0123456789abcdef, but the given model folder's tokenizer is", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_a_missing_input_file()
    {
        using var f = new StudyFixture(sets: ["fiction"]);
        var missing = f.File("nope.jsonl");
        var e = Assert.Throws<FileNotFoundException>(() => StudyBuilder.Build(f.Request() with { Generations = [new LabelledFile("x", missing)] }));
        Assert.Equal($"{missing}: file not found", e.Message);
    }

    [Fact]
    public void Should_refuse_inconsistent_requests_naming_the_field()
    {
        using var f = new StudyFixture(sets: ["fiction"]);
        Assert.StartsWith("tokenizer:", Assert.Throws<ArgumentException>(() => StudyBuilder.Build(f.Request() with { TokenizerDirectory = null })).Message,
            StringComparison.Ordinal);
        Assert.StartsWith("lengths: 200", Assert.Throws<ArgumentOutOfRangeException>(() => StudyBuilder.Build(f.Request() with { Lengths = [200] })).Message,
            StringComparison.Ordinal);
        Assert.StartsWith("comparisons: no generations file is labelled 'nope'",
            Assert.Throws<ArgumentException>(() => StudyBuilder.Build(f.Request() with { Comparisons = ["nope"] })).Message, StringComparison.Ordinal);
        Assert.StartsWith("generations: the label 'base_greedy' is given twice",
            Assert.Throws<ArgumentException>(() => StudyBuilder.Build(f.Request() with
            {
                Generations = [new LabelledFile("base_greedy", f.Generations["base_greedy"].Path), new LabelledFile("base_greedy", f.Generations["base_greedy"].Path)],
            })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_rebuild_a_study_without_votes_keeping_accounts_but_never_one_with_votes()
    {
        // Given a built study with an annotator
        using var f = new StudyFixture(sets: ["fiction"]);
        var study = f.Build();
        var token = StudyAccounts.Invite(study, "ann", StudyRole.Annotator);

        // When it is rebuilt with fewer items before any vote, the account survives
        StudyBuilder.Build(f.Request() with { Lengths = [256] });
        Assert.Equal(6, StudyDatabase.ReadItems(study).Count);
        using (var connection = StudyDatabase.Open(study))
        {
            Assert.NotNull(StudyAccounts.Authenticate(connection, token));
        }

        // Then once a vote exists, a rebuild is refused and nothing changes
        var assignment = new StudyAssignment(study);
        using (var connection = StudyDatabase.Open(study))
        {
            var account = StudyAccounts.Authenticate(connection, token)!;
            var showing = assignment.Next(account)!;
            assignment.Submit(account, showing.ShowingId, ScreenChoice.First);
        }

        var e = Assert.Throws<IOException>(() => StudyBuilder.Build(f.Request()));
        Assert.Equal($"{study}: the study already has 1 votes; it is never rebuilt (build into a new folder)", e.Message);
        Assert.Equal(6, StudyDatabase.ReadItems(study).Count);
        Assert.Single(StudyDatabase.ReadVotes(study));
    }

    [Fact]
    public void Should_say_that_a_folder_is_not_a_study()
    {
        using var f = new StudyFixture(sets: ["fiction"]);
        var e = Assert.Throws<InvalidDataException>(() => StudyDatabase.ReadItems(f.Root));
        Assert.Equal($"{f.Root}: not a study folder (no study.db; make one with 'hyperfit annotate build')", e.Message);
    }

    [Fact]
    public async Task Should_refuse_to_rebuild_a_study_while_a_server_serves_it()
    {
        // Given a study being served (a shared lock on its folder)
        using var f = new StudyFixture(1, ["fiction"], ["x"]);
        var study = f.Build();
        var server = await Hyperfit.Annotation.AnnotationServer.StartAsync(new Hyperfit.Annotation.AnnotationServerOptions { StudyDirectory = study, Port = 0 });

        // When it is rebuilt, the build is refused in one line and the items stay
        await using (server)
        {
            var e = Assert.Throws<IOException>(() => StudyBuilder.Build(f.Request() with { Lengths = [128] }));
            Assert.Equal($"{study}: in use by another Hyperfit process (a shared holder such as 'hyperfit annotate serve'); wait for it to finish or stop it", e.Message);
            Assert.Equal(2, StudyDatabase.ReadItems(study).Count);
        }

        // Then, once the server stopped, the rebuild goes through
        StudyBuilder.Build(f.Request() with { Lengths = [128] });
        Assert.Single(StudyDatabase.ReadItems(study));
    }
}
