using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Hyperfit.IO.PyTorch;

/// <summary>
/// The part of Python's pickle format that <c>torch.save</c> writes for a state dict (protocols 2–5): dicts,
/// OrderedDicts, tuples, lists, numbers, strings, globals and persistent ids. Nothing is imported or executed: a
/// global is only a name, and the only calls given meaning are those that build dicts and tensors
/// (<c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c>);
/// any other call stays a <see cref="PickleCall"/> for the caller to refuse.
/// </summary>
internal sealed class PickleReader
{
    private const byte Mark = (byte)'(';
    private static readonly object MarkObject = new();
    private readonly byte[] _data;
    private readonly string _path;
    private readonly List<object?> _stack = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;

    private PickleReader(byte[] data, string path)
    {
        _data = data;
        _path = path;
    }

    /// <summary>Reads the single object <paramref name="data"/> holds.</summary>
    /// <param name="path">Names the file in errors.</param>
    /// <exception cref="PyTorchFormatException">Truncated, malformed, or an opcode a state dict never uses.</exception>
    public static object? Read(byte[] data, string path) => new PickleReader(data, path).Run();

    private object? Run()
    {
        while (true)
        {
            var op = Byte();
            switch (op)
            {
                case 0x80: // PROTO
                    var protocol = Byte();
                    if (protocol > 5)
                    {
                        throw Error($"pickle protocol {protocol} is newer than 5");
                    }

                    break;
                case 0x95: // FRAME
                    Skip(8);
                    break;
                case (byte)'.': // STOP
                    return Pop();
                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict());
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(Array.Empty<object?>());
                    break;
                case Mark:
                    Push(MarkObject);
                    break;
                case (byte)'N':
                    Push(null);
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4)));
                    break;
                case (byte)'K': // BININT1
                    Push((long)Byte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2)));
                    break;
                case 0x8a: // LONG1
                    Push(Long(Bytes(Byte())));
                    break;
                case (byte)'G': // BINFLOAT (big-endian)
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8)));
                    break;
                case (byte)'X': // BINUNICODE
                    Push(Utf8(Bytes(Length(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))))));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(Utf8(Bytes(Byte())));
                    break;
                case 0x8d: // BINUNICODE8
                    Push(Utf8(Bytes(Length(BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8))))));
                    break;
                case (byte)'B': // BINBYTES
                    Push(Bytes(Length(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))).ToArray());
                    break;
                case (byte)'C': // SHORT_BINBYTES
                    Push(Bytes(Byte()).ToArray());
                    break;
                case (byte)'q': // BINPUT
                    _memo[Byte()] = Peek();
                    break;
                case (byte)'r': // LONG_BINPUT
                    _memo[BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))] = Peek();
                    break;
                case 0x94: // MEMOIZE
                    _memo[_memo.Count] = Peek();
                    break;
                case (byte)'h': // BINGET
                    Push(Memo(Byte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))));
                    break;
                case (byte)'c': // GLOBAL "module\nname\n"
                    var module = Line();
                    Push(new PickleGlobal(module, Line()));
                    break;
                case 0x93: // STACK_GLOBAL
                    var name = Pop() as string ?? throw Error("STACK_GLOBAL without a name");
                    Push(new PickleGlobal(Pop() as string ?? throw Error("STACK_GLOBAL without a module"), name));
                    break;
                case (byte)'t': // TUPLE
                    Push(PopToMark().ToArray());
                    break;
                case 0x85: // TUPLE1
                    Push(new[] { Pop() });
                    break;
                case 0x86: // TUPLE2
                    var b2 = Pop();
                    Push(new[] { Pop(), b2 });
                    break;
                case 0x87: // TUPLE3
                    var c3 = Pop();
                    var b3 = Pop();
                    Push(new[] { Pop(), b3, c3 });
                    break;
                case (byte)'l': // LIST
                    Push(PopToMark());
                    break;
                case (byte)'d': // DICT
                    var dict = new PickleDict();
                    AddPairs(dict, PopToMark());
                    Push(dict);
                    break;
                case (byte)'a': // APPEND
                    var item = Pop();
                    (Peek() as List<object?> ?? throw Error("APPEND to something that is not a list")).Add(item);
                    break;
                case (byte)'e': // APPENDS
                    var items = PopToMark();
                    (Peek() as List<object?> ?? throw Error("APPENDS to something that is not a list")).AddRange(items);
                    break;
                case (byte)'s': // SETITEM
                    var value = Pop();
                    var key = Pop();
                    (Peek() as PickleDict ?? throw Error("SETITEM on something that is not a dict")).Items.Add(new(key, value));
                    break;
                case (byte)'u': // SETITEMS
                    var pairs = PopToMark();
                    AddPairs(Peek() as PickleDict ?? throw Error("SETITEMS on something that is not a dict"), pairs);
                    break;
                case (byte)'b': // BUILD: state for the object below; a state dict's _metadata (ignored)
                    Pop();
                    break;
                case (byte)'Q': // BINPERSID
                    Push(Persistent(Pop()));
                    break;
                case (byte)'R': // REDUCE
                    var args = Pop() as object?[] ?? throw Error("REDUCE without an argument tuple");
                    Push(Call(Pop(), args));
                    break;
                case 0x81: // NEWOBJ
                    var newArgs = Pop() as object?[] ?? throw Error("NEWOBJ without an argument tuple");
                    Push(Call(Pop(), newArgs));
                    break;
                default:
                    throw Error(string.Create(CultureInfo.InvariantCulture,
                        $"pickle opcode 0x{op:x2} at byte {_position - 1} is not one torch.save writes for a state dict"));
            }
        }
    }

    private object Call(object? callable, object?[] args)
    {
        if (callable is not PickleGlobal g)
        {
            throw Error("REDUCE on something that is not a global");
        }

        switch (g.ToString())
        {
            case "collections.OrderedDict" when args.Length == 0:
                return new PickleDict();
            case "torch._utils._rebuild_tensor_v2" when args.Length >= 4:
                var storage = args[0] as PickleStorage ?? throw Error("_rebuild_tensor_v2 without a storage");
                return new PickleTensor(storage, AsLong(args[1], "storage offset"), Longs(args[2], "size"), Longs(args[3], "stride"));
            case "torch._utils._rebuild_parameter" when args.Length >= 1:
                return args[0]!;
            default:
                return new PickleCall(g, args);
        }
    }

    private PickleStorage Persistent(object? id)
    {
        if (id is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is PickleGlobal type && t[2] is string key)
        {
            return new PickleStorage(type, key, AsLong(t[4], "storage size"));
        }

        throw Error("persistent id is not a torch storage ('storage', type, key, location, size)");
    }

    private long[] Longs(object? value, string what) => value is object?[] items
        ? [.. items.Select(i => AsLong(i, what))]
        : throw Error($"tensor {what} is not a tuple of integers");

    private long AsLong(object? value, string what) => value is long l ? l : throw Error($"tensor {what} is not an integer");

    private void AddPairs(PickleDict dict, List<object?> flat)
    {
        if (flat.Count % 2 != 0)
        {
            throw Error("odd number of items for a dict");
        }

        for (var i = 0; i < flat.Count; i += 2)
        {
            dict.Items.Add(new(flat[i], flat[i + 1]));
        }
    }

    private static long Long(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 8)
        {
            throw new OverflowException("LONG1 wider than 64 bits");
        }

        long value = 0;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        // two's complement sign extension
        return bytes.Length is > 0 and < 8 && (bytes[^1] & 0x80) != 0 ? value - (1L << (8 * bytes.Length)) : value;
    }

    private object? Memo(long key) => _memo.TryGetValue(key, out var v) ? v : throw Error($"memo key {key} was never stored");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() => _stack.Count > 0 && !ReferenceEquals(_stack[^1], MarkObject) ? _stack[^1] : throw Error("stack underflow");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopToMark()
    {
        var mark = _stack.FindLastIndex(o => ReferenceEquals(o, MarkObject));
        if (mark < 0)
        {
            throw Error("no MARK on the stack");
        }

        var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private byte Byte() => _position < _data.Length ? _data[_position++] : throw Error("data.pkl ends early (truncated)");

    private ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0 || _position + (long)count > _data.Length)
        {
            throw Error("data.pkl ends early (truncated)");
        }

        var span = _data.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private void Skip(int count) => Bytes(count);

    private int Length(ulong length) => length <= int.MaxValue ? (int)length : throw Error("string longer than 2 GB");

    private string Line()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0)
        {
            throw Error("GLOBAL name without a newline (truncated)");
        }

        var text = Encoding.UTF8.GetString(_data, _position, end - _position);
        _position = end + 1;
        return text;
    }

    private string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new PyTorchFormatException(_path, "data.pkl holds a string that is not UTF-8", e);
        }
    }

    private PyTorchFormatException Error(string problem) => new(_path, $"data.pkl: {problem}");
}
