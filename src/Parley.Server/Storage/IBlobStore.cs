namespace Parley.Server.Storage;

/// <summary>
/// Where encrypted file chunks live. Opaque bytes only: the server never has a key for them.
/// One implementation per backend (a folder on disk now; PostgreSQL with the scale-out work).
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Writes a chunk durably where no reader sees it yet. The caller places it once it may land
    /// (see FilesApi: not once its file is complete); disposing the staged chunk unplaced discards it.
    /// </summary>
    /// <exception cref="InvalidDataException">When the content is not exactly <paramref name="length"/> bytes.</exception>
    Task<IStagedChunk> StageChunkAsync(string roomId, string fileId, int index, Stream content, long length, CancellationToken ct);

    Task<Stream> OpenChunkAsync(string roomId, string fileId, int index, CancellationToken ct);

    Task DeleteFileAsync(string roomId, string fileId, CancellationToken ct);

    Task DeleteRoomAsync(string roomId, CancellationToken ct);
}

/// <summary>A chunk written aside by <see cref="IBlobStore.StageChunkAsync"/>.</summary>
public interface IStagedChunk : IAsyncDisposable
{
    /// <summary>Puts the chunk in place at once, replacing an earlier copy: readers see the old or the new, never a mix.</summary>
    Task PlaceAsync(CancellationToken ct);
}
