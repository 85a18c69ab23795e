using System.Diagnostics;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Models;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.Training;

/// <summary>A tiny model folder (byte-level BPE tokenizer + 2-layer Llama), a JSONL corpus, and a way to run the
/// real <c>hyperfit</c> CLI as a separate process.</summary>
public sealed class CliTrainingFixture : IDisposable
{
    private static readonly string[] Words =
    [
        "the", "cat", "sat", "on", "a", "mat", "while", "dog", "ran", "far", "away", "from", "old", "house", "near",
        "river", "bank", "under", "bright", "moon", "and", "small", "bird", "sang", "song", "of", "green", "hills",
    ];

    public CliTrainingFixture()
    {
        Root = Directory.CreateTempSubdirectory("hyperfit-cli-train-").FullName;
        var random = new Random(11);
        var documents = Enumerable.Range(0, 48)
            .Select(_ => string.Join(' ', Enumerable.Range(0, 40).Select(_ => Words[random.Next(Words.Length)])))
            .ToList();
        DataPath = Path.Combine(Root, "data.jsonl");
        File.WriteAllLines(DataPath, documents.Select(d => new JsonObject { ["body"] = d }.ToJsonString()));

        var tokenizerDir = Path.Combine(Root, "tokenizer");
        Directory.CreateDirectory(tokenizerDir);
        var tokenizer = ByteLevelBpeTrainer.Train(documents, 300, ["<|endoftext|>"]);
        tokenizer.WriteTokenizerJson(Path.Combine(tokenizerDir, "tokenizer.json"));
        TokenizerConfigWriter.Write(tokenizerDir, "<|endoftext|>", "<|endoftext|>", addBosToken: false, modelMaxLength: 128);
        ModelDir = Path.Combine(Root, "model");
        ModelFactory.CreateRandom(new ModelBlueprint("llama", HfTokenizer.Load(tokenizerDir).VocabSize, 32, 2, 4, 4, 64, 128), tokenizerDir, ModelDir, seed: 3);
    }

    public string Root { get; }

    public string ModelDir { get; }

    public string DataPath { get; }

    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "Hyperfit.Cli.dll");

    /// <summary>Starts <c>dotnet Hyperfit.Cli.dll args…</c> with single-threaded torch (the shared test machine).</summary>
    public static Process Start(params string[] args) => Start(null, args);

    /// <summary>As <see cref="Start(string[])"/>, with extra environment variables.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info)!;
    }

    /// <summary>Runs to the end; returns exit code and stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hyperfit {string.Join(' ', args)} did not finish");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
