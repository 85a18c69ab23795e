using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hyperfit.Inspection;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit inspect --model DIR</c>: architecture, sizes, dtypes, tokenizer and a sample tokenization.</summary>
public static class InspectCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var text = new Option<string>("--text") { Description = "sample string to tokenize", DefaultValueFactory = _ => ModelInspector.DefaultSample };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var command = new Command("inspect", "Load a Hugging Face model folder completely and describe it.") { model, device, dtype, text, json };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var report = ModelInspector.Inspect(parse.GetValue(model)!, CommonOptions.ModelOptionsFrom(parse, device, dtype), parse.GetValue(text));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Indented));
            }
            else
            {
                Print(report);
            }

            return 0;
        }));
        return command;
    }

    private static void Print(ModelReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Property").AddColumn("Value");
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("Folder", r.Directory);
        Row("Architecture", r.Architecture);
        Row("Parameters", r.ParameterCount.ToString("N0", c));
        Row("Layers / hidden / max positions", $"{r.Layers} / {r.HiddenSize} / {r.MaxPositions}");
        Row("Stored dtypes (elements)", string.Join(", ", r.StoredDTypes.Select(kv => $"{kv.Key}: {kv.Value.ToString("N0", c)}")));
        Row("Compute dtype", r.ComputeDType);
        Row("Weight files", $"{string.Join(", ", r.WeightFiles)} ({r.WeightBytes / 1e6:F1} MB)");
        Row("Tied embeddings", r.TiedEmbeddings ? "yes" : "no");
        if (r.TokenizerKind is null)
        {
            Row("Vocabulary (model)", r.ModelVocabSize.ToString(c));
            Row("Tokenizer", "none in this folder (weights and config only; commands that need text need a tokenizer folder)");
            AnsiConsole.Write(table);
            return;
        }

        Row("Vocabulary (model / tokenizer)", $"{r.ModelVocabSize} / {r.TokenizerVocabSize}");
        Row("Tokenizer", r.TokenizerKind);
        Row("Special tokens", string.Join(", ", r.SpecialTokens!.OrderBy(kv => kv.Value).Select(kv => $"{kv.Key}={kv.Value}")));
        Row("BOS / EOS", $"{(r.BosTokenId?.ToString(c) ?? "none")} (added: {(r.AddBosToken == true ? "yes" : "no")}) / {string.Join(", ", r.EosTokenIds!)}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[bold]Sample[/] {Markup.Escape(r.SampleText ?? "")}");
        AnsiConsole.MarkupLine($"[bold]{r.SampleIds!.Count} tokens[/] {Markup.Escape(string.Join(" ", r.SampleTokens!.Select(t => $"[{t}]")))}");
        AnsiConsole.MarkupLine($"[bold]Ids[/] {string.Join(" ", r.SampleIds)}");
        AnsiConsole.MarkupLine($"[bold]Decoded[/] {Markup.Escape(r.SampleDecoded ?? "")}");
    }
}
