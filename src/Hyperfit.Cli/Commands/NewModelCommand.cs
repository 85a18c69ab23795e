using System.CommandLine;
using Hyperfit.Checkpoints;
using Hyperfit.Models;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit new-model</c>: a freshly initialised model in Hugging Face layout (for pre-training or tests).</summary>
public static class NewModelCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = "llama, qwen2 or gpt2", DefaultValueFactory = _ => "llama" };
        var preset = new Option<string>("--preset") { Description = "tiny, small or base", DefaultValueFactory = _ => "small" };
        var tokenizer = new Option<string>("--tokenizer") { Description = "folder holding the tokenizer files to use", Required = true };
        var vocab = new Option<int?>("--vocab-size") { Description = "model vocabulary (default: the tokenizer's size)" };
        var tie = new Option<bool>("--tie-embeddings") { Description = "share the input embedding with the output head" };
        var seed = new Option<long>("--seed") { Description = "initialisation seed", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "output folder", Required = true };
        var hidden = new Option<int?>("--hidden-size") { Description = "override the preset's hidden size" };
        var layers = new Option<int?>("--layers") { Description = "override the preset's layer count" };
        var heads = new Option<int?>("--heads") { Description = "override the preset's attention heads (and kv heads)" };
        var kvHeads = new Option<int?>("--kv-heads") { Description = "key/value heads (grouped-query attention)" };
        var intermediate = new Option<int?>("--intermediate-size") { Description = "override the preset's MLP width" };
        var command = new Command("new-model", "Create a randomly initialised model (Hugging Face layout) around an existing tokenizer.")
        {
            arch, preset, tokenizer, vocab, tie, seed, output, hidden, layers, heads, kvHeads, intermediate,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var tokenizerDir = parse.GetValue(tokenizer)!;
            var size = parse.GetValue(vocab) ?? ModelFactory.VocabSizeFor(tokenizerDir);
            var basis = ModelBlueprint.Preset(parse.GetValue(preset)!, parse.GetValue(arch)!, size);
            var headCount = parse.GetValue(heads) ?? basis.Heads;
            var blueprint = basis with
            {
                TieWordEmbeddings = parse.GetValue(tie),
                HiddenSize = parse.GetValue(hidden) ?? basis.HiddenSize,
                Layers = parse.GetValue(layers) ?? basis.Layers,
                Heads = headCount,
                KeyValueHeads = parse.GetValue(kvHeads) ?? (parse.GetValue(heads) is null ? basis.KeyValueHeads : headCount),
                IntermediateSize = parse.GetValue(intermediate) ?? basis.IntermediateSize,
            };
            ModelFactory.CreateRandom(blueprint, tokenizerDir, parse.GetValue(output)!, parse.GetValue(seed));
            AnsiConsole.MarkupLine($"Wrote {Markup.Escape(parse.GetValue(output)!)}");
            return 0;
        }));
        return command;
    }
}
