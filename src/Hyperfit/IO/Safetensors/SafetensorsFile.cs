using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace Hyperfit.IO.Safetensors;

/// <summary>A read-only, memory-mapped safetensors file whose header has been fully validated.</summary>
/// <remarks>
/// Mapping rather than reading lets a loader copy each tensor straight from the page cache into its
/// destination, and lets files larger than memory be opened at all. Thread-safe for reading.
/// </remarks>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>Headers beyond this size are refused before being read, as the reference does (100 MB): a
    /// corrupt length prefix must not make us allocate gigabytes.</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;
    private readonly MemoryMappedFile _mapping;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _length;
    private int _disposed;

    private SafetensorsFile(string filePath, Dictionary<string, string> metadata, List<SafetensorsTensorInfo> tensors,
        MemoryMappedFile mapping, MemoryMappedViewAccessor view, long length)
    {
        FilePath = filePath;
        Metadata = metadata.AsReadOnly();
        Tensors = tensors.AsReadOnly();
        _byName = new Dictionary<string, SafetensorsTensorInfo>(tensors.Count, StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            _byName.Add(t.Name, t);
        }

        _mapping = mapping;
        _view = view;
        _length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        // The view may start before the requested offset for alignment; PointerOffset says by how much.
        _base = pointer + view.PointerOffset;
    }

    /// <summary>The path the file was opened with.</summary>
    public string FilePath { get; }

    /// <summary>The <c>__metadata__</c> map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>All tensors, ordered by their data offset.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>Opens and validates <paramref name="path"/>; nothing is mapped unless the header is valid.</summary>
    /// <exception cref="SafetensorsFormatException">The file is malformed (message names file and tensor).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Delete sharing lets a writer replace the file (rename over it) while a reader still holds the old one.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1);
        try
        {
            var length = stream.Length;
            var (metadata, tensors) = ReadHeader(path, stream, length);
            // An empty file cannot be mapped, but ReadHeader has already ensured at least 8 bytes.
            var mapping = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read,
                HandleInheritability.None, leaveOpen: false);
            try
            {
                var view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                return new SafetensorsFile(path, metadata, tensors, mapping, view, length);
            }
            catch
            {
                mapping.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static (Dictionary<string, string>, List<SafetensorsTensorInfo>) ReadHeader(string path, FileStream stream, long length)
    {
        if (length < 8)
        {
            throw new SafetensorsFormatException(path, null, $"file is {length} bytes, shorter than the 8-byte header length");
        }

        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
        {
            throw new SafetensorsFormatException(path, null, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        }

        if ((long)headerLength > length - 8)
        {
            throw new SafetensorsFormatException(path, null,
                $"header length {headerLength} runs past the end of the file ({length} bytes)");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataStart = 8 + (long)headerLength;
        return SafetensorsHeaderParser.Parse(path, header, dataStart, length - dataStart);
    }

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGetTensor(string name, out SafetensorsTensorInfo info) => _byName.TryGetValue(name, out info!);

    /// <summary>Looks a tensor up by name.</summary>
    /// <exception cref="SafetensorsFormatException">No tensor has that name.</exception>
    public SafetensorsTensorInfo GetTensor(string name) =>
        _byName.TryGetValue(name, out var info)
            ? info
            : throw new SafetensorsFormatException(FilePath, name, "no such tensor in this file");

    /// <summary>The tensor's bytes, viewed in place in the mapping (no copy). The span is valid only until
    /// <see cref="Dispose"/>; copy out what must outlive the file.</summary>
    /// <exception cref="SafetensorsFormatException">No tensor has that name.</exception>
    /// <exception cref="NotSupportedException">The tensor is larger than a span can address (2 GiB).</exception>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var info = GetTensor(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (info.ByteLength > int.MaxValue)
        {
            throw new NotSupportedException(
                $"{SafetensorsFormatException.OneLine(FilePath)}: tensor '{SafetensorsFormatException.OneLine(name)}': {info.ByteLength} bytes is more than one span can hold");
        }

        // Validation guarantees DataOffset + ByteLength <= _length; asserted to keep that visible.
        System.Diagnostics.Debug.Assert(info.DataOffset + info.ByteLength <= _length);
        return new ReadOnlySpan<byte>(_base + info.DataOffset, (int)info.ByteLength);
    }

    /// <summary>Unmaps the file. Spans obtained from <see cref="GetBytes"/> must no longer be used.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _mapping.Dispose();
    }
}
