using System.Globalization;
using Hyperfit.Generation;
using Hyperfit.Models;
using Hyperfit.Tokenization;
using static TorchSharp.torch;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>Turns prompts into answers for one model in one scoring mode: fits each prompt to the context by lowering
/// the number of shots (the official rule: k − 1 while too long; skipped when even 0 shots do not fit), tokenizes as the
/// mode's reference does, and scores batches (<see cref="ChoiceScorer"/>) or generates (<see cref="TextGenerator"/>).</summary>
internal sealed class DownstreamEngine
{
    private readonly CausalLM _model;
    private readonly HfTokenizer _tokenizer;
    private readonly int _batchTokens;
    private readonly Dictionary<string, int> _letterIds = new(StringComparer.Ordinal);

    public DownstreamEngine(CausalLM model, HfTokenizer tokenizer, DownstreamScoring scoring, int maxLength, int batchTokens, int generateTokens)
    {
        _model = model;
        _tokenizer = tokenizer;
        Scoring = scoring;
        MaxLength = maxLength;
        _batchTokens = batchTokens;
        GenerateTokens = generateTokens;
    }

    public DownstreamScoring Scoring { get; }

    public int MaxLength { get; }

    public int GenerateTokens { get; }

    /// <summary>The prompt with the most shots ≤ <paramref name="shots"/> that fits, or null when none does.</summary>
    /// <param name="promptFor">The prompt with k shots.</param>
    /// <param name="choices">Answer texts: letters (official), the words after the target delimiter (harness).</param>
    public PreparedQuestion? Prepare(Func<int, string> promptFor, int shots, IReadOnlyList<string> choices, bool scoreContext)
    {
        for (var k = shots; k >= 0; k--)
        {
            var prompt = promptFor(k);
            int[] context;
            int[][] continuations;
            int fed;
            switch (Scoring)
            {
                case DownstreamScoring.Official:
                    context = [.. _tokenizer.Encode(prompt)];
                    continuations = [.. choices.Select(c => new[] { LetterId(c) })];
                    fed = context.Length;
                    break;
                case DownstreamScoring.Harness:
                    (context, continuations) = ContinuationEncoding.Encode(_tokenizer, prompt, [.. choices.Select(c => " " + c)]);
                    fed = context.Length + continuations.Max(c => c.Length) - 1;
                    break;
                default:
                    context = [.. _tokenizer.Encode(prompt)];
                    continuations = [];
                    fed = context.Length + GenerateTokens;
                    break;
            }

            if (fed <= MaxLength && context.Length > 0)
            {
                return new PreparedQuestion(k, prompt, context, choices, continuations, scoreContext);
            }
        }

        return null;
    }

    private int LetterId(string letter)
    {
        if (!_letterIds.TryGetValue(letter, out var id))
        {
            id = ContinuationEncoding.LastIdOf(_tokenizer, letter);
            _letterIds[letter] = id;
        }

        return id;
    }

    /// <summary>Answers every question (in input order).</summary>
    public IReadOnlyList<QuestionAnswer> Answer(IReadOnlyList<PreparedQuestion> questions, Action<int> onDone, CancellationToken cancellation)
    {
        if (questions.Count == 0)
        {
            return [];
        }

        return Scoring == DownstreamScoring.Generate
            ? Generate(questions, onDone, cancellation)
            : ScoreChoices(questions, onDone, cancellation);
    }

    private QuestionAnswer[] ScoreChoices(IReadOnlyList<PreparedQuestion> questions, Action<int> onDone, CancellationToken cancellation)
    {
        var requests = questions.Select(q => new ChoiceRequest(q.ContextIds, q.Continuations, q.ScoreContext)).ToArray();
        var scores = ChoiceScorer.Score(_model, requests, _batchTokens, onDone, cancellation);
        var answers = new QuestionAnswer[questions.Count];
        for (var i = 0; i < questions.Count; i++)
        {
            var ll = scores[i].LogLikelihoods;
            var predicted = ArgMax(ll);
            int? norm = null;
            if (Scoring == DownstreamScoring.Harness)
            {
                // acc_norm: log-likelihood divided by the answer's length in characters (without the leading space).
                var texts = questions[i].Choices;
                norm = ArgMax([.. Enumerable.Range(0, texts.Count).Select(c => ll[c] / texts[c].Length)]);
            }

            answers[i] = new QuestionAnswer(predicted, norm, ll, null, scores[i].ContextLogProbs);
        }

        return answers;
    }

    private QuestionAnswer[] Generate(IReadOnlyList<PreparedQuestion> questions, Action<int> onDone, CancellationToken cancellation)
    {
        var answers = new QuestionAnswer[questions.Count];
        // Table 7's prompt perplexity needs the prompts' own log-probabilities: one scoring pass without answers.
        var contextScores = questions.Any(q => q.ScoreContext)
            ? ChoiceScorer.Score(_model, [.. questions.Select(q => new ChoiceRequest(q.ContextIds, [], q.ScoreContext))], _batchTokens, cancellation: cancellation)
            : null;
        var generator = new TextGenerator(_model, new GenerationConfig { Strategy = DecodingStrategy.Greedy, MaxNewTokens = GenerateTokens, StopAtEos = true },
            padTokenId: _tokenizer.PadTokenId ?? _tokenizer.EosTokenId ?? 0, eosTokenIds: _tokenizer.EosTokenIds);
        var order = Enumerable.Range(0, questions.Count).OrderByDescending(i => questions[i].ContextIds.Length).ToArray();
        var start = 0;
        while (start < order.Length)
        {
            cancellation.ThrowIfCancellationRequested();
            var longest = questions[order[start]].ContextIds.Length + GenerateTokens;
            var rows = 1;
            while (start + rows < order.Length && (long)(rows + 1) * longest <= _batchTokens)
            {
                rows++;
            }

            var batch = order.AsSpan(start, rows).ToArray();
            var results = generator.Generate([.. batch.Select(i => (IReadOnlyList<int>)questions[i].ContextIds)]);
            for (var r = 0; r < rows; r++)
            {
                var ids = results[r].TokenIds;
                var text = _tokenizer.Decode(ids, skipSpecialTokens: true);
                var line = AnswerMatcher.FirstLine(text);
                var i = batch[r];
                answers[i] = new QuestionAnswer(AnswerMatcher.Match(line, questions[i].Choices), null, null, line, contextScores?[i].ContextLogProbs);
            }

            start += rows;
            onDone(rows);
        }

        return answers;
    }

    private static int ArgMax(double[] values)
    {
        // First maximum, as numpy's argmax.
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The model's usable context: <paramref name="requested"/> or its max positions.</summary>
    public static int ResolveMaxLength(ModelConfig config, int? requested) =>
        requested is { } max
            ? max <= config.MaxPositions && max >= 1
                ? max
                : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"max length {max} must be between 1 and the model's max positions ({config.MaxPositions})"))
            : config.MaxPositions;
}
