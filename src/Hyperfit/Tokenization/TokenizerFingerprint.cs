using System.Security.Cryptography;

namespace Hyperfit.Tokenization;

/// <summary>
/// A short identity of a model folder's tokenizer: the first 16 hex digits of SHA-256 over its vocabulary files
/// (<c>tokenizer.json</c>, else <c>vocab.json</c> + <c>merges.txt</c>, else <c>tokenizer.model</c>). Generation output
/// carries it (field <c>tokenizer</c>) so that <c>evaluate</c> can tell token ids of different tokenizers apart.
/// </summary>
public static class TokenizerFingerprint
{
    private static readonly string[][] Candidates = [["tokenizer.json"], ["vocab.json", "merges.txt"], ["tokenizer.model"]];

    /// <summary>The fingerprint, or null when the folder has none of the vocabulary files.</summary>
    public static string? Compute(string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        foreach (var files in Candidates)
        {
            var paths = files.Select(f => Path.Combine(modelDirectory, f)).ToArray();
            if (!paths.All(File.Exists))
            {
                continue;
            }

            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var path in paths)
            {
                sha.AppendData(File.ReadAllBytes(path));
            }

            return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
        }

        return null;
    }
}
