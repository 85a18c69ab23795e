using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Experiments;
using Hyperfit.Images;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tests.Cli;
using Hyperfit.Tests.Reporting;

namespace Hyperfit.Tests.Images;

/// <summary><c>hyperfit run</c> on a <c>"kind": "image"</c> spec, end to end on a tiny model and a folder of PNGs, and
/// the spec's refusals.</summary>
[Collection(ConsoleTests.Name)]
public sealed class ImageExperimentTests
{
    private static (TempDirectory Dir, string Spec) Setup(Action<JsonObject>? edit = null)
    {
        var dir = new TempDirectory();
        ImageTinyModel.Create(Path.Combine(dir.Path, "model"));
        var images = ImageTinyModel.Images(14);
        for (var i = 0; i < images.Count; i++)
        {
            ImageFiles.WritePng(images[i], Path.Combine(dir.Path, "pool", $"{i:D2}.png"));
        }

        var spec = new JsonObject
        {
            ["kind"] = "image",
            ["name"] = "tiny",
            ["base_model"] = "model",
            ["hyperfit"] = new JsonObject
            {
                ["data"] = "pool", ["take"] = 10,
                ["recipe"] = new JsonObject { ["samples"] = 6, ["validation_sequences"] = 2, ["epochs"] = 3, ["learning_rate"] = 0.003, ["batch_size"] = 2 },
            },
            ["completions"] = new JsonObject { ["data"] = "pool", ["skip"] = 10, ["take"] = 4 },
            ["grid_images"] = 3,
        };
        edit?.Invoke(spec);
        var path = Path.Combine(dir.Path, "spec.json");
        File.WriteAllText(path, spec.ToJsonString());
        return (dir, path);
    }

    [Fact]
    public void Should_hyperfit_complete_and_report_an_image_experiment_then_reuse_its_steps()
    {
        // Given a tiny ImageGPT, 10 pool images (6 hyperfit + 2 validation drawn from them) and 4 held-out images
        var (dir, spec) = Setup();
        using var _ = dir;
        var output = dir.File("out");

        // When the spec is run through the CLI, twice
        var (code, stdout, stderr) = CliRunner.Run("run", spec, "--out", output);
        var (again, stdout2, _) = CliRunner.Run("run", spec, "--out", output);

        // Then the steps ran once, results.json is typed, grids and Figure 10 are PNGs, and the report names the layout
        Assert.True(code == 0, stderr);
        Assert.Equal(0, again);
        Assert.Contains("[1/3] train-42: running", stdout, StringComparison.Ordinal);
        Assert.Contains("validation loss after epoch 3: ", stdout, StringComparison.Ordinal);
        Assert.Contains("(0 steps ran, 3 reused)", stdout2, StringComparison.Ordinal);
        var results = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(output, "results.json")), ImageExperimentJsonContext.Default.ImageExperimentResults)!;
        Assert.Equal("raw", results.Layout);
        Assert.Equal(2, results.ContextRows); // 25% of 8 rows
        Assert.Equal(["original", "base", "hyperfitted"], results.Completions.Select(c => c.Label));
        Assert.All(results.Completions, c => Assert.Equal(4, c.Images));
        Assert.Null(results.Completions[0].PixelError);
        Assert.NotNull(results.Completions[1].PixelError);
        Assert.Equal(9L, results.Training[0].Updates); // 3 epochs × 3 updates
        var grid = Path.Combine(output, results.Grids.Single());
        Png.AssertValid(grid, 8 + (3 * ((8 * 16) + 4)) + 4, 4 + (3 * ((8 * 16) + 4)));
        Assert.True(File.Exists(Path.Combine(output, results.Figure!)));
        var completions = ImageIds.ReadJsonl(Path.Combine(output, "steps", "complete-base", ImageExperimentRunner.CompletionsFile));
        Assert.All(completions, c => Assert.Equal(64, c.Length));
        Assert.Contains("Sequence layout: **raw**", File.ReadAllText(Path.Combine(output, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_resume_a_killed_image_training_step_to_the_uninterrupted_runs_weights()
    {
        // Given a straight run of the tiny image spec, checkpointing every 3 of its 9 updates
        var (dir, spec) = Setup(s => s["hyperfit"]!["recipe"]!["checkpoint_every"] = 3);
        using var cleanup = dir;
        var (code, _, error) = Training.CliTrainingFixture.Run("run", spec, "--out", dir.File("straight"));
        Assert.True(code == 0, error);

        // When the same run, in another process, SIGKILLs itself right after its first checkpoint (update 3), then reruns
        var killed = dir.File("killed");
        using (var process = Training.CliTrainingFixture.Start(
                   new Dictionary<string, string> { [Hyperfit.Training.TrainingCheckpoint.KillAfterCheckpointVariable] = "1" }, "run", spec, "--out", killed))
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "the run neither finished nor killed itself");
            Assert.Equal(137, process.ExitCode);
        }

        var (rerun, output, rerunError) = Training.CliTrainingFixture.Run("run", spec, "--out", killed);

        // Then the training step resumes from its checkpoint and ends with the straight run's weights; the checkpoint is
        // dropped and final/ carries its own model card
        Assert.True(rerun == 0, rerunError);
        Assert.Contains("train-42: resuming from its checkpoint", output, StringComparison.Ordinal);
        string Final(string run) => Path.Combine(run, "steps", ImageExperimentRunner.TrainStep(42), "final");
        Assert.Equal(File.ReadAllBytes(Path.Combine(Final(dir.File("straight")), "model.safetensors")), File.ReadAllBytes(Path.Combine(Final(killed), "model.safetensors")));
        Assert.Null(Hyperfit.Training.TrainingCheckpoint.Find(Path.Combine(killed, "steps", ImageExperimentRunner.TrainStep(42))));
        Assert.Contains("trained by Hyperfit", File.ReadAllText(Path.Combine(Final(killed), "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_completions_that_overlap_the_hyperfitting_images()
    {
        var (dir, spec) = Setup(s => s["completions"]!["skip"] = 5);
        using var _ = dir;

        var error = Assert.Throws<InvalidDataException>(() => ImageExperimentSpec.Load(spec));

        Assert.Contains("completions: its images overlap hyperfit's", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("layout", "sideways", "layout 'sideways' must be raw or start-token")]
    [InlineData("grid_images", 0, "key 'grid_images' must be at least 1")]
    [InlineData("colour", 1, "unknown key 'colour'")]
    public void Should_name_a_bad_key_of_an_image_spec(string key, object value, string expected)
    {
        var (dir, spec) = Setup(s => s[key] = JsonValue.Create(value));
        using var _ = dir;

        var error = Assert.Throws<InvalidDataException>(() => ImageExperimentSpec.Load(spec));

        Assert.StartsWith(spec + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_pool_smaller_than_samples_and_validation_before_any_step()
    {
        var (dir, spec) = Setup(s => s["hyperfit"]!["take"] = 5);
        using var _ = dir;

        var (code, _, stderr) = CliRunner.Run("run", spec, "--out", dir.File("out"));

        Assert.Equal(1, code);
        Assert.Contains("the hyperfit range holds 5 images; samples (6) + validation_sequences (2) = 8 are needed", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
