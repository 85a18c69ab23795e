using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models;

public sealed class MemoryTests
{
    [Fact]
    public void Should_not_leave_live_tensors_behind_across_forward_steps()
    {
        // Given a tiny model and a cache-driven decode loop in the STYLE.md pattern
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.LlamaGqaTiedLlama3()), ModelOptions.Default);
        model.eval();
        using var inference = inference_mode();
        using var cache = model.CreateKvCache(capacity: 64);

        long LiveAfter(int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                using var ids = tensor(new long[] { i % 50 }, [1, 1]);
                var logits = model.forward(new CausalLMInput(ids, Cache: cache));
                _ = logits.argmax(-1).item<long>(); // sync point
            }

            return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }

        // When it runs 5 steps, then 40 more
        var after5 = LiveAfter(5);
        var after45 = LiveAfter(40);

        // Then the number of live tensors does not grow with the number of steps
        Assert.Equal(after5, after45);
    }
}
