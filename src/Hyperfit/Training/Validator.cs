using Hyperfit.Evaluation;
using Hyperfit.Generation;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>Runs one validation pass in evaluation mode without gradients.</summary>
public static class Validator
{
    /// <param name="decode">Ids → text for <c>val_gen_seqs</c>; null writes the ids.</param>
    public static ValidationMetrics Run(CausalLM model, IReadOnlyList<int[]> sequences, HyperfitRecipe recipe,
        Func<IReadOnlyList<int>, string>? decode = null)
    {
        if (sequences.Count == 0)
        {
            return new ValidationMetrics(double.NaN, double.NaN, double.NaN, []);
        }

        var wasTraining = model.training;
        model.eval();
        try
        {
            var device = model.parameters().First().device;
            double lossSum = 0, entropySum = 0;
            using (inference_mode())
            {
                for (var start = 0; start < sequences.Count; start += recipe.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var rows = sequences.Skip(start).Take(recipe.BatchSize).ToArray();
                    var ids = tensor(rows.SelectMany(r => r.Select(id => (long)id)).ToArray(), [rows.Length, rows[0].Length]).to(device);
                    var logits = model.forward(new CausalLMInput(LanguageModelLoss.ModelInputs(ids, model.Config.MaxPositions))); // (b, T, V) or (b, T − 1, V)
                    lossSum += LanguageModelLoss.NextToken(logits, ids).item<float>() * rows.Length;         // sync point
                    entropySum += LanguageModelLoss.MeanEntropy(logits, ids).item<float>() * rows.Length; // sync point
                }
            }

            var contexts = sequences.Select(s => s[..recipe.TtrContextTokens]).ToArray();
            // Figure 2: greedy continuations of held-out contexts, fixed length.
            var continuations = recipe.TtrGeneratedTokens == 0
                ? contexts.Select(_ => Array.Empty<int>()).ToArray()
                : new TextGenerator(model, new GenerationConfig { MaxNewTokens = recipe.TtrGeneratedTokens })
                    .Generate(contexts).Select(r => r.TokenIds).ToArray();
            var ttr = recipe.TtrGeneratedTokens == 0
                ? double.NaN
                : TypeTokenRatio.Mean(continuations, TypeTokenRatio.DefaultWindow); // TTR over the last 96 tokens
            var texts = continuations.Select(c => decode is null ? string.Join(' ', c) : decode(c)).ToArray();
            return new ValidationMetrics(lossSum / sequences.Count, entropySum / sequences.Count, ttr, texts);
        }
        finally
        {
            if (wasTraining)
            {
                model.train();
            }
        }
    }
}
