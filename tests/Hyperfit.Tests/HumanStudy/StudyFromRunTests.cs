using System.Text.Json.Nodes;
using Hyperfit.Evaluation;
using Hyperfit.Experiments;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.Experiments;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.HumanStudy;

/// <summary>A study built from a real <c>hyperfit run</c> folder (base-model decodings only, so nothing trains).</summary>
public sealed class StudyFromRunTests : IClassFixture<StudyFromRunTests.RunFixture>
{
    private readonly RunFixture _run;

    public StudyFromRunTests(RunFixture run) => _run = run;

    public sealed class RunFixture : IDisposable
    {
        public RunFixture()
        {
            Experiment = new ExperimentFixture();
            var random = new Random(3);
            string[] words = ["the", "cat", "sat", "on", "a", "mat", "while", "dog", "ran", "far", "away", "from", "house"];
            foreach (var set in new[] { "fiction", "press" })
            {
                // Documents long enough for 6 context + 96 continuation tokens.
                File.WriteAllLines(Path.Combine(Experiment.Root, "data", set + ".jsonl"), Enumerable.Range(0, 3).Select(_ =>
                    new JsonObject { ["text"] = string.Join(' ', Enumerable.Range(0, 200).Select(_ => words[random.Next(words.Length)])) }.ToJsonString()));
            }

            var spec = ExperimentSpec.Load(Experiment.WriteSpec(s =>
            {
                s["hyperfit"]!.AsObject().Remove("sample_sweep");
                s["hyperfit"]!["variants"] = new JsonArray();
                s["decoding"] = JsonNode.Parse("""{ "base_greedy": { "model": "base" }, "base_top_p": { "model": "base", "strategy": "sample" } }""");
                s["metrics"] = new JsonArray("text");
                s["new_tokens"] = 96;
            }));
            ExperimentRunner.Run(spec, Experiment.Out);
            Tokenizer = HfTokenizer.Load(spec.BaseModelDir);
            SpecHash = spec.Hash;
        }

        internal ExperimentFixture Experiment { get; }

        public HfTokenizer Tokenizer { get; }

        public string SpecHash { get; }

        public string Step(string name, string file) => Path.Combine(Experiment.Out, ExperimentRunner.StepsFolder, name, file);

        public void Dispose() => Experiment.Dispose();
    }

    [Fact]
    public void Should_take_contexts_originals_and_generations_from_the_run_steps()
    {
        var study = Path.Combine(_run.Experiment.Root, "study-all");
        var manifest = StudyBuilder.Build(new StudyBuildRequest { StudyDirectory = study, RunDirectory = _run.Experiment.Out, Lengths = [128] });
        var items = StudyDatabase.ReadItems(study);

        Assert.Equal(("run", _run.SpecHash, 8), (manifest.Source, manifest.SpecHash, manifest.Items));
        Assert.Equal(["base_greedy", "base_top_p"], manifest.Comparisons);
        Assert.Equal([42L], manifest.Seeds);
        var generations = Hyperfit.Generation.GenerationsFile.Read(_run.Step("generate-base_top_p-press-s42", ExperimentPlan.GenerationsFile));
        var reference = Hyperfit.Generation.GenerationsFile.Read(_run.Step("prepare-press", ExperimentPlan.ReferenceFile));
        var item = items.Single(i => i.Comparison == "base_top_p" && i.ContextSet == "press" && i.ContextIndex == 1);
        Assert.Equal(_run.Tokenizer.Decode(reference[1].ContinuationIds, skipSpecialTokens: true), item.Original);
        Assert.Equal(_run.Tokenizer.Decode(generations[1].ContinuationIds.Take(96).ToArray(), skipSpecialTokens: true).TrimEnd('\uFFFD'), item.Generated);
        Assert.Equal(("base", 42L), (item.Model, item.Seed));
        Assert.Equal(6, manifest.Inputs.Count); // 2 references + 4 generations files
    }

    [Fact]
    public void Should_refuse_the_256_scenario_of_a_run_with_96_new_tokens()
    {
        var e = Assert.Throws<InvalidDataException>(() => StudyBuilder.Build(new StudyBuildRequest
        {
            StudyDirectory = Path.Combine(_run.Experiment.Root, "study-256"), RunDirectory = _run.Experiment.Out,
        }));
        Assert.StartsWith(_run.Step("prepare-fiction", ExperimentPlan.ReferenceFile) + ": the original continuations have 96 tokens, the 256 scenario needs 224",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_unknown_labels_and_seeds_of_the_run()
    {
        var request = new StudyBuildRequest { StudyDirectory = Path.Combine(_run.Experiment.Root, "study-bad"), RunDirectory = _run.Experiment.Out, Lengths = [128] };
        Assert.StartsWith("comparisons: the run has no 'hyperfitted_greedy' (it has: base_greedy, base_top_p)",
            Assert.Throws<ArgumentException>(() => StudyBuilder.Build(request with { Comparisons = ["hyperfitted_greedy"] })).Message, StringComparison.Ordinal);
        Assert.StartsWith("seeds: the run has no seed 7 (its seeds: 42)",
            Assert.Throws<ArgumentException>(() => StudyBuilder.Build(request with { Seeds = [7] })).Message, StringComparison.Ordinal);
        Assert.StartsWith("run: a study is built from a run folder or from explicit files, not both",
            Assert.Throws<ArgumentException>(() => StudyBuilder.Build(request with { TokenizerDirectory = "x" })).Message, StringComparison.Ordinal);
        var notRun = Path.Combine(_run.Experiment.Root, "data");
        Assert.Equal($"{notRun}: not a 'hyperfit run' output folder (no spec.json)",
            Assert.Throws<InvalidDataException>(() => StudyBuilder.Build(request with { RunDirectory = notRun })).Message);
    }
}
