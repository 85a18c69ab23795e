using Hyperfit.Images;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tests.Cli;

namespace Hyperfit.Tests.Images;

/// <summary><c>hyperfit image palette → new-model → encode → decode</c> on a folder of PNGs, and its one-line errors.</summary>
[Collection(ConsoleTests.Name)]
public sealed class ImageCommandTests
{
    [Fact]
    public void Should_fit_a_palette_create_a_model_and_round_trip_images_through_ids()
    {
        // Given six 8 × 8 PNGs
        using var dir = new TempDirectory();
        var images = ImageTinyModel.Images(6);
        for (var i = 0; i < images.Count; i++)
        {
            ImageFiles.WritePng(images[i], dir.File($"pool/{i}.png"));
        }

        // When a 4-cluster palette is fitted, a tiny model made, the images encoded and decoded again
        var palette = CliRunner.Run("image", "palette", "--data", dir.File("pool"), "--clusters", "4", "--out", dir.File("proc"));
        var model = CliRunner.Run("image", "new-model", "--processor", dir.File("proc"), "--preset", "tiny", "--out", dir.File("model"));
        var encode = CliRunner.Run("image", "encode", "--model", dir.File("model"), "--data", dir.File("pool"), "--layout", "start-token", "--out", dir.File("ids.jsonl"));
        var decode = CliRunner.Run("image", "decode", "--model", dir.File("model"), "--ids", dir.File("ids.jsonl"), "--out", dir.File("png"));

        // Then every step succeeds, ids start with the start token (4), and decoding gives the quantised images back
        Assert.True(palette.Code == 0, palette.Error);
        Assert.True(model.Code == 0, model.Error);
        Assert.True(encode.Code == 0, encode.Error);
        Assert.True(decode.Code == 0, decode.Error);
        var ids = ImageIds.ReadJsonl(dir.File("ids.jsonl"));
        Assert.Equal(6, ids.Count);
        Assert.All(ids, s => Assert.Equal((65, 4), (s.Length, s[0])));
        var processor = ImageGptProcessor.Load(dir.File("model"));
        Assert.Equal(processor.Decode(ids[2][1..]).Pixels, ImageFiles.Read(dir.File("png/000002.png")).Pixels);
    }

    [Fact]
    public void Should_say_in_one_line_when_the_data_is_not_images()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("notes.txt"), "hello");

        var (code, _, error) = CliRunner.Run("image", "palette", "--data", dir.File("notes.txt"), "--out", dir.File("proc"));

        Assert.Equal(1, code);
        Assert.StartsWith($"error: {dir.File("notes.txt")}: unknown image data", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir.File("proc")));
    }
}
