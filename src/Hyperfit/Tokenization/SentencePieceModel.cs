using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace Hyperfit.Tokenization;

/// <summary>A SentencePiece <c>tokenizer.model</c> of type BPE with no precompiled normalisation (Llama 2, TinyLlama,
/// Mistral, Vicuna …), encoded and decoded exactly as sentencepiece does (bpe_model.cc, sentencepiece_processor.cc):
/// pieces merge by highest score, equal scores leftmost first; unknown pieces fall back to their UTF-8 bytes.
/// Microsoft.ML.Tokenizers 2.0.1 resolves equal-score merges rightmost first (runs of spaces came out as
/// <c>▁ ▁▁</c> instead of <c>▁▁ ▁</c>), so these models no longer go through it. Other models (Unigram, a
/// precompiled charsmap, whitespace as suffix) still do: <see cref="TryRead"/> returns null for them.</summary>
internal sealed class SentencePieceModel
{
    private const char SpaceSymbol = '▁';
    private const int Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, ByteType = 6;

    private readonly string[] _pieces;
    private readonly float[] _scores;
    private readonly int[] _types;
    private readonly Dictionary<string, int> _mergeable = new(StringComparer.Ordinal); // normal, user-defined, unused
    private readonly Dictionary<string, int> _reserved = new(StringComparer.Ordinal);  // control, unknown, byte
    private readonly string[] _userDefined;
    private readonly int[] _byteIds = new int[256];
    private readonly bool _byteFallback;
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly bool _escapeWhitespaces;
    private readonly string _unkSurface;

    private SentencePieceModel(List<(string Piece, float Score, int Type)> pieces, bool byteFallback, bool addDummyPrefix,
        bool removeExtraWhitespaces, bool escapeWhitespaces, string unkSurface)
    {
        _pieces = [.. pieces.Select(p => p.Piece)];
        _scores = [.. pieces.Select(p => p.Score)];
        _types = [.. pieces.Select(p => p.Type)];
        Array.Fill(_byteIds, -1);
        var userDefined = new List<string>();
        for (var id = 0; id < pieces.Count; id++)
        {
            var (piece, _, type) = pieces[id];
            if (type is Normal or UserDefined or Unused)
            {
                _mergeable.TryAdd(piece, id);
            }
            else
            {
                _reserved.TryAdd(piece, id);
            }

            if (type == UserDefined)
            {
                userDefined.Add(piece);
            }
            else if (type == Unknown)
            {
                UnknownId = id;
            }
            else if (type == ByteType && TokenizerJsonPipeline.TryParseByteToken(piece, out var b))
            {
                _byteIds[b] = id;
            }
        }

        _userDefined = [.. userDefined.OrderByDescending(p => p.Length)];
        _byteFallback = byteFallback;
        _addDummyPrefix = addDummyPrefix;
        _removeExtraWhitespaces = removeExtraWhitespaces;
        _escapeWhitespaces = escapeWhitespaces;
        _unkSurface = unkSurface;
        Vocabulary = _pieces.Select((p, id) => (p, id)).GroupBy(x => x.p, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().id, StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, int> Vocabulary { get; }

    public int UnknownId { get; } = -1;

    /// <summary>trainer_spec.bos_id / eos_id (null when disabled).</summary>
    public int? BosId { get; private init; }

    public int? EosId { get; private init; }

    /// <summary>Reads a ModelProto; null when the model is not one this class implements exactly (see the class).</summary>
    /// <exception cref="InvalidProtocolBufferException">Not a protobuf message.</exception>
    public static SentencePieceModel? TryRead(byte[] bytes)
    {
        var pieces = new List<(string, float, int)>();
        int modelType = 1; // UNIGRAM is the proto default
        bool byteFallback = false, treatWhitespaceAsSuffix = false, addDummyPrefix = true, removeExtra = true, escape = true;
        var unkSurface = " \u2047 ";
        int bosId = 1, eosId = 2; // trainer_spec defaults
        var charsmap = ByteString.Empty;
        var input = new CodedInputStream(bytes);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                    pieces.Add(ReadPiece(input.ReadBytes()));
                    break;
                case 2 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                    var trainer = new CodedInputStream(input.ReadBytes().ToByteArray());
                    for (uint t; (t = trainer.ReadTag()) != 0;)
                    {
                        switch (WireFormat.GetTagFieldNumber(t))
                        {
                            case 3: modelType = trainer.ReadEnum(); break;
                            case 24: treatWhitespaceAsSuffix = trainer.ReadBool(); break;
                            case 35: byteFallback = trainer.ReadBool(); break;
                            case 41: bosId = trainer.ReadInt32(); break;
                            case 42: eosId = trainer.ReadInt32(); break;
                            case 44: unkSurface = trainer.ReadString(); break;
                            default: trainer.SkipLastField(); break;
                        }
                    }

                    break;
                case 3 when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                    var normalizer = new CodedInputStream(input.ReadBytes().ToByteArray());
                    for (uint t; (t = normalizer.ReadTag()) != 0;)
                    {
                        switch (WireFormat.GetTagFieldNumber(t))
                        {
                            case 2: charsmap = normalizer.ReadBytes(); break;
                            case 3: addDummyPrefix = normalizer.ReadBool(); break;
                            case 4: removeExtra = normalizer.ReadBool(); break;
                            case 5: escape = normalizer.ReadBool(); break;
                            default: normalizer.SkipLastField(); break;
                        }
                    }

                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        const int bpe = 2;
        return modelType == bpe && charsmap.IsEmpty && !treatWhitespaceAsSuffix && pieces.Count > 0
            ? new SentencePieceModel(pieces, byteFallback, addDummyPrefix, removeExtra, escape, unkSurface)
            {
                BosId = bosId >= 0 && bosId < pieces.Count ? bosId : null,
                EosId = eosId >= 0 && eosId < pieces.Count ? eosId : null,
            }
            : null;
    }

    private static (string, float, int) ReadPiece(ByteString message)
    {
        var input = new CodedInputStream(message.ToByteArray());
        string piece = "";
        float score = 0;
        var type = Normal;
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: piece = input.ReadString(); break;
                case 2: score = input.ReadFloat(); break;
                case 3: type = input.ReadEnum(); break;
                default: input.SkipLastField(); break;
            }
        }

        return (piece, score, type);
    }

    public bool IsControl(int id) => id >= 0 && id < _types.Length && _types[id] == Control;

    private int PieceToId(string piece) =>
        _reserved.TryGetValue(piece, out var id) || _mergeable.TryGetValue(piece, out id) ? id : UnknownId;

    // ------------------------------------------------------------------ encode

    /// <summary>Appends the ids of <paramref name="text"/> (sentencepiece's Encode: normalise, BPE, byte fallback).</summary>
    public void Encode(string text, List<int> output)
    {
        var normalized = Normalize(text);
        if (normalized.Length == 0)
        {
            return;
        }

        var previousWasUnknown = false;
        foreach (var piece in Merge(normalized))
        {
            var id = PieceToId(piece);
            var unknown = id == UnknownId;
            if (unknown && _byteFallback)
            {
                foreach (var b in Encoding.UTF8.GetBytes(piece))
                {
                    output.Add(_byteIds[b]);
                }

                previousWasUnknown = false;
                continue;
            }

            if (!(unknown && previousWasUnknown)) // consecutive unknown pieces become one <unk>
            {
                output.Add(id);
            }

            previousWasUnknown = unknown;
        }
    }

    private string Normalize(string text)
    {
        var s = text;
        if (_removeExtraWhitespaces)
        {
            var sb = new StringBuilder(s.Length);
            foreach (var part in s.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                sb.Append(sb.Length > 0 ? " " : "").Append(part);
            }

            s = sb.ToString();
        }

        if (s.Length == 0)
        {
            return s;
        }

        if (_addDummyPrefix)
        {
            s = " " + s;
        }

        return _escapeWhitespaces ? s.Replace(' ', SpaceSymbol) : s;
    }

    // bpe_model.cc: symbols are characters (user-defined pieces whole and frozen); repeatedly merge the adjacent
    // pair whose concatenation is a piece with the highest score, equal scores leftmost first.
    private List<string> Merge(string text)
    {
        var symbols = new List<(int Start, int Length, bool Frozen)>();
        for (var i = 0; i < text.Length;)
        {
            var user = Array.Find(_userDefined, u => i + u.Length <= text.Length && string.CompareOrdinal(text, i, u, 0, u.Length) == 0);
            var length = user?.Length ?? (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1);
            symbols.Add((i, length, user is not null));
            i += length;
        }

        var count = symbols.Count;
        var start = symbols.Select(s => s.Start).ToArray();
        var len = symbols.Select(s => s.Length).ToArray();
        var prev = Enumerable.Range(-1, count).ToArray();
        var next = Enumerable.Range(1, count).Select(i => i < count ? i : -1).ToArray();
        var agenda = new PriorityQueue<(int Left, int Right, int Size), (float Score, int Left)>(PairOrder.Instance);

        void MaybeAdd(int left, int right)
        {
            if (left < 0 || right < 0 || symbols[left].Frozen || symbols[right].Frozen)
            {
                return;
            }

            var size = len[left] + len[right];
            if (_mergeable.TryGetValue(text.Substring(start[left], size), out var id))
            {
                agenda.Enqueue((left, right, size), (_scores[id], left));
            }
        }

        for (var i = 0; i + 1 < count; i++)
        {
            MaybeAdd(i, i + 1);
        }

        while (agenda.TryDequeue(out var top, out _))
        {
            if (len[top.Left] == 0 || len[top.Right] == 0 || len[top.Left] + len[top.Right] != top.Size)
            {
                continue; // stale: one side merged since
            }

            len[top.Left] = top.Size;
            next[top.Left] = next[top.Right];
            if (next[top.Right] >= 0)
            {
                prev[next[top.Right]] = top.Left;
            }

            len[top.Right] = 0;
            MaybeAdd(prev[top.Left], top.Left);
            MaybeAdd(top.Left, next[top.Left]);
        }

        var result = new List<string>();
        for (var i = 0; i >= 0; i = next[i])
        {
            result.Add(text.Substring(start[i], len[i]));
        }

        return result;
    }

    // Highest score first; on equal scores the leftmost pair (sentencepiece's SymbolPairComparator).
    private sealed class PairOrder : IComparer<(float Score, int Left)>
    {
        public static readonly PairOrder Instance = new();

        public int Compare((float Score, int Left) x, (float Score, int Left) y) =>
            x.Score != y.Score ? y.Score.CompareTo(x.Score) : x.Left.CompareTo(y.Left);
    }

    // ------------------------------------------------------------------ decode

    /// <summary>sentencepiece's DecodePieces: control pieces vanish, a piece not in the model stays as written
    /// (▁ included), byte pieces join into UTF-8 (one U+FFFD per invalid byte), ▁ becomes a space, and the first
    /// piece after nothing but control or empty pieces loses one leading ▁ (the dummy prefix). Checked against
    /// sentencepiece 0.1.97's Python decode on edge cases: ['', '▁a'] → "a", ['▁', '▁'] → " ", ['&lt;s&gt;', '▁a'] → "a".</summary>
    public string DecodePieces(IEnumerable<string> pieces)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        var beginning = true;
        foreach (var piece in pieces)
        {
            var id = PieceToId(piece);
            if (id >= 0 && _types[id] == ByteType && TokenizerJsonPipeline.TryParseByteToken(piece, out var b))
            {
                bytes.Add(b);
                beginning = false;
                continue;
            }

            FlushBytes(bytes, text);
            text.Append(DecodePiece(piece, id, beginning));
            beginning &= IsControl(id) || piece.Length == 0;
        }

        FlushBytes(bytes, text);
        return text.ToString();
    }

    private string DecodePiece(string piece, int id, bool isBeginning)
    {
        if (IsControl(id))
        {
            return "";
        }

        if (id == UnknownId)
        {
            return id >= 0 && _pieces[id] == piece ? _unkSurface : piece;
        }

        if (isBeginning && (_addDummyPrefix || _removeExtraWhitespaces) && piece.StartsWith(SpaceSymbol))
        {
            piece = piece[1..];
        }

        return piece.Replace(SpaceSymbol, ' ');
    }

    private static void FlushBytes(List<byte> bytes, StringBuilder text)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        while (span.Length > 0)
        {
            if (Rune.DecodeFromUtf8(span, out var rune, out var consumed) == System.Buffers.OperationStatus.Done)
            {
                text.Append(rune.ToString());
                span = span[consumed..];
            }
            else
            {
                text.Append('\uFFFD');
                span = span[1..];
            }
        }

        bytes.Clear();
    }

    /// <summary>Id of a byte piece &lt;0xNN&gt;, or −1.</summary>
    public int ByteId(byte b) => _byteIds[b];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SentencePiece BPE, {_pieces.Length} pieces");
}
