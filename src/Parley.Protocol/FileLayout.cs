namespace Parley.Protocol;

/// <summary>How a file is cut into encrypted chunks (docs/protocol.md, "Files"). Shared by server and clients.</summary>
public static class FileLayout
{
    public const int ChunkBytes = Limits.FileChunkBytes;
    public const int TagBytes = Limits.TagBytes;

    /// <summary>An empty file is one empty chunk, so every file has a last chunk to authenticate.</summary>
    public static int ChunkCount(long size, int chunkBytes = ChunkBytes) =>
        size == 0 ? 1 : checked((int)((size + chunkBytes - 1) / chunkBytes));

    public static int PlainLength(long size, int index, int chunkBytes = ChunkBytes) =>
        (int)Math.Min(chunkBytes, size - (long)index * chunkBytes);

    public static int CipherLength(long size, int index, int chunkBytes = ChunkBytes) =>
        PlainLength(size, index, chunkBytes) + TagBytes;

    public static long CipherSize(long size, int chunkBytes = ChunkBytes) => size + (long)ChunkCount(size, chunkBytes) * TagBytes;

    /// <summary>Where chunk <paramref name="index"/> starts in the concatenated ciphertext.</summary>
    public static long CipherOffset(int index, int chunkBytes = ChunkBytes) => (long)index * (chunkBytes + TagBytes);
}
