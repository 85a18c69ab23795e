using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Hyperfit.Tokenization;

/// <summary>A tokenizer loaded from a Hugging Face model folder. Sources, in priority order: tokenizer.json
/// (byte-level BPE or BPE with byte fallback), tokenizer.model (SentencePiece, via Microsoft.ML.Tokenizers),
/// vocab.json + merges.txt (GPT-2 byte-level BPE). Special tokens come from tokenizer_config.json,
/// special_tokens_map.json and generation_config.json. See docs/tokenizers.md.</summary>
public sealed class HfTokenizer
{
    private readonly ITokenizerCore _core;
    private readonly string?[] _idToToken;
    private readonly Dictionary<string, int> _tokenToId;
    private readonly Dictionary<char, AddedToken[]> _addedByFirstChar;
    private readonly HashSet<int> _specialIds;
    private readonly bool[] _startsWord;
    private readonly int[] _prefix;
    private readonly int[] _suffix;

    private HfTokenizer(string kind, ITokenizerCore core, List<AddedToken> added, Settings settings, bool byteLevel)
    {
        Kind = kind;
        _core = core;
        _tokenToId = new Dictionary<string, int>(core.Vocabulary, StringComparer.Ordinal);
        foreach (var token in added)
        {
            _tokenToId.TryAdd(token.Content, token.Id);
        }

        var maxId = _tokenToId.Count == 0 ? -1 : _tokenToId.Values.Max();
        _idToToken = new string?[maxId + 1];
        foreach (var (token, id) in core.Vocabulary)
        {
            _idToToken[id] ??= token;
        }

        foreach (var token in added)
        {
            _idToToken[token.Id] ??= token.Content;
        }

        VocabSize = maxId + 1;

        int? Lookup(string? token) => token is not null && _tokenToId.TryGetValue(token, out var id) ? id : null;
        BosTokenId = Lookup(settings.BosToken) ?? settings.FallbackBosId;
        UnkTokenId = Lookup(settings.UnkToken) ?? settings.FallbackUnkId;
        PadTokenId = Lookup(settings.PadToken) ?? settings.FallbackPadId;
        var eos = Lookup(settings.EosToken) ?? settings.FallbackEosId;
        var eosIds = new List<int>();
        foreach (var id in settings.GenerationEosIds.Prepend(eos ?? -1))
        {
            if (id >= 0 && !eosIds.Contains(id))
            {
                eosIds.Add(id);
            }
        }

        EosTokenId = eos ?? (eosIds.Count > 0 ? eosIds[0] : null);
        EosTokenIds = eosIds;

        // Named special tokens are split out of text like added tokens (HF registers them as added tokens too).
        var splitTokens = new List<AddedToken>(added);
        foreach (var id in new[] { BosTokenId, EosTokenId, PadTokenId, UnkTokenId }.Concat(eosIds.Cast<int?>()))
        {
            if (id is { } i && i < _idToToken.Length && _idToToken[i] is { } content && !splitTokens.Exists(t => t.Id == i)
                && !(byteLevel && content.Length == 1))
            {
                splitTokens.Add(new AddedToken(i, content, true, false, false, false, false));
            }
        }

        _addedByFirstChar = splitTokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ThenBy(t => t.Id).ToArray());

        _specialIds = [.. splitTokens.Where(t => t.Special).Select(t => t.Id)];
        foreach (var id in settings.ExtraSpecialIds)
        {
            _specialIds.Add(id);
        }

        SpecialTokens = _specialIds.Where(id => id < _idToToken.Length && _idToToken[id] is not null)
            .OrderBy(id => id).ToDictionary(id => _idToToken[id]!, id => id, StringComparer.Ordinal);

        // add_bos_token / add_eos_token in tokenizer_config.json override the post-processor (as LlamaTokenizerFast does).
        var prefix = settings.DefaultPrefix;
        var suffix = settings.DefaultSuffix;
        if (settings.ConfigAddBos is not null || settings.ConfigAddEos is not null)
        {
            var addBos = settings.ConfigAddBos ?? (BosTokenId is { } b && prefix.Contains(b));
            var addEos = settings.ConfigAddEos ?? (EosTokenId is { } e && suffix.Contains(e));
            prefix = addBos && BosTokenId is { } bos ? [bos] : [];
            suffix = addEos && EosTokenId is { } eosId ? [eosId] : [];
        }

        _prefix = prefix;
        _suffix = suffix;
        AddBosToken = BosTokenId is { } bosId2 && _prefix.Contains(bosId2);
        AddEosToken = EosTokenId is { } eosId2 && _suffix.Contains(eosId2);

        var addedIds = splitTokens.Select(t => t.Id).ToHashSet();
        _startsWord = new bool[VocabSize];
        for (var id = 0; id < VocabSize; id++)
        {
            _startsWord[id] = _idToToken[id] is { } token && (addedIds.Contains(id) || _specialIds.Contains(id) || SurfaceStartsWord(token, byteLevel));
        }
    }

    /// <summary>Which loader was used, e.g. "byte-level BPE (tokenizer.json)".</summary>
    public string Kind { get; }

    /// <summary>Highest token id + 1, added tokens included.</summary>
    public int VocabSize { get; }

    public int? BosTokenId { get; }

    public int? EosTokenId { get; }

    /// <summary>All ids that end generation: tokenizer eos first, then generation_config.json's eos_token_id(s).</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    public int? PadTokenId { get; }

    public int? UnkTokenId { get; }

    /// <summary>Whether <see cref="Encode"/> with addSpecialTokens puts BOS first.</summary>
    public bool AddBosToken { get; }

    /// <summary>Whether <see cref="Encode"/> with addSpecialTokens puts EOS last.</summary>
    public bool AddEosToken { get; }

    /// <summary>Special tokens by content: special added tokens plus the named bos/eos/pad/unk tokens.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>Encodes text: added tokens are split out first, the rest goes through the model; with
    /// addSpecialTokens the post-processor's (or config's) BOS/EOS are added.</summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new List<int>(text.Length / 3 + 4);
        if (addSpecialTokens)
        {
            output.AddRange(_prefix);
        }

        var segmentStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (_addedByFirstChar.TryGetValue(text[i], out var candidates) && Match(text, i, segmentStart, candidates) is { } m)
            {
                if (m.Start > segmentStart)
                {
                    _core.EncodeText(text[segmentStart..m.Start], segmentStart == 0, output);
                }

                output.Add(m.Token.Id);
                segmentStart = i = m.End;
                continue;
            }

            i++;
        }

        if (segmentStart < text.Length)
        {
            _core.EncodeText(text[segmentStart..], segmentStart == 0, output);
        }

        if (addSpecialTokens)
        {
            output.AddRange(_suffix);
        }

        return output;
    }

    /// <summary>The context rule (§4): a context is its content ids with the tokenizer's BOS in front when the tokenizer
    /// adds one (so BOS is not counted in the context's length). Generation, a run's prepared contexts and reference
    /// texts all go through here.</summary>
    public int[] PrependBos(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return AddBosToken && BosTokenId is { } bos ? [bos, .. ids] : [.. ids];
    }

    /// <summary>Content ids (from <see cref="Encode"/> without special tokens) with the special tokens that
    /// <see cref="Encode"/> adds around them: <c>AddSpecialTokens(Encode(t, false))</c> equals <c>Encode(t, true)</c>.</summary>
    public int[] AddSpecialTokens(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return [.. _prefix, .. ids, .. _suffix];
    }

    private static (AddedToken Token, int Start, int End)? Match(string text, int i, int segmentStart, AddedToken[] candidates)
    {
        foreach (var token in candidates)
        {
            var end = i + token.Content.Length;
            if (end > text.Length || string.CompareOrdinal(text, i, token.Content, 0, token.Content.Length) != 0)
            {
                continue;
            }

            if (token.SingleWord && ((i > 0 && IsWordChar(text[i - 1])) || (end < text.Length && IsWordChar(text[end]))))
            {
                continue;
            }

            var start = i;
            if (token.LStrip)
            {
                while (start > segmentStart && char.IsWhiteSpace(text[start - 1]))
                {
                    start--;
                }
            }

            if (token.RStrip)
            {
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }
            }

            return (token, start, end);
        }

        return null;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>Decodes ids to text; with skipSpecialTokens, special tokens are left out.</summary>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var kept = new List<int>(ids.Count);
        foreach (var id in ids)
        {
            if (id < 0 || id >= VocabSize || _idToToken[id] is null)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not in the vocabulary (size {VocabSize})");
            }

            if (!(skipSpecialTokens && _specialIds.Contains(id)))
            {
                kept.Add(id);
            }
        }

        return _core.Decode(kept, IdToToken, _specialIds.Contains);
    }

    /// <summary>The vocabulary string of a token (byte-level tokens in GPT-2's table form, e.g. "Ġthe"), or null.</summary>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <summary>The id of a vocabulary string, or null.</summary>
    public int? TokenToId(string token) => token is not null && _tokenToId.TryGetValue(token, out var id) ? id : null;

    /// <summary>True for special tokens (see <see cref="SpecialTokens"/>).</summary>
    public bool IsSpecial(int id) => _specialIds.Contains(id);

    /// <summary>True when the token begins a new word. The rule: the token is an added or special token, or
    /// the first character of its surface text — the token's string with GPT-2 table characters turned back
    /// into bytes (byte-level), '▁' read as a space (SentencePiece/byte fallback), &lt;0xNN&gt; read as that byte
    /// — is whitespace (space 'Ġ'/'▁', newline 'Ċ', tab...) or Unicode punctuation (char.IsPunctuation).
    /// A byte token that is not a whole character (UTF-8 lead or continuation byte) does not start a word.
    /// Out-of-range ids give false. The citation blocker uses it to detect "the current word is complete".</summary>
    public bool StartsWord(int id) => id >= 0 && id < _startsWord.Length && _startsWord[id];

    private static bool SurfaceStartsWord(string token, bool byteLevel)
    {
        char first;
        if (TokenizerJsonPipeline.TryParseByteToken(token, out var single))
        {
            if (single >= 0x80)
            {
                return false;
            }

            first = (char)single;
        }
        else if (byteLevel && ByteLevelAlphabet.TryDecodeBytes(token) is { Length: > 0 } bytes)
        {
            var text = Encoding.UTF8.GetString(bytes);
            first = text[0];
            if (first == '\uFFFD')
            {
                return false;
            }
        }
        else if (token.Length > 0)
        {
            first = token[0] == '▁' ? ' ' : token[0];
        }
        else
        {
            return false;
        }

        return char.IsWhiteSpace(first) || char.IsPunctuation(first);
    }

    /// <summary>Throws a one-line <see cref="TokenizerLoadException"/> when the tokenizer can produce an id the
    /// model has no embedding for. A tokenizer smaller than the model is fine (vocab_size is often padded).</summary>
    public void ValidateAgainstModel(int modelVocabSize, string modelDirectory)
    {
        if (VocabSize > modelVocabSize)
        {
            throw new TokenizerLoadException(string.Create(CultureInfo.InvariantCulture,
                $"{modelDirectory}: tokenizer ({Kind}) has ids up to {VocabSize - 1} but the model's vocab_size is {modelVocabSize}; tokenizer and weights do not match"));
        }
    }

    // ==================================================================== loading

    private sealed class Settings
    {
        public string? BosToken, EosToken, PadToken, UnkToken;
        public int? FallbackBosId, FallbackEosId, FallbackPadId, FallbackUnkId;
        public List<int> GenerationEosIds = [];
        public bool? ConfigAddBos, ConfigAddEos;
        public int[] DefaultPrefix = [], DefaultSuffix = [];
        public List<int> ExtraSpecialIds = [];
    }

    /// <summary>True when the folder holds tokenizer files <see cref="Load"/> reads (tokenizer.json, tokenizer.model,
    /// vocab.json or merges.txt). Many model folders ship weights and config only; commands that need no text work
    /// on those and say that no tokenizer is present.</summary>
    public static bool Exists(string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        return Array.Exists(TokenizerFiles, f => File.Exists(Path.Combine(modelDirectory, f)));
    }

    private static readonly string[] TokenizerFiles = ["tokenizer.json", "tokenizer.model", "vocab.json", "merges.txt"];

    /// <summary>Loads the tokenizer of a Hugging Face model folder.</summary>
    /// <exception cref="TokenizerLoadException">Files are missing, invalid or unsupported (one-line message).</exception>
    public static HfTokenizer Load(string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        if (!Directory.Exists(modelDirectory))
        {
            throw new TokenizerLoadException($"{modelDirectory}: model directory not found");
        }

        using var config = JsonFiles.ParseOptional(modelDirectory, "tokenizer_config.json");
        using var map = JsonFiles.ParseOptional(modelDirectory, "special_tokens_map.json");
        using var generation = JsonFiles.ParseOptional(modelDirectory, "generation_config.json");
        var cfg = config?.RootElement;
        var stm = map?.RootElement;
        var gen = generation?.RootElement;

        var settings = new Settings
        {
            BosToken = JsonFiles.TokenContent(cfg, "bos_token") ?? JsonFiles.TokenContent(stm, "bos_token"),
            EosToken = JsonFiles.TokenContent(cfg, "eos_token") ?? JsonFiles.TokenContent(stm, "eos_token"),
            PadToken = JsonFiles.TokenContent(cfg, "pad_token") ?? JsonFiles.TokenContent(stm, "pad_token"),
            UnkToken = JsonFiles.TokenContent(cfg, "unk_token") ?? JsonFiles.TokenContent(stm, "unk_token"),
            ConfigAddBos = JsonFiles.OptionalBool(cfg, "add_bos_token"),
            ConfigAddEos = JsonFiles.OptionalBool(cfg, "add_eos_token"),
            GenerationEosIds = JsonFiles.IntOrList(gen, "eos_token_id", "generation_config.json"),
        };
        settings.FallbackBosId = JsonFiles.IntOrList(gen, "bos_token_id", "generation_config.json") is [var bos, ..] ? bos : null;
        settings.FallbackPadId = JsonFiles.IntOrList(gen, "pad_token_id", "generation_config.json") is [var pad, ..] ? pad : null;
        var added = ConfigAddedTokens(cfg);

        var jsonPath = Path.Combine(modelDirectory, "tokenizer.json");
        var spPath = Path.Combine(modelDirectory, "tokenizer.model");
        var vocabPath = Path.Combine(modelDirectory, "vocab.json");
        var mergesPath = Path.Combine(modelDirectory, "merges.txt");
        if (File.Exists(jsonPath))
        {
            return LoadTokenizerJson(jsonPath, added, settings);
        }

        if (File.Exists(spPath))
        {
            return LoadSentencePiece(spPath, added, settings);
        }

        if (File.Exists(vocabPath) && File.Exists(mergesPath))
        {
            return LoadVocabAndMerges(vocabPath, mergesPath, added, settings, JsonFiles.OptionalBool(cfg, "add_prefix_space") ?? false);
        }

        if (File.Exists(vocabPath) || File.Exists(mergesPath))
        {
            var missing = File.Exists(vocabPath) ? "merges.txt" : "vocab.json";
            throw new TokenizerLoadException($"{Path.Combine(modelDirectory, missing)}: missing (vocab.json and merges.txt come as a pair)");
        }

        throw new TokenizerLoadException($"{modelDirectory}: no tokenizer found (expected tokenizer.json, tokenizer.model, or vocab.json + merges.txt)");
    }

    private static List<AddedToken> ConfigAddedTokens(JsonElement? cfg)
    {
        var result = new List<AddedToken>();
        if (cfg is not { } c || !c.TryGetProperty("added_tokens_decoder", out var decoder) || decoder.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var p in decoder.EnumerateObject())
        {
            if (!int.TryParse(p.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || p.Value.ValueKind != JsonValueKind.Object)
            {
                throw new TokenizerLoadException($"tokenizer_config.json: added_tokens_decoder entry '{p.Name}' is not an id with a token object");
            }

            result.Add(ReadAddedToken(p.Value, id, "tokenizer_config.json"));
        }

        return result;
    }

    private static AddedToken ReadAddedToken(JsonElement e, int id, string file)
    {
        if (!e.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
        {
            throw new TokenizerLoadException($"{file}: added token {id} has no \"content\"");
        }

        bool B(string name, bool fallback) => JsonFiles.OptionalBool(e, name) ?? fallback;
        var special = B("special", false);
        return new AddedToken(id, content.GetString()!, special, B("lstrip", false), B("rstrip", false), B("single_word", false), B("normalized", !special));
    }

    private static void MergeAdded(List<AddedToken> into, IEnumerable<AddedToken> more)
    {
        foreach (var token in more)
        {
            if (!into.Exists(t => t.Id == token.Id))
            {
                into.Add(token);
            }
        }
    }

    private static HfTokenizer LoadTokenizerJson(string path, List<AddedToken> configAdded, Settings settings)
    {
        const string file = "tokenizer.json";
        using var doc = JsonFiles.Parse(path);
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{file}: no \"model\" object");
        }

        var modelType = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "BPE";
        if (modelType != "BPE")
        {
            throw new TokenizerLoadException($"{file}: unsupported model type '{modelType}' (supported: BPE)");
        }

        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(affix, out var a) && a.ValueKind == JsonValueKind.String && a.GetString()!.Length > 0)
            {
                throw new TokenizerLoadException($"{file}: unsupported BPE option {affix}='{a.GetString()}'");
            }
        }

        var vocab = ReadVocab(model, file);
        var merges = ReadMerges(model, file);
        string? Str(string name) => model.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var byteFallback = JsonFiles.OptionalBool(model, "byte_fallback") ?? false;
        var bpe = new BpeModel(vocab, merges, Str("unk_token"), JsonFiles.OptionalBool(model, "fuse_unk") ?? false, byteFallback,
            JsonFiles.OptionalBool(model, "ignore_merges") ?? false, file);

        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var addedJson) && addedJson.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in addedJson.EnumerateArray())
            {
                if (!a.TryGetProperty("id", out var idJson) || !idJson.TryGetInt32(out var id) || id < 0)
                {
                    throw new TokenizerLoadException($"{file}: an added token has no valid \"id\"");
                }

                added.Add(ReadAddedToken(a, id, file));
            }
        }

        MergeAdded(added, configAdded);

        JsonElement Part(string name) => root.TryGetProperty(name, out var p) ? p : default;
        var normalizerJson = Part("normalizer");
        var preJson = Part("pre_tokenizer");
        var decoderJson = Part("decoder");
        var core = new BpePipelineCore(vocab, bpe,
            normalizerJson.ValueKind == JsonValueKind.Undefined ? null : TokenizerJsonPipeline.Normalizer(normalizerJson, file),
            preJson.ValueKind == JsonValueKind.Undefined ? null : TokenizerJsonPipeline.PreTokenizerOf(preJson, file),
            decoderJson.ValueKind == JsonValueKind.Undefined ? null : TokenizerJsonPipeline.Decoder(decoderJson, file));

        var byteLevel = new[] { normalizerJson, preJson, decoderJson }.Any(e => e.ValueKind == JsonValueKind.Object
            && e.GetRawText().Contains("\"ByteLevel\"", StringComparison.Ordinal));
        var kind = byteLevel ? "byte-level BPE (tokenizer.json)" : byteFallback ? "BPE with byte fallback (tokenizer.json)" : "BPE (tokenizer.json)";

        if (Part("post_processor") is { ValueKind: JsonValueKind.Object } post)
        {
            (settings.DefaultPrefix, settings.DefaultSuffix) = PostProcessor(post, file);
            // Without a named bos/eos, the post-processor's first prefix / last suffix id stands in.
            settings.FallbackBosId ??= settings.DefaultPrefix is [var first, ..] ? first : null;
            settings.FallbackEosId ??= settings.DefaultSuffix is [.., var last] ? last : null;
        }

        settings.FallbackUnkId = bpe.UnkId;
        return new HfTokenizer(kind, core, added, settings, byteLevel);
    }

    private static Dictionary<string, int> ReadVocab(JsonElement holder, string file)
    {
        if (!holder.TryGetProperty("vocab", out var v) || v.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{file}: model has no \"vocab\" object");
        }

        return ReadVocabObject(v, file);
    }

    private static Dictionary<string, int> ReadVocabObject(JsonElement v, string file)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            if (!p.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new TokenizerLoadException($"{file}: vocabulary entry '{p.Name}' has no valid id");
            }

            vocab[p.Name] = id;
        }

        return vocab;
    }

    private static List<(string, string)> ReadMerges(JsonElement model, string file)
    {
        var merges = new List<(string, string)>();
        if (!model.TryGetProperty("merges", out var m) || m.ValueKind == JsonValueKind.Null)
        {
            // As the Rust tokenizers library: a BPE model without merges is a broken file, not a character-level model
            // (that one says "merges": []).
            throw new TokenizerLoadException($"{file}: the BPE model has no \"merges\" list (an empty list [] is a valid character-level model; a missing or null one is a damaged file)");
        }

        if (m.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerLoadException($"{file}: \"merges\" is not an array");
        }

        foreach (var merge in m.EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.String)
            {
                merges.Add(SplitMergeLine(merge.GetString()!, file, merges.Count));
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                merges.Add((merge[0].GetString()!, merge[1].GetString()!));
            }
            else
            {
                throw new TokenizerLoadException($"{file}: merge #{merges.Count} is neither \"a b\" nor [a, b]");
            }
        }

        return merges;
    }

    private static (string, string) SplitMergeLine(string line, string file, int index)
    {
        var parts = line.Split(' ');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new TokenizerLoadException($"{file}: merge #{index} \"{line}\" is not two tokens separated by one space");
        }

        return (parts[0], parts[1]);
    }

    private static (int[] Prefix, int[] Suffix) PostProcessor(JsonElement post, string file)
    {
        var type = TokenizerJsonPipeline.TypeOf(post, file, "post_processor");
        switch (type)
        {
            case "ByteLevel":
                return ([], []);
            case "Sequence":
                var prefix = new List<int>();
                var suffix = new List<int>();
                foreach (var p in post.GetProperty("processors").EnumerateArray())
                {
                    var (a, b) = PostProcessor(p, file);
                    prefix.AddRange(a);
                    suffix.InsertRange(0, b);
                }

                return ([.. prefix], [.. suffix]);
            case "RobertaProcessing" or "BertProcessing":
                int Pair(string name) => post.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2 && v[1].TryGetInt32(out var id)
                    ? id : throw new TokenizerLoadException($"{file}: {type} has no valid \"{name}\"");
                return ([Pair("cls")], [Pair("sep")]);
            case "TemplateProcessing":
                return Template(post, file);
            default:
                throw new TokenizerLoadException($"{file}: unsupported post_processor type '{type}'");
        }
    }

    private static (int[] Prefix, int[] Suffix) Template(JsonElement post, string file)
    {
        if (!post.TryGetProperty("single", out var single) || single.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerLoadException($"{file}: TemplateProcessing has no \"single\" template");
        }

        var prefix = new List<int>();
        var suffix = new List<int>();
        var seenSequence = false;
        foreach (var piece in single.EnumerateArray())
        {
            if (piece.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }

            if (!piece.TryGetProperty("SpecialToken", out var st) || !st.TryGetProperty("id", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw new TokenizerLoadException($"{file}: TemplateProcessing piece is neither Sequence nor SpecialToken");
            }

            var tokenName = name.GetString()!;
            if (!post.TryGetProperty("special_tokens", out var specials) || !specials.TryGetProperty(tokenName, out var entry)
                || !entry.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
            {
                throw new TokenizerLoadException($"{file}: TemplateProcessing special token '{tokenName}' has no ids");
            }

            (seenSequence ? suffix : prefix).AddRange(ids.EnumerateArray().Select(i => i.GetInt32()));
        }

        return ([.. prefix], [.. suffix]);
    }

    private static HfTokenizer LoadVocabAndMerges(string vocabPath, string mergesPath, List<AddedToken> added, Settings settings, bool addPrefixSpace)
    {
        using var doc = JsonFiles.Parse(vocabPath);
        var vocab = ReadVocabObject(doc.RootElement, "vocab.json");
        var merges = new List<(string, string)>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(mergesPath);
        }
        catch (IOException ex)
        {
            throw new TokenizerLoadException($"merges.txt: cannot be read: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        foreach (var line in lines)
        {
            if (line.Length == 0 || line.StartsWith("#version", StringComparison.Ordinal))
            {
                continue;
            }

            merges.Add(SplitMergeLine(line, "merges.txt", merges.Count));
        }

        // transformers' GPT2Tokenizer defaults unk, bos and eos to <|endoftext|>: a folder with only these two files
        // (no tokenizer_config.json) still has GPT-2's end-of-text token, split out of text as a special token.
        const string endOfText = "<|endoftext|>";
        if (vocab.TryGetValue(endOfText, out var endOfTextId))
        {
            settings.UnkToken ??= endOfText;
            settings.BosToken ??= endOfText;
            settings.EosToken ??= endOfText;
            MergeAdded(added, [new AddedToken(endOfTextId, endOfText, true, false, false, false, false)]);
        }

        var unk = settings.UnkToken is { } u && vocab.ContainsKey(u) ? u : null;
        var bpe = new BpeModel(vocab, merges, unk, false, false, false, "merges.txt");
        var core = new BpePipelineCore(vocab, bpe, null, TokenizerJsonPipeline.ByteLevel(addPrefixSpace, true), TokenizerJsonPipeline.ByteLevelDecode);
        return new HfTokenizer("byte-level BPE (vocab.json+merges.txt)", core, added, settings, byteLevel: true);
    }

    private static HfTokenizer LoadSentencePiece(string path, List<AddedToken> added, Settings settings)
    {
        SentencePieceModel? bpe;
        try
        {
            bpe = SentencePieceModel.TryRead(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is Google.Protobuf.InvalidProtocolBufferException or IOException)
        {
            throw new TokenizerLoadException($"tokenizer.model: not a usable SentencePiece model: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        if (bpe is not null)
        {
            var (bosId, eosId) = (bpe.BosId, bpe.EosId);
            settings.FallbackBosId = bosId ?? settings.FallbackBosId;
            settings.FallbackEosId = eosId;
            settings.FallbackUnkId = bpe.UnknownId >= 0 ? bpe.UnknownId : null;
            settings.ExtraSpecialIds = new[] { bosId, eosId, settings.FallbackUnkId }.OfType<int>().ToList();
            // LlamaTokenizer's default: BOS yes, EOS no; tokenizer_config.json's flags override.
            settings.DefaultPrefix = bosId is { } bos ? [bos] : [];
            return new HfTokenizer("SentencePiece (tokenizer.model)", new SentencePieceBpeCore(bpe), added, settings, byteLevel: false);
        }

        SentencePieceTokenizer sp;
        try
        {
            using var stream = File.OpenRead(path);
            sp = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception ex) when (ex is not TokenizerLoadException and not OutOfMemoryException)
        {
            throw new TokenizerLoadException($"tokenizer.model: not a usable SentencePiece model: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        settings.FallbackBosId = sp.BeginningOfSentenceId >= 0 ? sp.BeginningOfSentenceId : settings.FallbackBosId;
        settings.FallbackEosId = sp.EndOfSentenceId >= 0 ? sp.EndOfSentenceId : null;
        settings.FallbackUnkId = sp.UnknownId >= 0 ? sp.UnknownId : null;
        settings.ExtraSpecialIds = new[] { sp.BeginningOfSentenceId, sp.EndOfSentenceId, sp.UnknownId }.Where(i => i >= 0).ToList();
        // LlamaTokenizer's default: BOS yes, EOS no; tokenizer_config.json's flags override.
        settings.DefaultPrefix = sp.BeginningOfSentenceId >= 0 ? [sp.BeginningOfSentenceId] : [];
        var core = new SentencePieceCore(sp);
        return new HfTokenizer("SentencePiece (tokenizer.model)", core, added, settings, byteLevel: false);
    }
}
