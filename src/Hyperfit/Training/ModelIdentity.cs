using System.Security.Cryptography;

namespace Hyperfit.Training;

/// <summary>A model folder's identity for resuming: SHA-256 over config.json, every weight file (safetensors, or
/// PyTorch .bin) and an image model's preprocessor_config.json (its palette), in name order.</summary>
public static class ModelIdentity
{
    public static string Hash(string modelDirectory)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.GetFiles(modelDirectory)
            .Where(f => Path.GetFileName(f) is "config.json" or "preprocessor_config.json"
                        || f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".bin", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            using var stream = File.OpenRead(file);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                sha.AppendData(buffer.AsSpan(0, read));
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
