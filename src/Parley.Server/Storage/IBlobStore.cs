namespace Parley.Server.Storage;

/// <summary>
/// Where encrypted file chunks live. Opaque bytes only: the server never has a key for them.
/// One implementation per backend: a folder on disk (<see cref="DiskBlobStore"/>), which several
/// nodes may share; an object store would be a second file beside it.
/// </summary>
/// <remarks>
/// What every implementation must guarantee, because several nodes call it at once and the database
/// (which decides what exists) is written around it:
/// <list type="bullet">
/// <item>A staged chunk is durable when <see cref="StageChunkAsync"/> returns, and invisible: no reader
/// on any node sees it before <see cref="IStagedChunk.PlaceAsync"/>. Two stagings, from any nodes, of
/// the same chunk never share storage.</item>
/// <item>Placing is atomic: a reader sees the whole old chunk, the whole new one, or none, never a mix
/// or a prefix. The last placement wins.</item>
/// <item><see cref="OpenChunkAsync"/> of a chunk that is not there (never placed, or deleted by any
/// node) throws <see cref="BlobMissingException"/>. A reader that already has a chunk open may
/// fail with an <see cref="IOException"/> when another node deletes it, but never reads other bytes.</item>
/// <item>Deletes are idempotent and may run on several nodes at once: deleting what is already gone,
/// or what another node is deleting right now, succeeds. After a delete returns, no reader can open it.</item>
/// <item>What a node killed mid-way leaves (staged chunks never placed or discarded, deletes cut short)
/// is removed by <see cref="DiscardLeftoversAsync"/>, which every node runs now and then.</item>
/// </list>
/// In an object store: stage to a unique temporary key (or an unfinished multipart upload), place by
/// completing or copying it to the chunk's key (one PUT is atomic per key), delete by prefix, and let
/// leftovers be the temporary keys and multipart uploads older than the cutoff.
/// </remarks>
public interface IBlobStore
{
    /// <summary>
    /// Writes a chunk durably where no reader sees it yet. The caller places it once it may land
    /// (see FilesApi: not once its file is complete); disposing the staged chunk unplaced discards it.
    /// </summary>
    /// <exception cref="InvalidDataException">When the content is not exactly <paramref name="length"/> bytes.</exception>
    Task<IStagedChunk> StageChunkAsync(string roomId, string fileId, int index, Stream content, long length, CancellationToken ct);

    /// <exception cref="BlobMissingException">When the chunk is not stored (any more).</exception>
    Task<Stream> OpenChunkAsync(string roomId, string fileId, int index, CancellationToken ct);

    Task DeleteFileAsync(string roomId, string fileId, CancellationToken ct);

    Task DeleteRoomAsync(string roomId, CancellationToken ct);

    /// <summary>
    /// Removes what a node that died left behind: staged chunks last written before
    /// <paramref name="before"/>, and deletes it began before then and did not finish.
    /// </summary>
    Task DiscardLeftoversAsync(DateTime before, CancellationToken ct);
}

/// <summary>A chunk written aside by <see cref="IBlobStore.StageChunkAsync"/>.</summary>
public interface IStagedChunk : IAsyncDisposable
{
    /// <summary>Puts the chunk in place at once, replacing an earlier copy: readers see the old or the new, never a mix.</summary>
    Task PlaceAsync(CancellationToken ct);
}
