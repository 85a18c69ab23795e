using System.CommandLine;
using Hyperfit.Data;
using Hyperfit.Tokenization;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit train-tokenizer</c>: a byte-level BPE tokenizer.json trained on local text.</summary>
public static class TrainTokenizerCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "text (.txt, blank-line separated) or .jsonl files", Required = true, AllowMultipleArgumentsPerToken = true };
        var field = new Option<string>("--text-field") { Description = "JSONL field holding the text", DefaultValueFactory = _ => "text" };
        var vocab = new Option<int>("--vocab-size") { Description = "target vocabulary size, special tokens included", DefaultValueFactory = _ => 4096 };
        var specials = new Option<string[]>("--special-tokens") { Description = "special tokens, the first is BOS-like, the second EOS", DefaultValueFactory = _ => ["<|endoftext|>"], AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "output folder (tokenizer.json, tokenizer_config.json)", Required = true };
        var command = new Command("train-tokenizer", "Train a byte-level BPE tokenizer (GPT-2 style tokenizer.json).") { data, field, vocab, specials, output };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var files = parse.GetValue(data)!;
            var texts = files.SelectMany(f => DatasetReader.ReadTexts(f, parse.GetValue(field)!)).ToList();
            if (texts.Count == 0)
            {
                throw new ArgumentException($"--data {string.Join(" ", files)}: no text found");
            }

            var result = ByteLevelBpeTrainer.Train(texts, parse.GetValue(vocab), parse.GetValue(specials)!);
            var outDir = parse.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            result.WriteTokenizerJson(Path.Combine(outDir, "tokenizer.json"));
            var special = parse.GetValue(specials)!;
            TokenizerConfigWriter.Write(outDir, special[0], special.Length > 1 ? special[1] : special[0], addBosToken: false, modelMaxLength: 1024);
            AnsiConsole.MarkupLine($"Trained {result.Vocab.Count} tokens ({result.Merges.Count} merges) on {texts.Count} documents → {Markup.Escape(outDir)}");
            return 0;
        }));
        return command;
    }
}
