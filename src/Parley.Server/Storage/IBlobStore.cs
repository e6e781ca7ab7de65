namespace Parley.Server.Storage;

/// <summary>
/// Where encrypted file chunks live. Opaque bytes only: the server never has a key for them.
/// One implementation per backend (a folder on disk now; PostgreSQL with the scale-out work).
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores a chunk durably (on disk when this returns), replacing an earlier copy.</summary>
    /// <exception cref="InvalidDataException">When the content is not exactly <paramref name="length"/> bytes.</exception>
    Task WriteChunkAsync(string roomId, string fileId, int index, Stream content, long length, CancellationToken ct);

    Task<Stream> OpenChunkAsync(string roomId, string fileId, int index, CancellationToken ct);

    Task DeleteFileAsync(string roomId, string fileId, CancellationToken ct);

    Task DeleteRoomAsync(string roomId, CancellationToken ct);
}
