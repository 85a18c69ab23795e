using System.CommandLine;
using Hyperfit.ScaleOut;
using Hyperfit.Training;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit export-job</c>: the same options as <c>train</c>, plus where the PyTorch engine runs; writes a
/// self-contained job folder (see <see cref="JobExporter"/>).</summary>
public static class ExportJobCommand
{
    public static Command Create()
    {
        var recipe = new RecipeOptions(HyperfitRecipe.Paper, "§3", pretraining: false,
            outputDescription: "job folder to write (must not exist or be empty)", runsHere: false);
        var engine = new Option<string>("--engine")
        {
            Description = "accelerate-fsdp, accelerate-ddp, torchrun-ddp or single", Required = true,
        };
        var nodes = new Option<int>("--nodes") { Description = "machines", DefaultValueFactory = _ => 1 };
        var gpus = new Option<int>("--gpus-per-node") { Description = "processes per machine (GPUs; gloo processes on CPU)", DefaultValueFactory = _ => 1 };
        var precision = new Option<string?>("--precision") { Description = "fp32 or bf16-mixed (default: from --dtype / the recipe)" };
        var checkpointing = new Option<bool>("--gradient-checkpointing") { Description = "recompute activations in backward (less memory)" };
        var micro = new Option<int?>("--micro-batch-size") { Description = "sequences per forward/backward on one device (default: per-device batch ∧ the recipe's micro-batch)" };
        var reference = new Option<bool>("--no-copy-model") { Description = "record the model folder's absolute path instead of copying it into the job" };
        var command = new Command("export-job",
            "Write a PyTorch DDP/FSDP job (torchrun or Accelerate) that trains the same recipe on the same token ids; take it back with import-run.");
        recipe.AddTo(command);
        command.Add(engine);
        command.Add(nodes);
        command.Add(gpus);
        command.Add(precision);
        command.Add(checkpointing);
        command.Add(micro);
        command.Add(reference);
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var asked = parse.GetValue(precision) is { } p ? ScaleOutPrecisions.Parse(p) : (ScaleOutPrecision?)null;
            var r = recipe.Recipe(parse);
            if (asked is { } a && recipe.DTypeGiven(parse) && a.RecipeDType() != r.DType)
            {
                throw new ArgumentException($"--precision {a.Name()} contradicts --dtype {r.DType}");
            }

            if (asked is { } chosen)
            {
                r = r with { DType = chosen.RecipeDType() };
            }

            var request = new JobExportRequest(recipe.ModelDirectory(parse), recipe.DataPath(parse), r,
                ScaleOutEngines.Parse(parse.GetValue(engine)!), recipe.OutputDirectory(parse), parse.GetValue(nodes), parse.GetValue(gpus),
                asked, parse.GetValue(checkpointing), parse.GetValue(micro), recipe.TextField(parse), !parse.GetValue(reference));
            var job = JobExporter.Export(request, new Progress<string>(line => Console.Error.WriteLine(line)));
            var plan = MemoryPlan.Estimate(job.Model, job.WorldSize, job.Engine.Shards(), job.MicroBatchSize, job.Data.SequenceLength,
                job.Precision, job.GradientCheckpointing);
            Console.WriteLine($"Job {job.JobId[..12]} → {Path.GetFullPath(request.OutputDirectory)}");
            Console.WriteLine($"  {job.Engine.Name()}: {job.Nodes} node(s) × {job.ProcessesPerNode} = world size {job.WorldSize}; batch {job.GlobalBatchSize} = " +
                              $"{job.PerDeviceBatchSize} per process in micro-batches of {job.MicroBatchSize}; {job.Precision.Name()}");
            Console.WriteLine($"  {job.Data.TrainingSamples} training + {job.Data.ValidationSequences} validation sequences of {job.Data.SequenceLength} ids; {job.Schedule.TotalUpdates} updates");
            Console.WriteLine($"  memory per device ≈ {JobReadme.Size(plan.TotalBytes)} (see README.md); run: {Path.Combine(request.OutputDirectory, JobFiles.Launch)}");
            return 0;
        }));
        return command;
    }
}
