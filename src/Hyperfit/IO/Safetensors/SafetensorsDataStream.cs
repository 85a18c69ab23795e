namespace Hyperfit.IO.Safetensors;

/// <summary>The write-only stream handed to <see cref="SafetensorsTensorToWrite.WriteData"/>: it forwards to
/// the file, counts, and refuses a byte beyond the tensor's size at once, so an over-long writer cannot
/// spill into the next tensor's range before the count is checked.</summary>
internal sealed class SafetensorsDataStream(Stream inner, string tensorName, long expectedBytes) : Stream
{
    public long Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > expectedBytes - Written)
        {
            throw new InvalidOperationException(
                $"tensor '{SafetensorsFormatException.OneLine(tensorName)}': WriteData wrote more than the {expectedBytes} bytes its dtype and shape need");
        }

        inner.Write(buffer);
        Written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Synchronous on purpose: the file stream is not shared with anything that could run concurrently.
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    // Flushing is the writer's business (once, at the end); a per-tensor flush would only cost.
    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
