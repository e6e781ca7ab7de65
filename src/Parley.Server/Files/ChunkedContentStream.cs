using Parley.Protocol;
using Parley.Server.Storage;

namespace Parley.Server.Files;

/// <summary>
/// A file's encrypted chunks read back to back as one seekable stream, opening one chunk at a
/// time: ASP.NET Core's range processing can serve any byte range with bounded memory.
/// </summary>
public sealed class ChunkedContentStream(IBlobStore blobs, FileRow file) : Stream
{
    Stream? current;
    int currentIndex = -1;
    long position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length { get; } = FileLayout.CipherSize(file.Size);

    public override long Position
    {
        get => position;
        set => position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => Length + offset,
    };

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (position >= Length || buffer.IsEmpty) return 0;
        var stride = FileLayout.ChunkBytes + FileLayout.TagBytes;
        var index = (int)(position / stride);
        var within = position - FileLayout.CipherOffset(index);
        if (index != currentIndex)
        {
            if (current is not null) await current.DisposeAsync();
            current = await blobs.OpenChunkAsync(file.RoomId, file.Id, index, ct);
            currentIndex = index;
        }
        current!.Position = within;
        var read = await current.ReadAsync(buffer[..(int)Math.Min(buffer.Length, FileLayout.CipherLength(file.Size, index) - within)], ct);
        if (read == 0) throw new IOException($"Chunk {index} of file {file.Id} is shorter than it should be.");
        position += read;
        return read;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) current?.Dispose();
        base.Dispose(disposing);
    }
}
