using Hyperfit.Generation;
using Hyperfit.Models;

namespace Hyperfit.Images;

/// <summary>Greedy image completion (§7.1, Appendix B.1): the model receives the first rows of each image (after the
/// start token in that layout) and generates every remaining pixel; one KV-cached batched decode per batch.</summary>
public static class ImageCompletion
{
    /// <summary>The paper's context: the first 25% of the rows (8 of 32), at least one.</summary>
    public static int DefaultContextRows(int height) => Math.Max(1, height / 4);

    /// <param name="images">Cluster ids of each whole image (H·W, no start token).</param>
    /// <param name="progress">Called with the number of images completed so far.</param>
    /// <returns>Each image's H·W ids: its context rows followed by the generated pixels.</returns>
    public static IReadOnlyList<int[]> Complete(CausalLM model, IReadOnlyList<int[]> images, int width, int contextRows,
        ImageSequenceLayout layout, int batchSize = 16, Action<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextRows, 1);
        var pixels = images.Count == 0 ? 0 : images[0].Length;
        if (images.Any(i => i.Length != pixels) || pixels % width != 0 || contextRows * width >= pixels)
        {
            throw new ArgumentException($"images must all have {pixels} ids in whole rows of {width}, more than the {contextRows} context rows", nameof(images));
        }

        var start = model.Config is Models.ImageGPT.ImageGPTConfig c ? c.StartTokenId : model.Config.VocabSize - 1;
        var contextLength = contextRows * width;
        var generator = new TextGenerator(model, new GenerationConfig { MaxNewTokens = pixels - contextLength });
        var completed = new List<int[]>(images.Count);
        model.eval();
        for (var b = 0; b < images.Count; b += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = images.Skip(b).Take(batchSize).ToArray();
            var contexts = batch.Select(ids => layout == ImageSequenceLayout.StartToken
                ? (IReadOnlyList<int>)[start, .. ids[..contextLength]]
                : ids[..contextLength]).ToArray();
            var results = generator.Generate(contexts);
            for (var i = 0; i < batch.Length; i++)
            {
                completed.Add([.. batch[i][..contextLength], .. results[i].TokenIds]);
            }

            progress?.Invoke(completed.Count);
        }

        return completed;
    }
}
