using Hyperfit.Tests.Models;
using Hyperfit.Generation;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Generation;

public sealed class TextGeneratorTests
{
    private static int[] Ids(params int[] ids) => ids;

    private static readonly IReadOnlyList<int>[] Contexts = [Ids(5, 17, 3), Ids(60, 2, 41, 9, 33, 8, 1), Ids(22, 70, 13, 90, 4)];

    [Fact]
    public void Should_pick_the_argmax_of_a_full_forward_at_every_greedy_step()
    {
        // Given a tiny Llama and a context
        using var model = GenerationModels.TinyLlama();
        var context = Contexts[1];

        // When it generates 16 tokens greedily with the KV cache
        var result = new TextGenerator(model, new GenerationConfig { MaxNewTokens = 16 }).Generate([context])[0];

        // Then every token is the argmax of the last logits of an uncached forward over the text so far
        var text = context.ToList();
        using var _ = inference_mode();
        for (var i = 0; i < 16; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(text.Select(t => (long)t).ToArray(), [1, text.Count]));
            var expected = (int)logits[0, -1].argmax().item<long>();
            Assert.Equal(expected, result.TokenIds[i]);
            text.Add(expected);
        }
    }

    [Theory]
    [InlineData(DecodingStrategy.Greedy)]
    [InlineData(DecodingStrategy.Sample)]
    public void Should_generate_the_same_tokens_with_and_without_the_kv_cache(DecodingStrategy strategy)
    {
        // Given a tiny Llama, a batch of contexts of different lengths, and a seeded config
        using var model = GenerationModels.TinyLlama();
        var config = new GenerationConfig { Strategy = strategy, MaxNewTokens = 20, Seed = 9, Temperature = 1.0 };

        // When it generates with and without the cache
        var cached = new TextGenerator(model, config).Generate(Contexts);
        var uncached = new TextGenerator(model, config) { UseCache = false }.Generate(Contexts);

        // Then every row agrees
        for (var r = 0; r < Contexts.Length; r++)
        {
            Assert.Equal(uncached[r].TokenIds, cached[r].TokenIds);
        }
    }

    [Fact]
    public void Should_give_left_padded_batched_rows_the_tokens_of_one_by_one_generation()
    {
        // Given a tiny Llama and three contexts of lengths 3, 7 and 5
        using var model = GenerationModels.TinyLlama();
        var generator = new TextGenerator(model, new GenerationConfig { MaxNewTokens = 20 });

        // When they are generated as one left-padded batch and one at a time
        var batched = generator.Generate(Contexts);
        var alone = Contexts.Select(c => generator.Generate([c])[0]).ToArray();

        // Then each row equals its solo run
        for (var r = 0; r < Contexts.Length; r++)
        {
            Assert.Equal(20, batched[r].TokenIds.Length);
            Assert.Equal(alone[r].TokenIds, batched[r].TokenIds);
        }
    }

    [Fact]
    public void Should_reproduce_a_sampled_run_for_a_seed_and_differ_across_seeds()
    {
        // Given a tiny Llama and pure sampling (temperature 1, no top-k/top-p)
        using var model = GenerationModels.TinyLlama(ScalarType.Float32);
        GenerationConfig Config(long seed) => new() { Strategy = DecodingStrategy.Sample, MaxNewTokens = 24, Temperature = 1.0, TopK = 0, TopP = 1.0, Seed = seed };

        // When it samples twice with seed 1 and once with seed 2
        var first = new TextGenerator(model, Config(1)).Generate(Contexts);
        var again = new TextGenerator(model, Config(1)).Generate(Contexts);
        var other = new TextGenerator(model, Config(2)).Generate(Contexts);

        // Then the same seed gives the same tokens and another seed different ones
        Assert.Equal(first.Select(r => r.TokenIds), again.Select(r => r.TokenIds));
        Assert.NotEqual(first.Select(r => r.TokenIds), other.Select(r => r.TokenIds));
    }

    [Fact]
    public void Should_stop_a_row_at_eos_and_let_the_others_continue()
    {
        // Given a reciting model (each token is followed by id + 1) and EOS = 15
        using var model = FixedLogitsLM.Reciting(97);
        var config = new GenerationConfig { MaxNewTokens = 10, StopAtEos = true };
        var streamed = new List<(int Row, int Token)>();

        // When rows starting at 10 and 20 are generated together
        var results = new TextGenerator(model, config, padTokenId: 0, eosTokenIds: [15])
            .Generate([Ids(10), Ids(20)], (row, token) => streamed.Add((row, token)));

        // Then row 0 ends with EOS after 5 tokens, row 1 runs all 10, and the stream saw exactly those tokens
        Assert.Equal([11, 12, 13, 14, 15], results[0].TokenIds);
        Assert.True(results[0].StoppedAtEos);
        Assert.Equal(Enumerable.Range(21, 10), results[1].TokenIds);
        Assert.False(results[1].StoppedAtEos);
        Assert.Equal(results[0].TokenIds, streamed.Where(s => s.Row == 0).Select(s => s.Token));
        Assert.Equal(15, streamed.Count);
    }

    [Fact]
    public void Should_apply_no_repeat_ngram_and_repetition_penalty_during_generation()
    {
        // Given a reciting model from 10 with a 2-token vocabulary cycle forced by no-repeat-ngram
        using var model = FixedLogitsLM.Reciting(97);
        var noRepeat = new GenerationConfig { MaxNewTokens = 30, NoRepeatNgramSize = 2 };

        // When it generates from a context that already contains the bigram (10, 11)
        var result = new TextGenerator(model, noRepeat).Generate([Ids(10, 11, 5, 10)])[0];

        // Then 11 is not produced after 10 again: the second choice (7·10 + 3 = 73) is taken
        Assert.Equal(73, result.TokenIds[0]);
        var text = Ids(10, 11, 5, 10).Concat(result.TokenIds).ToArray();
        var bigrams = Enumerable.Range(0, text.Length - 1).Select(i => (text[i], text[i + 1])).ToList();
        Assert.Equal(bigrams.Count, bigrams.Distinct().Count());
    }

    [Fact]
    public void Should_reject_contexts_that_exceed_the_models_positions()
    {
        // Given the tiny Llama (128 positions)
        using var model = GenerationModels.TinyLlama();
        var generator = new TextGenerator(model, new GenerationConfig { MaxNewTokens = 100 });

        // When a 40-token context asks for 100 new tokens, or a context is empty
        var tooLong = Assert.Throws<ArgumentException>(() => generator.Generate([Enumerable.Range(1, 40).ToArray()]));
        var empty = Assert.Throws<ArgumentException>(() => generator.Generate([Array.Empty<int>()]));

        // Then both fail before generating, naming the problem
        Assert.Contains("max positions (128)", tooLong.Message, StringComparison.Ordinal);
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_decode_on_the_requested_threads_and_restore_the_callers_count()
    {
        // Given a caller running torch on 2 threads and a generator that decodes on 1
        using var model = GenerationModels.TinyLlama();
        var config = new GenerationConfig { MaxNewTokens = 6 };
        var expected = new TextGenerator(model, config) { UseCache = false }.Generate(Contexts);
        var callerThreads = get_num_threads();
        set_num_threads(2);
        try
        {
            var seen = new List<int>();

            // When it generates, recording the thread count whenever row 0 gets a token
            var result = new TextGenerator(model, config) { DecodeThreads = 1 }.Generate(Contexts, (row, _) =>
            {
                if (row == 0)
                {
                    seen.Add(get_num_threads());
                }
            });

            // Then the prefill ran on the caller's 2 threads, every decode step on 1, the count is back to 2
            // afterwards, and the tokens equal the uncached run's
            Assert.Equal([2, 1, 1, 1, 1, 1], seen);
            Assert.Equal(2, get_num_threads());
            for (var r = 0; r < Contexts.Length; r++)
            {
                Assert.Equal(expected[r].TokenIds, result[r].TokenIds);
            }
        }
        finally
        {
            set_num_threads(callerThreads);
        }
    }

    [Fact]
    public void Should_restore_the_callers_thread_count_when_generation_fails()
    {
        // Given a caller on 2 threads and a streaming callback that throws during a decode step
        using var model = GenerationModels.TinyLlama();
        var callerThreads = get_num_threads();
        set_num_threads(2);
        try
        {
            var generator = new TextGenerator(model, new GenerationConfig { MaxNewTokens = 6 }) { DecodeThreads = 1 };

            // When generation throws on its third token
            var calls = 0;
            Assert.Throws<InvalidOperationException>(() => generator.Generate([Contexts[0]], (_, _) =>
            {
                if (++calls == 3)
                {
                    throw new InvalidOperationException("stop");
                }
            }));

            // Then the caller's count is back
            Assert.Equal(2, get_num_threads());
        }
        finally
        {
            set_num_threads(callerThreads);
        }
    }

    [Fact]
    public void Should_generate_the_same_tokens_with_either_weight_layout_and_leave_the_weights_contiguous()
    {
        // Given a tiny Llama
        using var model = GenerationModels.TinyLlama();
        var config = new GenerationConfig { MaxNewTokens = 12 };

        // When it generates with column-major linear weights (the default) and without
        var relaid = new TextGenerator(model, config).Generate(Contexts);
        var plain = new TextGenerator(model, config) { InferenceLayout = false }.Generate(Contexts);

        // Then the tokens agree and every parameter is back to contiguous storage
        for (var r = 0; r < Contexts.Length; r++)
        {
            Assert.Equal(plain[r].TokenIds, relaid[r].TokenIds);
        }

        Assert.All(model.parameters(), p => Assert.True(p.is_contiguous()));
    }

    [Fact]
    public void Should_reject_fewer_than_one_decode_thread()
    {
        // Given a model
        using var model = GenerationModels.TinyLlama();

        // When a generator is asked to decode on 0 threads
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TextGenerator(model, new GenerationConfig()) { DecodeThreads = 0 });

        // Then it says what is wrong
        Assert.Contains("decode threads", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_keep_the_live_tensor_count_flat_over_many_steps()
    {
        // Given a tiny Llama and a generator with the KV cache
        using var model = GenerationModels.TinyLlama(ScalarType.Float32);
        var generator = new TextGenerator(model, new GenerationConfig { MaxNewTokens = 60 });
        var live = new List<long>();

        // When 60 tokens are generated, recording the live tensor count at every streamed token
        DisposeScopeManager.Statistics.Reset();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        generator.Generate(Contexts, (row, _) =>
        {
            if (row == 0)
            {
                live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            }
        });
        var after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        // Then the count is the same at every decode step and nothing is left behind
        Assert.Single(live.Skip(2).Distinct());
        Assert.Equal(before, after);
    }
}
